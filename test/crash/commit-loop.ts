// The child of the crash test: commits transactions in a loop, through the local cloud's transaction
// service into its SQLite store, until it is killed. Transaction i moves the account to i and writes
// ledger entry i and a receipt, the shape of a spend (a balance and its ledger entry, together or not at
// all). After each commit it prints the number, so the parent knows what was acknowledged.
import { DatabaseService } from '../../emulator/cloud/db/database-service'
import { DocStore } from '../../emulator/cloud/db/doc-store'
import { toEjson } from '../../emulator/cloud/db/ejson'

async function main() {
  const file = process.argv[2]!
  const store = DocStore.open(file)
  const db = new DatabaseService(store)
  for (const c of ['accounts', 'ledger', 'receipts'])
    if (!store.hasCollection(c)) await db.handle('database.addCollection', { collectionName: c })
  const doc = (id: string) => toEjson({ _id: id })
  for (;;) {
    const { transactionId } = (await db.handle('database.startTransaction', {})) as { transactionId: string }
    const got = (await db.handle('database.getDocument', {
      collectionName: 'accounts',
      queryType: 'DOC',
      query: doc('acct'),
      transactionId,
    })) as { list: string[] }
    const n = got.list.length ? (JSON.parse(got.list[0]!) as { n: { $numberInt: string } }).n.$numberInt : '0'
    const i = Number(n) + 1
    await db.handle('database.modifyDocument', {
      collectionName: 'accounts',
      queryType: 'DOC',
      query: doc('acct'),
      transactionId,
      merge: false,
      upsert: true,
      data: toEjson({ n: i, note: 'x'.repeat(200) }),
    })
    await db.handle('database.insertDocument', { collectionName: 'ledger', transactionId, data: [toEjson({ _id: `e${i}`, n: i })] })
    await db.handle('database.insertDocument', {
      collectionName: 'receipts',
      transactionId,
      data: [toEjson({ _id: `r${i}`, n: i, body: 'y'.repeat(500) })],
    })
    await db.handle('database.commitTransaction', { transactionId })
    process.stdout.write(`${i}\n`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
