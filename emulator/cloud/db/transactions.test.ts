// Scheduling of the local cloud's transactions: only the younger waits for the older (so opposite
// orders never stall both), and the transactions of a terminated instance free what they hold at once.
import { DocStore } from './doc-store'
import { DbError } from './errors'
import { Transactions } from './transactions'

function setup() {
  const store = DocStore.open(null)
  store.createCollection('c')
  store.commit([{ coll: 'c', id: 'A', doc: { _id: 'A', n: 0 } }, { coll: 'c', id: 'B', doc: { _id: 'B', n: 0 } }])
  return { store, txs: new Transactions(store) }
}

/** Resolves to 'done' if p settles within ms, else 'waiting'. */
const within = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), ms))])

test('opposite orders: the older goes ahead at once, the younger waits for it, then conflicts at commit', async () => {
  const { txs } = setup()
  const older = txs.start('instance-1')
  const younger = txs.start('instance-2')
  await txs.touch(older, 'c', 'A')
  await txs.touch(younger, 'c', 'B')
  // The older does not wait for the younger's B …
  expect(await within(txs.touch(older, 'c', 'B'), 200)).toBe('done')
  // … the younger waits for the older's A until the older ends.
  const youngerTouch = txs.touch(younger, 'c', 'A')
  expect(await within(youngerTouch, 200)).toBe('waiting')
  older.write('c', 'A', { _id: 'A', n: 1 })
  older.write('c', 'B', { _id: 'B', n: 1 })
  txs.commit(older.id)
  expect(await within(youngerTouch, 200)).toBe('done')
  // It read B at its snapshot before the older committed: its commit is refused, never applied.
  expect(() => txs.commit(younger.id)).toThrow(expect.objectContaining({ code: 'DATABASE_TRANSACTION_CONFLICT' }))
})

test('a terminated instance’s transactions are abandoned: waiters go on at once and their commit is refused', async () => {
  const { txs } = setup()
  const dead = txs.start('token-of-a-killed-instance')
  await txs.touch(dead, 'c', 'A')
  dead.write('c', 'A', { _id: 'A', n: 99 })
  const other = txs.start('token-2')
  const waiting = txs.touch(other, 'c', 'A')
  expect(await within(waiting, 200)).toBe('waiting')
  expect(txs.abandon(['token-of-a-killed-instance', ''])).toBe(1)
  expect(await within(waiting, 200)).toBe('done')
  expect(() => txs.commit(dead.id)).toThrow(DbError)
  expect(other.read('c', 'A')).toEqual({ _id: 'A', n: 0 })
  txs.commit(other.id)
})
