// The local cloud's transactions against WeChat's Cloud Development guide, 数据库 → 事务, "快照隔离":
// reads return the snapshot; a write locks the object; another transaction's write to a locked object
// fails at once; an ordinary update waits for the lock; the commit writes the snapshot atomically.
import { DocStore } from './doc-store'
import { DbError } from './errors'
import { Transactions, type Transaction } from './transactions'

function setup() {
  const store = DocStore.open(null)
  store.createCollection('c')
  store.commit([
    { coll: 'c', id: 'A', doc: { _id: 'A', n: 0 } },
    { coll: 'c', id: 'B', doc: { _id: 'B', n: 0 } },
  ])
  return { store, txs: new Transactions(store) }
}

/** Resolves to 'done' if p settles within ms, else 'waiting'. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), ms))])

const CONFLICT = expect.objectContaining({ code: 'DATABASE_TRANSACTION_CONFLICT' })

/** A transaction's write as the database service makes it: the lock first, then the buffered write. */
function write(txs: Transactions, tx: Transaction, id: string, n: number) {
  txs.lock(tx, 'c', id)
  tx.write('c', id, { _id: id, n })
}

test('another transaction’s write to a locked document fails at once, and that transaction is over', () => {
  const { store, txs } = setup()
  const first = txs.start('instance-1')
  const second = txs.start('instance-2')
  write(txs, first, 'A', 1)
  expect(() => txs.lock(second, 'c', 'A')).toThrow(CONFLICT)
  expect(() => txs.get(second.id)).toThrow(DbError)
  txs.commit(first.id)
  expect(store.get('c', 'A')).toEqual({ _id: 'A', n: 1 })
  expect({ committed: txs.committed, conflicts: txs.conflicts }).toEqual({ committed: 1, conflicts: 1 })
})

test('reads return the snapshot without waiting or conflicting, even of a locked document', () => {
  const { store, txs } = setup()
  const writer = txs.start('instance-1')
  const reader = txs.start('instance-2')
  write(txs, writer, 'A', 5)
  expect(reader.read('c', 'A')).toEqual({ _id: 'A', n: 0 })
  txs.commit(writer.id)
  // Still its snapshot after the other commit; writing another document commits (snapshot isolation).
  expect(reader.read('c', 'A')).toEqual({ _id: 'A', n: 0 })
  write(txs, reader, 'B', 1)
  txs.commit(reader.id)
  expect([store.get('c', 'A'), store.get('c', 'B')]).toEqual([
    { _id: 'A', n: 5 },
    { _id: 'B', n: 1 },
  ])
})

test('a write to a document committed after the snapshot conflicts: the first writer wins', () => {
  const { store, txs } = setup()
  const tx = txs.start('instance-1')
  store.commit([{ coll: 'c', id: 'A', doc: { _id: 'A', n: 7 } }])
  expect(() => txs.lock(tx, 'c', 'A')).toThrow(CONFLICT)
  expect(store.get('c', 'A')).toEqual({ _id: 'A', n: 7 })
})

test('an ordinary update of a locked document waits until the transaction ends', async () => {
  const { txs } = setup()
  const tx = txs.start('instance-1')
  txs.lock(tx, 'c', 'A')
  const update = txs.settle('c', 'A')
  expect(await within(update, 200)).toBe('waiting')
  expect(await within(txs.settle('c', 'B'), 200)).toBe('done')
  txs.commit(tx.id)
  expect(await within(update, 200)).toBe('done')
})

test('a terminated instance’s transactions are abandoned: their locks are free at once and their commit is refused', async () => {
  const { store, txs } = setup()
  const dead = txs.start('token-of-a-killed-instance')
  write(txs, dead, 'A', 99)
  const update = txs.settle('c', 'A')
  expect(await within(update, 200)).toBe('waiting')
  expect(txs.abandon(['token-of-a-killed-instance', ''])).toBe(1)
  expect(await within(update, 200)).toBe('done')
  expect(() => txs.commit(dead.id)).toThrow(DbError)
  const other = txs.start('token-2')
  txs.lock(other, 'c', 'A')
  txs.commit(other.id)
  expect(store.get('c', 'A')).toEqual({ _id: 'A', n: 0 })
})
