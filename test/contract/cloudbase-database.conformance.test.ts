// Conformance: the real wx-server-sdk (the version the functions pin) against the local cloud's CloudBase
// API, for each database operation the product uses and each documented behaviour. The expected values
// are what the SDK's own source produces from the service's replies (errCode from its TCB_ERR_CODE
// table, errMsg prefixed with the API name).
import type { WxDatabase } from '../../server/platform/wx-server-sdk'
import { databaseCloud } from '../helpers/store'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'

const C = 'things'
let cloud: LocalCloud
let db: WxDatabase

beforeEach(async () => {
  cloud = await databaseCloud(null, [C, 'other'])
  db = cloud.db
})

describe('documents', () => {
  test('add then doc().get() returns the document with the values it was given', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z')
    const { _id } = await db.collection(C).add({ data: { n: 3, price: 1.5, at, nested: { list: [1, 'two', { three: 3 }] } } })
    expect(_id).toMatch(/^[0-9a-f]{32}$/)
    const got = await db.collection(C).doc(_id).get()
    expect(got).toEqual({ data: { _id, n: 3, price: 1.5, at, nested: { list: [1, 'two', { three: 3 }] } }, errMsg: 'document.get:ok' })
    expect(got.data.at).toBeInstanceOf(Date)
  })

  test('a missing document: doc().get() rejects with the SDK’s words and errCode -1', async () => {
    await expect(db.collection(C).doc('ghost').get()).rejects.toMatchObject({ errCode: -1, errMsg: 'document.get:fail document with _id ghost does not exist' })
  })

  test('a duplicate _id is refused with DATABASE_REQUEST_FAILED (-502001) and MongoDB’s E11000', async () => {
    await db.collection(C).add({ data: { _id: 'a', n: 1 } })
    const err = await db.collection(C).add({ data: { _id: 'a', n: 2 } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ errCode: -502001 })
    expect((err as { errMsg: string }).errMsg).toMatch(/^collection\.add:fail -502001 .*E11000 duplicate key error collection: things index: _id_ dup key/)
    expect((await db.collection(C).doc('a').get()).data.n).toBe(1)
  })

  test('a collection that does not exist: DATABASE_COLLECTION_NOT_EXIST (-502005)', async () => {
    await expect(db.collection('nowhere').where({ a: 1 }).get()).rejects.toMatchObject({ errCode: -502005 })
    await expect(db.collection('nowhere').add({ data: { a: 1 } })).rejects.toMatchObject({ errCode: -502005 })
  })

  test('createCollection of an existing collection names DATABASE_COLLECTION_ALREADY_EXIST', async () => {
    expect(await db.createCollection('fresh')).toMatchObject({ errMsg: 'createCollection:ok' })
    const err = (await db.createCollection('fresh').catch((e: unknown) => e)) as { errCode: number; errMsg: string }
    expect(err.errCode).toBe(-501001)
    expect(err.errMsg).toMatch(/DATABASE_COLLECTION_ALREADY_EXIST/)
  })

  test('set replaces the whole document and reports created or updated', async () => {
    expect((await db.collection(C).doc('s').set({ data: { a: 1, b: 2 } })).stats).toEqual({ updated: 0, created: 1 })
    expect((await db.collection(C).doc('s').set({ data: { c: 3 } })).stats).toEqual({ updated: 1, created: 0 })
    expect((await db.collection(C).doc('s').get()).data).toEqual({ _id: 's', c: 3 })
  })

  test('nested updates merge field by field; operators inc, remove and serverDate apply on the server', async () => {
    const _ = db.command
    await db.collection(C).add({ data: { _id: 'u', n: 10, gone: true, nested: { a: 1, b: 2, deep: { x: 1 } } } })
    const before = Date.now()
    const r = await db.collection(C).doc('u').update({ data: { n: _.inc(-3), gone: _.remove(), nested: { a: 9, deep: { y: 2 } }, at: db.serverDate() } })
    expect(r).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
    const { data } = await db.collection(C).doc('u').get()
    expect(data).toMatchObject({ n: 7, nested: { a: 9, b: 2, deep: { x: 1, y: 2 } } })
    expect('gone' in data).toBe(false)
    expect((data.at as Date).getTime()).toBeGreaterThanOrEqual(before - 5)
  })

  test('update of a missing document changes nothing and says so', async () => {
    expect((await db.collection(C).doc('nope').update({ data: { a: 1 } })).stats.updated).toBe(0)
    expect((await db.collection(C).where({ _id: 'nope' }).get()).data).toEqual([])
  })

  test('remove reports how many went', async () => {
    await db.collection(C).add({ data: { _id: 'r' } })
    expect((await db.collection(C).doc('r').remove()).stats.removed).toBe(1)
    expect((await db.collection(C).doc('r').remove()).stats.removed).toBe(0)
  })
})

describe('queries', () => {
  beforeEach(async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => db.collection(C).add({ data: { _id: `d${String(i).padStart(2, '0')}`, n: i, tag: i % 2 ? 'odd' : 'even', meta: { k: i % 3 } } })))
  })

  test('comparison operators, nested fields, order, skip, limit and count', async () => {
    const _ = db.command
    const page = await db.collection(C).where({ n: _.gte(10), tag: 'odd' }).orderBy('n', 'desc').skip(1).limit(3).get()
    expect(page.data.map((d) => d.n)).toEqual([27, 25, 23])
    expect((await db.collection(C).where({ n: _.in([1, 2, 99]) }).count()).total).toBe(2)
    expect((await db.collection(C).where({ tag: _.neq('odd'), n: _.lt(10) }).count()).total).toBe(5)
    expect((await db.collection(C).where({ meta: { k: 0 } }).count()).total).toBe(10)
    expect((await db.collection(C).where({ 'meta.k': 1 }).count()).total).toBe(10)
  })

  test('where() drops keys whose value is undefined (and refuses a query of nothing but undefined)', async () => {
    const all = await db.collection(C).where({ tag: 'odd', missing: undefined }).count()
    expect(all.total).toBe(15)
    expect(() => db.collection(C).where({ missing: undefined })).toThrow()
  })

  test('where().update() changes every match (multi) and counts only documents it modified', async () => {
    const _ = db.command
    expect((await db.collection(C).where({ tag: 'odd' }).update({ data: { flag: true } })).stats.updated).toBe(15)
    expect((await db.collection(C).where({ tag: 'odd' }).update({ data: { flag: true } })).stats.updated).toBe(0)
    expect((await db.collection(C).where({ _id: 'd01', n: _.gte(100) }).update({ data: { flag: false } })).stats.updated).toBe(0)
    expect((await db.collection(C).where({ flag: true }).remove()).stats.removed).toBe(15)
  })

  test('100 records when no limit is named, at most 1000', async () => {
    // add() of an array inserts many documents in one call.
    for (let b = 0; b < 11; b++) await db.collection('other').add({ data: Array.from({ length: 100 }, (_, i) => ({ i: b * 100 + i })) as never })
    expect((await db.collection('other').get()).data).toHaveLength(100)
    expect((await db.collection('other').limit(1000).get()).data).toHaveLength(1000)
    expect((await db.collection('other').limit(5000).get()).data).toHaveLength(1000)
  })

  test('field() projects', async () => {
    const r = await db.collection(C).where({ _id: 'd03' }).field({ n: true }).get()
    expect(r.data).toEqual([{ _id: 'd03', n: 3 }])
  })
})

describe('transactions', () => {
  test('runTransaction commits every write of the callback, or none when it throws', async () => {
    await db.collection(C).add({ data: { _id: 'acct', balance: 100 } })
    await db.runTransaction(async (tx) => {
      const cur = (await tx.collection(C).doc('acct').get()).data
      await tx.collection(C).doc('acct').update({ data: { balance: (cur.balance as number) - 30 } })
      await tx.collection('other').add({ data: { _id: 'entry1', amount: -30 } })
    })
    await expect(
      db.runTransaction(async (tx) => {
        await tx.collection(C).doc('acct').update({ data: { balance: 0 } })
        await tx.collection('other').add({ data: { _id: 'entry2', amount: -70 } })
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect((await db.collection(C).doc('acct').get()).data.balance).toBe(70)
    expect((await db.collection('other').get()).data.map((d) => d._id)).toEqual(['entry1'])
  })

  test('rollback(reason) ends the transaction and runTransaction rejects with the reason', async () => {
    await expect(
      db.runTransaction(async (tx) => {
        await tx.collection(C).add({ data: { _id: 'never' } })
        await tx.rollback('no thanks')
      }),
    ).rejects.toBe('no thanks')
    expect((await db.collection(C).where({ _id: 'never' }).get()).data).toEqual([])
  })

  test('a conflict at commit is retried by runTransaction, and the retry sees the newer value', async () => {
    await db.collection(C).add({ data: { _id: 'ctr', n: 0 } })
    let attempts = 0
    await db.runTransaction(async (tx) => {
      attempts++
      const cur = (await tx.collection(C).doc('ctr').get()).data.n as number
      if (attempts === 1) await db.collection(C).doc('ctr').update({ data: { n: db.command.inc(10) } })
      await tx.collection(C).doc('ctr').update({ data: { n: cur + 1 } })
    })
    expect(attempts).toBe(2)
    expect((await db.collection(C).doc('ctr').get()).data.n).toBe(11)
  })

  test('after its retries runTransaction rejects with DATABASE_TRANSACTION_CONFLICT, having written nothing', async () => {
    await db.collection(C).add({ data: { _id: 'hot', n: 0 } })
    let attempts = 0
    const err = await db
      .runTransaction(async (tx) => {
        attempts++
        await tx.collection(C).doc('hot').get()
        await db.collection(C).doc('hot').update({ data: { n: db.command.inc(1) } })
        await tx.collection(C).doc('hot').update({ data: { n: -1 } })
      })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect(attempts).toBe(4)
    expect((await db.collection(C).doc('hot').get()).data.n).toBe(4)
  })

  test('reads inside a transaction see its snapshot, not later commits', async () => {
    await db.collection(C).add({ data: { _id: 'snap', n: 1 } })
    const tx = await db.startTransaction()
    await db.collection(C).doc('snap').update({ data: { n: 2 } })
    expect((await tx.collection(C).doc('snap').get()).data.n).toBe(1)
    await db.collection(C).add({ data: { _id: 'later' } })
    await expect(tx.collection(C).doc('later').get()).rejects.toMatchObject({ errMsg: 'document.get:fail document with _id later does not exist' })
    await tx.rollback()
  })

  test('a transaction sees its own writes, and a missing document reads as missing', async () => {
    const seen = await db.runTransaction(async (tx) => {
      await tx.collection(C).add({ data: { _id: 'mine', n: 1 } })
      await tx.collection(C).doc('mine').update({ data: { n: db.command.inc(4) } })
      const missing = await tx.collection(C).doc('nobody').get().catch((e: { errMsg: string }) => e.errMsg)
      return { mine: (await tx.collection(C).doc('mine').get()).data.n, missing }
    })
    expect(seen).toEqual({ mine: 5, missing: 'document.get:fail document with _id nobody does not exist' })
  })

  test('where() is refused inside a transaction (single-document operations only): -502001', async () => {
    type TxWhere = { where(q: object): { get(): Promise<unknown> } }
    const err = await db.runTransaction(async (tx) => (tx.collection(C) as unknown as TxWhere).where({ n: 1 }).get()).catch((e: unknown) => e)
    expect(err).toMatchObject({ errCode: -502001 })
  })
})

test('every database call is counted in /__cloud/stats', async () => {
  const before = ((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls
  await db.collection(C).where({ a: 1 }).get()
  await db.collection(C).where({ a: 1 }).count()
  const after = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number; invocations: number }
  expect(after).toEqual({ dbCalls: before + 2, invocations: 0, transactions: 0, conflicts: 0 })
})

test('/__cloud/stats counts every transaction attempt and each commit lost to a conflict', async () => {
  type Counters = { transactions: number; conflicts: number }
  const stats = async () => (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as Counters
  await db.collection(C).add({ data: { _id: 'hot', n: 0 } })
  const before = await stats()
  let attempts = 0
  const err = await db
    .runTransaction(async (tx) => {
      attempts++
      const cur = await tx.collection(C).doc('hot').get()
      await db.collection(C).doc('hot').update({ data: { n: db.command.inc(100) } }) // someone else writes meanwhile, every time
      await tx.collection(C).doc('hot').set({ data: { n: (cur.data.n as number) + 1 } })
    })
    .catch((e: unknown) => e)
  expect(err).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  const after = await stats()
  expect(attempts).toBe(4)
  expect({ transactions: after.transactions - before.transactions, conflicts: after.conflicts - before.conflicts }).toEqual({ transactions: 4, conflicts: 4 })
})

test('declared indexes are created by the local cloud, kept, and answer queries like a scan', async () => {
  await db.collection(C).add({ data: { _id: 'a', kind: 'x', at: 1 } })
  cloud.declareIndexes({ [C]: [['kind', 'at']] })
  expect(cloud.dbService.store.indexesOf(C)).toContainEqual({ name: 'kind_1_at_1', keys: { kind: 1, at: 1 }, unique: false })
  await db.collection(C).add({ data: { _id: 'b', kind: 'x', at: 2 } })
  await db.collection(C).add({ data: { _id: 'c', kind: 'y', at: 3 } })
  await db.collection(C).doc('a').update({ data: { kind: 'y' } })
  expect((await db.collection(C).where({ kind: 'x' }).get()).data.map((d) => d._id)).toEqual(['b'])
  expect((await db.collection(C).where({ kind: 'y' }).orderBy('at', 'asc').get()).data.map((d) => d._id)).toEqual(['a', 'c'])
})

test('CLOUD_DB_LATENCY_MS delays every database round trip', async () => {
  const slow = await databaseCloud(null, [C], { CLOUD_DB_LATENCY_MS: '40' })
  const t0 = Date.now()
  for (let i = 0; i < 3; i++) await slow.db.collection(C).where({ a: i }).get()
  expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 40 - 5)
  // Changeable while running (a benchmark sets up fast and measures slow).
  slow.latency.ms = 150
  const t1 = Date.now()
  for (let i = 0; i < 3; i++) await slow.db.collection(C).where({ a: i }).get()
  expect(Date.now() - t1).toBeGreaterThanOrEqual(3 * 150 - 5)
})
