'use strict'
// The bench's bare function (test/bench/run.ts): the essential work of a spend and nothing else — a
// conditional debit, then a ledger entry, and as many more of those round trips as `calls` asks — run
// through the real wx-server-sdk in the same local-cloud instances as card.spend. No checks, no
// idempotency, no WeChat: what this machine allows a function making that many round trips.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const db = cloud.database()
  const _ = db.command
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
  return { debited }
}
