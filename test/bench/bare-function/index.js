'use strict'
// The bench's bare function (test/bench/run.ts): the essential work of a spend and nothing else — a
// conditional debit, then a ledger entry, and as many more of those round trips as `calls` asks — run
// through the real wx-server-sdk in the same local-cloud instances as card.spend. No checks, no
// idempotency: what this machine allows a function making that many round trips.
//
// `check: true` adds the one WeChat call issue 25 §1 makes every spend wait for — card/code/get with
// check_consume, at the same time as the debit — with a token fetched once per instance (stable_token,
// which leaves the product's own token valid). That is the fastest spend that is correct on a code
// given away in the card bag while both pushes were lost: the floor card.spend is measured against too.
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

async function codeCheck(cardId, code) {
  const res = await fetch(`${process.env.WX_API_BASE}/card/code/get?access_token=${await accessToken()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ card_id: cardId, code, check_consume: true }),
  })
  const body = await res.json()
  return body.errcode === 0 && body.user_card_status === 'NORMAL'
}

exports.main = async (event) => {
  const db = cloud.database()
  const _ = db.command
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
