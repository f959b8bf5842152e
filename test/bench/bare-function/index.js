'use strict'
// The bench's bare function (test/bench/run.ts): the essential work of a spend and nothing else — a
// conditional debit, then a ledger entry, and as many more of those round trips as `calls` asks — run
// through the real wx-server-sdk in the same local-cloud instances as card.spend. No checks, no
// idempotency: what this machine allows a function making that many round trips.
//
// `check: true` adds the one WeChat call issue 25 §1 makes every spend wait for — card/code/get with
// check_consume, at the same time as the debit — with a token fetched once per instance (stable_token,
// which leaves the product's own token valid). That is the fastest spend that is correct on a code
// given away in the card bag while both pushes were lost.
//
// `sync: true` (with `check`) is the floor of a spend that meets all of issue 27's own rules as well: after
// the debit, the entry beside card/generalcard/updateuser, so WeChat's card bag shows the new balance. The
// debit is conditional on the card's balance as the caller knows it (`balance`, what a spend hint gives), so
// the balance after is known without a read: 2 database calls and 2 WeChat calls, the fewest any design can
// make for a spend that asks WeChat about the code and tells the card bag (updateuser sets the FULL balance,
// gift-card-api §11.2, one code a call). Still no idempotency, no reply balance for a repeat, no crash recovery.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

let token = null
async function accessToken() {
  if (token) return token
  const res = await fetch(`${process.env.WX_API_BASE}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: process.env.WX_SA_APPID, secret: process.env.WX_SA_SECRET }),
  })
  token = (await res.json()).access_token
  return token
}

async function wechat(endpoint, body) {
  const res = await fetch(`${process.env.WX_API_BASE}/${endpoint}?access_token=${await accessToken()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.json()
}

async function codeCheck(cardId, code) {
  const body = await wechat('card/code/get', { card_id: cardId, code, check_consume: true })
  return body.errcode === 0 && body.user_card_status === 'NORMAL'
}

/** The floor with the card bag told (`sync`): debit ‖ check, then entry ‖ updateuser. */
async function syncedSpend(db, _, event) {
  const [cardId, code] = event.card.split(':')
  const checked = codeCheck(cardId, code)
  const res = await db
    .collection('user_cards')
    .where({ _id: event.card, balance: event.balance })
    .update({ data: { balance: _.inc(-1) } })
  if (!(await checked) || res.stats.updated !== 1) return { debited: res.stats.updated, refused: true }
  const after = event.balance - 1
  const [, told] = await Promise.all([
    db.collection('ledger').add({
      data: { _id: `${event.tag}-1`, card: 'bench', kind: 'adjust', amount: 0, balanceAfter: after, version: 0, createdAt: Date.now() },
    }),
    wechat('card/generalcard/updateuser', { card_id: cardId, code, balance: after }),
  ])
  return { debited: 1, told: told.errcode === 0 && told.result_balance === after }
}

exports.main = async (event) => {
  const db = cloud.database()
  const _ = db.command
  if (event.sync) return syncedSpend(db, _, event)
  const checked = event.check ? codeCheck(...event.card.split(':')) : Promise.resolve(true)
  let debited = 0
  for (let i = 0; i < event.calls; i++) {
    if (i % 2 === 0) {
      const res = await db
        .collection('user_cards')
        .where({ _id: event.card, balance: _.gte(1) })
        .update({ data: { balance: _.inc(-1) } })
      debited += res.stats.updated
    } else {
      await db.collection('ledger').add({
        data: { _id: `${event.tag}-${i}`, card: 'bench', kind: 'adjust', amount: 0, balanceAfter: 0, version: 0, createdAt: Date.now() },
      })
    }
  }
  if (!(await checked)) return { debited: 0, refused: true }
  return { debited }
}
