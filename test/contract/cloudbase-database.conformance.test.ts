// Conformance: the real wx-server-sdk (the version the functions pin) against the local cloud's CloudBase
// API, for each database operation the product uses and each documented behaviour. The expected values
// are what the SDK's own source produces from the service's replies (errCode from its TCB_ERR_CODE
// table, errMsg prefixed with the API name).
import type { WxDatabase } from '../../server/platform/wx-server-sdk'
import { CloudStore } from '../../server/store/cloud-store'
import { TransactionConflictError } from '../../server/store/port'
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
    await expect(db.collection(C).doc('ghost').get()).rejects.toMatchObject({
      errCode: -1,
      errMsg: 'document.get:fail document with _id ghost does not exist',
    })
  })

  test('a duplicate _id is refused with DATABASE_REQUEST_FAILED (-502001) and MongoDB’s E11000', async () => {
    await db.collection(C).add({ data: { _id: 'a', n: 1 } })
    const err = await db
      .collection(C)
      .add({ data: { _id: 'a', n: 2 } })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ errCode: -502001 })
    expect((err as { errMsg: string }).errMsg).toMatch(
      /^collection\.add:fail -502001 .*E11000 duplicate key error collection: things index: _id_ dup key/,
    )
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
    expect(
      (
        await db
          .collection(C)
          .doc('s')
          .set({ data: { a: 1, b: 2 } })
      ).stats,
    ).toEqual({ updated: 0, created: 1 })
    expect(
      (
        await db
          .collection(C)
          .doc('s')
          .set({ data: { c: 3 } })
      ).stats,
    ).toEqual({ updated: 1, created: 0 })
    expect((await db.collection(C).doc('s').get()).data).toEqual({ _id: 's', c: 3 })
  })

  test('nested updates merge field by field; operators inc, remove and serverDate apply on the server', async () => {
    const _ = db.command
    await db.collection(C).add({ data: { _id: 'u', n: 10, gone: true, nested: { a: 1, b: 2, deep: { x: 1 } } } })
    const before = Date.now()
    const r = await db
      .collection(C)
      .doc('u')
      .update({ data: { n: _.inc(-3), gone: _.remove(), nested: { a: 9, deep: { y: 2 } }, at: db.serverDate() } })
    expect(r).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
    const { data } = await db.collection(C).doc('u').get()
    expect(data).toMatchObject({ n: 7, nested: { a: 9, b: 2, deep: { x: 1, y: 2 } } })
    expect('gone' in data).toBe(false)
    expect((data.at as Date).getTime()).toBeGreaterThanOrEqual(before - 5)
  })

  test('update of a missing document changes nothing and says so', async () => {
    expect(
      (
        await db
          .collection(C)
          .doc('nope')
          .update({ data: { a: 1 } })
      ).stats.updated,
    ).toBe(0)
    expect((await db.collection(C).where({ _id: 'nope' }).get()).data).toEqual([])
  })

  test('an operator that does not fit the document fails the write as MongoDB does: DATABASE_REQUEST_FAILED (-502001), nothing changed', async () => {
    // MongoDB's manual: $inc on null "will generate an error", $push on a non-array field "will fail", a field
    // cannot be made inside a scalar; mingo alone skipped such operators and wrote the rest.
    const _ = db.command
    await db.collection(C).add({ data: { _id: 'typed', title: 'gift', n: 1, tags: ['a'] } })
    const refusal = (data: Record<string, unknown>) =>
      db
        .collection(C)
        .doc('typed')
        .update({ data })
        .catch((e: unknown) => e) as Promise<{ errCode: number; errMsg: string }>
    expect(await refusal({ title: _.inc(1), n: 2 })).toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining(
        'Cannot apply $inc to a value of non-numeric type. {_id: "typed"} has the field \'title\' of non-numeric type string',
      ),
    })
    expect(await refusal({ tags: _.inc(1) })).toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining("has the field 'tags' of non-numeric type array"),
    })
    expect(await refusal({ 'n.fen': 1 })).toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining("Cannot create field 'fen' in element {n: 1}"),
    })
    expect((await db.collection(C).doc('typed').get()).data).toMatchObject({ title: 'gift', n: 1, tags: ['a'] })
  })

  test('a document is at most 16 MB (MongoDB’s BSON limit): an update past it is DATABASE_REQUEST_FAILED (-502001) and writes nothing', async () => {
    // Production: "单条记录大小受底层 BSON 限制,不超过 16mb" (CloudBase staff, developers.weixin.qq.com community).
    const sixMb = 'x'.repeat(6 * 1024 * 1024)
    await db.collection(C).add({ data: { _id: 'big', n: 1 } })
    await db
      .collection(C)
      .doc('big')
      .update({ data: { a: sixMb } })
    await db
      .collection(C)
      .doc('big')
      .update({ data: { b: sixMb } })
    const err = (await db
      .collection(C)
      .doc('big')
      .update({ data: { c: sixMb, n: 2 } })
      .catch((e: unknown) => e)) as { errCode: number; errMsg: string }
    expect(err.errCode).toBe(-502001)
    expect(err.errMsg).toMatch(/Resulting document after update is larger than 16777216/)
    const kept = (await db.collection(C).doc('big').get()).data
    expect([kept.n, 'c' in kept]).toEqual([1, false])
    // Inside a transaction the write itself fails, and none of the transaction's writes is committed.
    const inTx = await db
      .runTransaction(async (tx) => {
        await tx
          .collection(C)
          .doc('big')
          .update({ data: { n: 3 } })
        await tx
          .collection(C)
          .doc('big')
          .update({ data: { c: sixMb } })
      })
      .catch((e: unknown) => e)
    expect(inTx).toMatchObject({ errCode: -502001 })
    expect((await db.collection(C).doc('big').get()).data.n).toBe(1)
  })

  test('an update of any number of fields applies them all (175,000 dotted paths in one update)', async () => {
    await db.collection(C).add({ data: { _id: 'wide', keys: {} } })
    const keys: Record<string, Record<string, number>> = {}
    for (let i = 0; i < 25_000; i++) keys[`k${i}`] = { a: i, b: 1, c: 2, d: 3, e: 4, f: 5, g: 6 }
    expect((await db.collection(C).doc('wide').update({ data: { keys } })).stats.updated).toBe(1)
    const got = (await db.collection(C).doc('wide').get()).data as { keys: Record<string, Record<string, number>> }
    expect(Object.keys(got.keys)).toHaveLength(25_000)
    expect(got.keys.k24999).toEqual({ a: 24999, b: 1, c: 2, d: 3, e: 4, f: 5, g: 6 })
  })

  test('remove reports how many went', async () => {
    await db.collection(C).add({ data: { _id: 'r' } })
    expect((await db.collection(C).doc('r').remove()).stats.removed).toBe(1)
    expect((await db.collection(C).doc('r').remove()).stats.removed).toBe(0)
  })
})

describe('queries', () => {
  beforeEach(async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        db.collection(C).add({ data: { _id: `d${String(i).padStart(2, '0')}`, n: i, tag: i % 2 ? 'odd' : 'even', meta: { k: i % 3 } } }),
      ),
    )
  })

  test('comparison operators, nested fields, order, skip, limit and count', async () => {
    const _ = db.command
    const page = await db
      .collection(C)
      .where({ n: _.gte(10), tag: 'odd' })
      .orderBy('n', 'desc')
      .skip(1)
      .limit(3)
      .get()
    expect(page.data.map((d) => d.n)).toEqual([27, 25, 23])
    expect(
      (
        await db
          .collection(C)
          .where({ n: _.in([1, 2, 99]) })
          .count()
      ).total,
    ).toBe(2)
    expect(
      (
        await db
          .collection(C)
          .where({ tag: _.neq('odd'), n: _.lt(10) })
          .count()
      ).total,
    ).toBe(5)
    expect(
      (
        await db
          .collection(C)
          .where({ meta: { k: 0 } })
          .count()
      ).total,
    ).toBe(10)
    expect((await db.collection(C).where({ 'meta.k': 1 }).count()).total).toBe(10)
  })

  test('where() drops keys whose value is undefined (and refuses a query of nothing but undefined)', async () => {
    const all = await db.collection(C).where({ tag: 'odd', missing: undefined }).count()
    expect(all.total).toBe(15)
    expect(() => db.collection(C).where({ missing: undefined })).toThrow()
  })

  test('where().update() changes every match (multi) and counts only documents it modified', async () => {
    const _ = db.command
    expect(
      (
        await db
          .collection(C)
          .where({ tag: 'odd' })
          .update({ data: { flag: true } })
      ).stats.updated,
    ).toBe(15)
    expect(
      (
        await db
          .collection(C)
          .where({ tag: 'odd' })
          .update({ data: { flag: true } })
      ).stats.updated,
    ).toBe(0)
    expect(
      (
        await db
          .collection(C)
          .where({ _id: 'd01', n: _.gte(100) })
          .update({ data: { flag: false } })
      ).stats.updated,
    ).toBe(0)
    expect((await db.collection(C).where({ flag: true }).remove()).stats.removed).toBe(15)
  })

  test('100 records when no limit is named, at most 1000', async () => {
    // add() of an array inserts many documents in one call.
    for (let b = 0; b < 11; b++)
      await db.collection('other').add({ data: Array.from({ length: 100 }, (_, i) => ({ i: b * 100 + i })) as never })
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
      await tx
        .collection(C)
        .doc('acct')
        .update({ data: { balance: (cur.balance as number) - 30 } })
      await tx.collection('other').add({ data: { _id: 'entry1', amount: -30 } })
    })
    await expect(
      db.runTransaction(async (tx) => {
        await tx
          .collection(C)
          .doc('acct')
          .update({ data: { balance: 0 } })
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

  // WeChat's guide, 数据库 → 事务, "快照隔离": another transaction's write to a locked object fails at once;
  // a write to a document committed after the snapshot conflicts too (snapshot isolation). The SDK
  // reports it from the operation as -501001 (its error table has no DATABASE_TRANSACTION_CONFLICT), and
  // runTransaction, which retries only that code, does not start another attempt.
  test('a write to a document another transaction holds fails at once: -501001 with the service’s conflict, not retried by runTransaction', async () => {
    await db.collection(C).add({ data: { _id: 'held', n: 0 } })
    const holder = await db.startTransaction()
    await holder
      .collection(C)
      .doc('held')
      .update({ data: { n: 1 } })
    let attempts = 0
    const err = await db
      .runTransaction(async (tx) => {
        attempts++
        expect((await tx.collection(C).doc('held').get()).data.n).toBe(0) // reads never wait: the snapshot
        await tx
          .collection(C)
          .doc('held')
          .update({ data: { n: 2 } })
      })
      .catch((e: unknown) => e)
    expect(attempts).toBe(1)
    expect(err).toMatchObject({
      errCode: -501001,
      errMsg:
        'document.update:fail -501001 resource system error. Transaction is conflict, maybe resource things/held is being modified by another transaction',
    })
    await holder.commit()
    expect((await db.collection(C).doc('held').get()).data.n).toBe(1)
  })

  test('a write to a document committed after the snapshot conflicts: the first writer wins', async () => {
    await db.collection(C).add({ data: { _id: 'ctr', n: 0 } })
    const tx = await db.startTransaction()
    await tx.collection(C).doc('ctr').get()
    await db
      .collection(C)
      .doc('ctr')
      .update({ data: { n: db.command.inc(10) } })
    await expect(
      tx
        .collection(C)
        .doc('ctr')
        .update({ data: { n: 1 } }),
    ).rejects.toMatchObject({ errCode: -501001, errMsg: expect.stringContaining('Transaction is conflict') })
    expect((await db.collection(C).doc('ctr').get()).data.n).toBe(10)
  })

  test('the product’s store turns a write conflict into another attempt, which sees the newer value', async () => {
    const store = new CloudStore(db)
    await db.collection(C).add({ data: { _id: 'ctr2', n: 0 } })
    let attempts = 0
    await store.transaction(async (tx) => {
      attempts++
      const cur = (await tx.get<{ _id: string; n: number }>(C, 'ctr2'))!.n
      if (attempts === 1)
        await db
          .collection(C)
          .doc('ctr2')
          .update({ data: { n: db.command.inc(10) } })
      await tx.update(C, 'ctr2', { n: cur + 1 })
    })
    expect(attempts).toBe(2)
    expect((await db.collection(C).doc('ctr2').get()).data.n).toBe(11)
  })

  test('after runTransaction’s retries the store rejects with TransactionConflictError, having written nothing', async () => {
    const store = new CloudStore(db)
    await db.collection(C).add({ data: { _id: 'hot', n: 0 } })
    let attempts = 0
    const err = await store
      .transaction(async (tx) => {
        attempts++
        await tx.get(C, 'hot')
        await db
          .collection(C)
          .doc('hot')
          .update({ data: { n: db.command.inc(1) } })
        await tx.update(C, 'hot', { n: -1 })
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransactionConflictError)
    expect(attempts).toBe(4)
    expect((await db.collection(C).doc('hot').get()).data.n).toBe(4)
  })

  test('reads inside a transaction see its snapshot, not later commits', async () => {
    await db.collection(C).add({ data: { _id: 'snap', n: 1 } })
    const tx = await db.startTransaction()
    await db
      .collection(C)
      .doc('snap')
      .update({ data: { n: 2 } })
    expect((await tx.collection(C).doc('snap').get()).data.n).toBe(1)
    await db.collection(C).add({ data: { _id: 'later' } })
    await expect(tx.collection(C).doc('later').get()).rejects.toMatchObject({
      errMsg: 'document.get:fail document with _id later does not exist',
    })
    await tx.rollback()
  })

  test('a transaction sees its own writes, and a missing document reads as missing', async () => {
    const seen = await db.runTransaction(async (tx) => {
      await tx.collection(C).add({ data: { _id: 'mine', n: 1 } })
      await tx
        .collection(C)
        .doc('mine')
        .update({ data: { n: db.command.inc(4) } })
      const missing = await tx
        .collection(C)
        .doc('nobody')
        .get()
        .catch((e: { errMsg: string }) => e.errMsg)
      return { mine: (await tx.collection(C).doc('mine').get()).data.n, missing }
    })
    expect(seen).toEqual({ mine: 5, missing: 'document.get:fail document with _id nobody does not exist' })
  })

  test('where() is refused inside a transaction (single-document operations only): -502001', async () => {
    type TxWhere = { where(q: object): { get(): Promise<unknown> } }
    const err = await db
      .runTransaction(async (tx) => (tx.collection(C) as unknown as TxWhere).where({ n: 1 }).get())
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ errCode: -502001 })
  })
})

describe('aggregation (collection.aggregate()…end(): database.aggregateDocuments)', () => {
  const agg = (name: string) => db.collection(name).aggregate()
  const $ = () => db.command.aggregate.pipeline()
  /** Stages of the SDK's Aggregate the product does not use (so the facade does not type them). */
  type Raw = {
    match(q: object): Raw
    group(g: object): Raw
    sort(s: object): Raw
    addFields(f: object): Raw
    geoNear(g: object): Raw
    end(): Promise<{ list: unknown[]; errMsg: string }>
  }
  const raw = (name: string) => db.collection(name).aggregate() as unknown as Raw

  beforeEach(async () => {
    await db.collection('other').add({ data: { _id: 'root', owner: 'm1' } })
    const cards = [
      { _id: 'c1', owner: 'm1', at: 1, orderId: 'o1' },
      { _id: 'c2', owner: 'x', union: 'u1', at: 4, orderId: 'o2' },
      { _id: 'c3', owner: 'm1', at: 3, orderId: 'o9' },
      { _id: 'c4', owner: 'y', at: 2, orderId: 'o1' },
      { _id: 'c5', owner: 'm1', at: 5, orderId: 'o2', nested: { k: 1 } },
    ]
    for (const c of cards) await db.collection(C).add({ data: c })
    await db.collection('other').add({ data: { _id: 'o1', title: 'one', paidAt: new Date('2026-01-02T03:04:05.000Z') } })
    await db.collection('other').add({ data: { _id: 'o2', title: 'two' } })
  })

  test('match, sort, limit, project and group run on the service and come back as documents', async () => {
    const page = await agg(C).match({ owner: 'm1' }).sort({ at: -1 }).limit(2).end()
    expect(page).toEqual({
      list: [
        { _id: 'c5', owner: 'm1', at: 5, orderId: 'o2', nested: { k: 1 } },
        { _id: 'c3', owner: 'm1', at: 3, orderId: 'o9' },
      ],
      errMsg: 'collection.aggregate:ok',
    })
    const _ = db.command
    const grouped = await raw(C)
      .match({ at: _.gte(2) })
      .group({ _id: '$owner', n: { $sum: 1 } })
      .sort({ _id: 1 })
      .end()
    expect(grouped.list).toEqual([
      { _id: 'm1', n: 2 },
      { _id: 'x', n: 1 },
      { _id: 'y', n: 1 },
    ])
  })

  test('$lookup with a sub-pipeline built by db.command.aggregate.pipeline(): commands, order, limit and a nested join by _id', async () => {
    const _ = db.command
    const res = await agg('other')
      .match({ _id: 'root' })
      .replaceRoot({ newRoot: { doc: '$$ROOT' } })
      .lookup({
        from: C,
        pipeline: $()
          .match(_.or([{ owner: 'm1' }, { union: 'u1' }]))
          .sort({ at: -1 })
          .limit(3)
          .lookup({ from: 'other', localField: 'orderId', foreignField: '_id', as: 'order' })
          .done(),
        as: 'mine',
      })
      .end()
    expect(res.list).toHaveLength(1)
    const [root] = res.list as { doc: unknown; mine: { _id: string; order: { _id: string; title: string; paidAt?: Date }[] }[] }[]
    expect(root!.doc).toEqual({ _id: 'root', owner: 'm1' })
    expect(root!.mine.map((c) => [c._id, c.order.map((o) => o.title)])).toEqual([
      ['c5', ['two']],
      ['c2', ['two']],
      ['c3', []],
    ])
    // Values keep their types across the wire (EJSON), inside joined documents too.
    const withDate = await agg(C)
      .match({ _id: 'c1' })
      .lookup({ from: 'other', localField: 'orderId', foreignField: '_id', as: 'order' })
      .end()
    expect((withDate.list[0] as { order: { paidAt: Date }[] }).order[0]!.paidAt).toEqual(new Date('2026-01-02T03:04:05.000Z'))
  })

  test('$lookup with let: variables of the input document reach the sub-pipeline through $expr', async () => {
    const res = await agg('other')
      .match({ _id: 'o1' })
      .lookup({
        from: C,
        let: { oid: '$_id' },
        pipeline: $()
          .match((db.command as unknown as { expr(e: object): object }).expr({ $eq: ['$orderId', '$$oid'] }))
          .sort({ at: 1 })
          .done(),
        as: 'cards',
      })
      .end()
    expect((res.list[0] as { cards: { _id: string }[] }).cards.map((c) => c._id)).toEqual(['c1', 'c4'])
  })

  test('no document at the root: an empty list, nothing joined', async () => {
    const res = await agg('other')
      .match({ _id: 'nobody' })
      .lookup({ from: C, pipeline: $().match({ owner: 'm1' }).done(), as: 'mine' })
      .end()
    expect(res).toEqual({ list: [], errMsg: 'collection.aggregate:ok' })
  })

  test('a $lookup from a collection that does not exist joins nothing; aggregating one is DATABASE_COLLECTION_NOT_EXIST (-502005)', async () => {
    const res = await agg(C).match({ _id: 'c1' }).lookup({ from: 'nowhere', localField: 'orderId', foreignField: '_id', as: 'order' }).end()
    expect((res.list[0] as { order: unknown[] }).order).toEqual([])
    await expect(agg('nowhere').match({ a: 1 }).end()).rejects.toMatchObject({ errCode: -502005 })
  })

  test('the pipeline never changes stored documents (a dotted $addFields works on a copy)', async () => {
    const res = await raw(C).match({ _id: 'c5' }).addFields({ 'nested.k': 99, extra: true }).end()
    expect(res.list).toEqual([{ _id: 'c5', owner: 'm1', at: 5, orderId: 'o2', nested: { k: 99 }, extra: true }])
    expect((await db.collection(C).doc('c5').get()).data).toEqual({ _id: 'c5', owner: 'm1', at: 5, orderId: 'o2', nested: { k: 1 } })
  })

  test('a sub-pipeline opening with an indexed $match answers as a scan does, in insertion order, updates seen', async () => {
    cloud.declareIndexes({ [C]: [['owner']] })
    await db
      .collection(C)
      .doc('c3')
      .update({ data: { owner: 'z' } })
    await db.collection(C).add({ data: { _id: 'c6', owner: 'm1', at: 0 } })
    const res = await agg('other')
      .match({ _id: 'root' })
      .lookup({ from: C, pipeline: $().match({ owner: 'm1' }).done(), as: 'mine' })
      .end()
    expect((res.list[0] as { mine: { _id: string }[] }).mine.map((c) => c._id)).toEqual(['c1', 'c5', 'c6'])
  })

  test('a malformed stage is refused: DATABASE_INVALID_OPERRATOR (-502002); a stage the local cloud cannot run: INVALID_PARAM (-501007)', async () => {
    await expect(
      raw(C)
        .group({ _id: '$owner', n: { $nosuch: 1 } })
        .end(),
    ).rejects.toMatchObject({ errCode: -502002 })
    await expect(
      raw(C)
        .geoNear({ near: { longitude: 113, latitude: 23 }, distanceField: 'd', spherical: true })
        .end(),
    ).rejects.toMatchObject({ errCode: -501007 })
  })

  test('one aggregate is one database call, however many collections it joins', async () => {
    const before = ((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls
    await agg('other')
      .match({ _id: 'root' })
      .lookup({
        from: C,
        pipeline: $().match({ owner: 'm1' }).lookup({ from: 'other', localField: 'orderId', foreignField: '_id', as: 'order' }).done(),
        as: 'a',
      })
      .lookup({ from: 'other', pipeline: $().match({ title: 'one' }).done(), as: 'b' })
      .end()
    expect(((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls).toBe(before + 1)
  })
})

test('every database call is counted in /__cloud/stats', async () => {
  const before = ((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls
  await db.collection(C).where({ a: 1 }).get()
  await db.collection(C).where({ a: 1 }).count()
  const after = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number; invocations: number }
  // …and the two queries, on a field no declared index leads with, are named as such.
  expect(after).toEqual({ dbCalls: before + 2, invocations: 0, transactions: 0, conflicts: 0, unindexedQueries: { [`${C}: a`]: 2 } })
})

test('/__cloud/stats counts every transaction attempt and each one lost to a conflict', async () => {
  type Counters = { transactions: number; conflicts: number }
  const stats = async () => (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as Counters
  const store = new CloudStore(db)
  await db.collection(C).add({ data: { _id: 'hot', n: 0 } })
  const before = await stats()
  let attempts = 0
  const err = await store
    .transaction(async (tx) => {
      attempts++
      const cur = await tx.get<{ _id: string; n: number }>(C, 'hot')
      await db
        .collection(C)
        .doc('hot')
        .update({ data: { n: db.command.inc(100) } }) // someone else writes meanwhile, every time
      await tx.set(C, { _id: 'hot', n: cur!.n + 1 })
    })
    .catch((e: unknown) => e)
  expect(err).toBeInstanceOf(TransactionConflictError)
  const after = await stats()
  expect(attempts).toBe(4)
  expect({ transactions: after.transactions - before.transactions, conflicts: after.conflicts - before.conflicts }).toEqual({
    transactions: 4,
    conflicts: 4,
  })
})

test('declared indexes are created by the local cloud, kept, and answer queries like a scan', async () => {
  await db.collection(C).add({ data: { _id: 'a', kind: 'x', at: 1 } })
  cloud.declareIndexes({ [C]: [['kind', 'at']] })
  expect(cloud.dbService.store.indexesOf(C)).toContainEqual({ name: 'kind_1_at_1', keys: { kind: 1, at: 1 }, unique: false })
  await db.collection(C).add({ data: { _id: 'b', kind: 'x', at: 2 } })
  await db.collection(C).add({ data: { _id: 'c', kind: 'y', at: 3 } })
  await db
    .collection(C)
    .doc('a')
    .update({ data: { kind: 'y' } })
  expect((await db.collection(C).where({ kind: 'x' }).get()).data.map((d) => d._id)).toEqual(['b'])
  expect((await db.collection(C).where({ kind: 'y' }).orderBy('at', 'asc').get()).data.map((d) => d._id)).toEqual(['a', 'c'])
})

test('a top-level $or of indexed equalities is answered from the union of the indexes, as a scan would answer it', async () => {
  cloud.declareIndexes({ [C]: [['kind'], ['owner']] })
  const _ = db.command
  for (const [i, d] of [
    { kind: 'x', owner: 'p' },
    { kind: 'y', owner: 'q' },
    { kind: 'z', owner: 'p' },
    { kind: 'x', owner: 'r' },
    { kind: 'w', owner: 's' },
  ].entries())
    await db.collection(C).add({ data: { _id: `o${i}`, ...d, at: i } })
  await db
    .collection(C)
    .doc('o1')
    .update({ data: { owner: 'p' } })
  await db
    .collection(C)
    .doc('o3')
    .update({ data: { kind: 'v' } })
  const ids = async (q: object) => (await db.collection(C).where(q).get()).data.map((d) => d._id)
  expect(await ids(_.or([{ kind: 'x' }, { owner: 'p' }]))).toEqual(['o0', 'o1', 'o2'])
  expect(await ids(_.or([{ kind: 'v', owner: 'r' }, { _id: 'o4' }]))).toEqual(['o3', 'o4'])
  // An alternative no index answers: every document is a candidate, the answer the same.
  expect(await ids(_.or([{ kind: 'x' }, { at: _.gte(4) }]))).toEqual(['o0', 'o4'])
})

test('/__cloud/stats names every query no declared index leads with one of its fields (what scans a whole collection in production)', async () => {
  cloud.declareIndexes({ [C]: [['kind', 'at']] })
  const _ = db.command
  await db.collection(C).add({ data: { _id: 'a', kind: 'x', at: 1, owner: 'p' } })
  await db.collection(C).where({ kind: 'x' }).get() // the index's first field
  await db
    .collection(C)
    .where({ kind: _.in(['x', 'y']), at: _.gte(0) })
    .count()
  await db.collection(C).where({ _id: 'a', owner: 'p' }).get() // by _id
  await db.collection(C).get() // a listing, no filter
  await db.collection(C).where({ at: 1 }).get() // the index's second field alone: no use
  await db
    .collection(C)
    .where({ owner: 'p', at: 1 })
    .update({ data: { n: 1 } })
  await db
    .collection(C)
    .where(_.or([{ kind: 'x' }, { owner: 'q' }]))
    .get() // one alternative unanswered
  await db.collection('other').where({ kind: 'x' }).remove() // declared on another collection only
  // A filter beside alternatives (_.and, as a keyset page sends it): each way counts all its fields.
  const afterKey = _.or([{ at: _.lt(5) }, { at: 5, _id: _.lt('b') }]) as unknown as Record<string, unknown>
  await db
    .collection(C)
    .where(_.and([{ kind: 'x' }, afterKey]))
    .get()
  await db
    .collection(C)
    .where(_.and([{ n: 1 }, afterKey]))
    .get()
  const stats = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { unindexedQueries: Record<string, number> }
  expect(stats.unindexedQueries).toEqual({
    [`${C}: at`]: 1,
    [`${C}: at, owner`]: 1,
    [`${C}: owner`]: 1,
    'other: kind': 1,
    [`${C}: at, n`]: 1,
  })
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
