// The store port's contract, held against its production adapter running on the local cloud database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { anyOf, change, DuplicateIdError, MAX_QUERY_LIMIT, where, type BesideFind, type Store } from '../../server/store/port'
import { CloudStore } from '../../server/store/cloud-store'
import { databaseCloud, localDatabase, memoryStore, storeOver } from '../helpers/store'

interface Item {
  _id: string
  n: number
  tag?: string
  nested?: { a?: number; b?: number }
}

const C = 'user_cards'
let store: Store

beforeEach(async () => {
  store = await memoryStore()
})

describe('documents', () => {
  test('insert then get returns the document; a missing one is null', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 1 })
    expect(await store.get<Item>(C, 'a')).toEqual({ _id: 'a', n: 1 })
    expect(await store.get(C, 'nope')).toBeNull()
  })

  test('get with omit leaves those fields out (a projection); a missing document is still null', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 1, tag: 't', nested: { a: 1, b: 2 } })
    expect(await store.get<Item>(C, 'a', ['nested', 'tag'])).toEqual({ _id: 'a', n: 1 })
    expect(await store.get<Item>(C, 'a', ['nested'])).toEqual({ _id: 'a', n: 1, tag: 't' })
    expect(await store.get(C, 'nope', ['nested'])).toBeNull()
  })

  test('insert of an existing _id fails with DuplicateIdError and keeps the first', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 1 })
    await expect(store.insert<Item>(C, { _id: 'a', n: 2 })).rejects.toBeInstanceOf(DuplicateIdError)
    expect((await store.get<Item>(C, 'a'))?.n).toBe(1)
  })

  test('set replaces the whole document; update merges nested fields', async () => {
    await store.set<Item>(C, { _id: 'a', n: 1, tag: 'x', nested: { a: 1, b: 2 } })
    await store.set<Item>(C, { _id: 'a', n: 5 })
    expect(await store.get(C, 'a')).toEqual({ _id: 'a', n: 5 })
    await store.update(C, 'a', { nested: { a: 9 } })
    await store.update(C, 'a', { nested: { b: 3 } })
    expect(await store.get(C, 'a')).toEqual({ _id: 'a', n: 5, nested: { a: 9, b: 3 } })
  })

  test('update of a missing document reports false and creates nothing', async () => {
    expect(await store.update(C, 'ghost', { n: 1 })).toBe(false)
    expect(await store.get(C, 'ghost')).toBeNull()
  })

  test('inc and unset', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 10, tag: 't' })
    await store.update(C, 'a', { n: change.inc(-3), tag: change.unset() })
    expect(await store.get(C, 'a')).toEqual({ _id: 'a', n: 7 })
  })

  test('remove', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 1 })
    expect(await store.remove(C, 'a')).toBe(true)
    expect(await store.remove(C, 'a')).toBe(false)
  })

  test('a collection that was never created is refused, as the cloud database does', async () => {
    const db = await localDatabase(null, [])
    await expect(storeOver(db).get('nowhere', 'x')).rejects.toMatchObject({ errCode: -502005 })
  })
})

describe('queries', () => {
  beforeEach(async () => {
    for (let i = 0; i < 30; i++) await store.insert<Item>(C, { _id: `d${String(i).padStart(2, '0')}`, n: i, tag: i % 2 ? 'odd' : 'even' })
  })

  test('conditions, order, skip and limit', async () => {
    const docs = await store.find<Item>(
      C,
      { n: where.gte(10), tag: 'odd' },
      { orderBy: { field: 'n', direction: 'desc' }, skip: 1, limit: 3 },
    )
    expect(docs.map((d) => d.n)).toEqual([27, 25, 23])
    expect(await store.count(C, { n: where.lt(5) })).toBe(5)
    expect(await store.count(C, { n: where.in([1, 2, 99]) })).toBe(2)
    expect(await store.count(C, { tag: where.neq('odd') })).toBe(15)
  })

  test('anyOf: a document matching any alternative (and the other fields), in one query with order and limit', async () => {
    const docs = await store.find<Item>(C, anyOf({ n: where.lt(3) }, { n: where.gte(27), tag: 'odd' }, { _id: 'd10' }), {
      orderBy: { field: 'n', direction: 'asc' },
      limit: 100,
    })
    expect(docs.map((d) => d.n)).toEqual([0, 1, 2, 10, 27, 29])
    expect(await store.count(C, { ...anyOf({ n: where.lt(6) }, { n: where.gt(25) }), tag: 'even' })).toBe(5) // 0 2 4 26 28
    expect(await store.find<Item>(C, anyOf({ tag: 'none' }, { n: 99 }))).toEqual([])
    expect(() => anyOf()).toThrow(RangeError)
  })

  test('anyOf in a conditional update', async () => {
    expect(await store.updateIf(C, 'd05', anyOf({ tag: 'even' }, { n: 5 }), { tag: 'five' })).toBe(true)
    expect(await store.updateIf(C, 'd06', anyOf({ tag: 'odd' }, { n: 5 }), { tag: 'six' })).toBe(false)
    expect((await store.get<Item>(C, 'd06'))?.tag).toBe('even')
  })

  test('sum: how many match and the total of a field, in one round trip, 0 where nothing matches', async () => {
    expect(await store.sum(C, { tag: 'odd', n: where.lt(10) }, 'n')).toEqual({ total: 1 + 3 + 5 + 7 + 9, count: 5 })
    expect(await store.sum(C, anyOf({ n: where.lt(2) }, { n: 29 }), 'n')).toEqual({ total: 30, count: 3 })
    expect(await store.sum(C, { tag: 'none' }, 'n')).toEqual({ total: 0, count: 0 })
    await expect(store.sum(C, {}, '$n')).rejects.toThrow(RangeError)
  })

  test('sumBy: one row per value of the by fields (an absent field as null), each with its count and total', async () => {
    await store.insert<Item>(C, { _id: 'untagged', n: 100 })
    const byTag = (rows: { key: Record<string, unknown> }[]) => [...rows].sort((a, b) => String(a.key.tag).localeCompare(String(b.key.tag)))
    expect(byTag(await store.sumBy(C, anyOf({ n: where.lt(6) }, { n: 100 }), 'n', ['tag']))).toEqual([
      { key: { tag: 'even' }, total: 0 + 2 + 4, count: 3 },
      { key: { tag: null }, total: 100, count: 1 },
      { key: { tag: 'odd' }, total: 1 + 3 + 5, count: 3 },
    ])
    expect(await store.sumBy(C, { tag: 'odd', n: where.gte(25) }, 'n', ['tag', 'nested'])).toEqual([
      { key: { tag: 'odd', nested: null }, total: 25 + 27 + 29, count: 3 },
    ])
    expect(await store.sumBy(C, { tag: 'none' }, 'n', ['tag'])).toEqual([])
    await expect(store.sumBy(C, {}, 'n', ['$tag'])).rejects.toThrow(RangeError)
  })

  test('a query names at most 1000 records', async () => {
    await expect(store.find(C, {}, { limit: MAX_QUERY_LIMIT + 1 })).rejects.toThrow(/limit must be an integer from 1 to 1000/)
  })
})

describe('getWith: a document and finds beside it, in one round trip', () => {
  beforeEach(async () => {
    for (let i = 0; i < 30; i++) await store.insert<Item>(C, { _id: `d${String(i).padStart(2, '0')}`, n: i, tag: i % 2 ? 'odd' : 'even' })
    await store.insert('ledger', { _id: 'root', owner: 'me' })
    await store.insert('ledger', { _id: 'ref3', label: 'three' })
    await store.insert('ledger', { _id: 'ref4', label: 'four' })
  })

  test('each find answers exactly what find answers (filters, anyOf, order, skip, limit, the default limit)', async () => {
    const finds: Record<'odd' | 'either' | 'all' | 'none', BesideFind> = {
      odd: {
        collection: C,
        filter: { n: where.gte(10), tag: 'odd' },
        options: { orderBy: { field: 'n', direction: 'desc' as const }, skip: 1, limit: 3 },
      },
      either: {
        collection: C,
        filter: anyOf({ n: where.lt(3) }, { n: where.gte(27), tag: 'odd' }, { _id: 'd10' }),
        options: { orderBy: { field: 'n', direction: 'asc' as const }, limit: 100 },
      },
      all: { collection: C, filter: {} },
      none: { collection: C, filter: { tag: 'none' } },
    }
    const r = await store.getWith<{ _id: string; owner: string }, keyof typeof finds>('ledger', 'root', finds)
    expect(r!.doc).toEqual({ _id: 'root', owner: 'me' })
    for (const [name, f] of Object.entries(finds))
      expect([name, r!.found[name as keyof typeof finds]]).toEqual([name, await store.find(f.collection, f.filter, f.options)])
    expect(r!.found.odd.map((d) => (d as Item).n)).toEqual([27, 25, 23])
    expect(r!.found.all).toHaveLength(30)
  })

  test('a join gives each found document the document its field names, or null', async () => {
    await store.update(C, 'd03', { ref: 'ref3' })
    await store.update(C, 'd04', { ref: 'ref4' })
    await store.update(C, 'd05', { ref: 'gone' })
    const r = await store.getWith('ledger', 'root', {
      refs: { collection: C, filter: { n: where.in([3, 4, 5]) }, join: { field: 'ref', collection: 'ledger', as: 'target' } },
    })
    expect(r!.found.refs).toEqual([
      { _id: 'd03', n: 3, tag: 'odd', ref: 'ref3', target: { _id: 'ref3', label: 'three' } },
      { _id: 'd04', n: 4, tag: 'even', ref: 'ref4', target: { _id: 'ref4', label: 'four' } },
      { _id: 'd05', n: 5, tag: 'odd', ref: 'gone', target: null },
    ])
  })

  test('a missing document: null, and nothing else is answered', async () => {
    expect(await store.getWith('ledger', 'nobody', { all: { collection: C, filter: {} } })).toBeNull()
  })

  test('one database call, and the limits and names of find hold', async () => {
    const cloud = await databaseCloud(null, [C, 'ledger'])
    const s = storeOver(cloud.db)
    await s.insert('ledger', { _id: 'root' })
    const calls = async () => ((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls
    const before = await calls()
    await s.getWith('ledger', 'root', {
      a: { collection: C, filter: {} },
      b: { collection: 'ledger', filter: { _id: 'root' }, join: { field: '_id', collection: C, as: 'x' } },
    })
    expect((await calls()) - before).toBe(1)
    await expect(
      s.getWith('ledger', 'root', { a: { collection: C, filter: {}, options: { limit: MAX_QUERY_LIMIT + 1 } } }),
    ).rejects.toThrow(/limit must be an integer from 1 to 1000/)
    await expect(s.getWith('ledger', 'root', { doc: { collection: C, filter: {} } })).rejects.toThrow(RangeError)
  })
})

describe('server-side limits of the local cloud database', () => {
  test('100 records when no limit is named, never more than 1000', async () => {
    const db = await localDatabase()
    for (let i = 0; i < 12; i++) await db.collection(C).add({ data: Array.from({ length: 100 }, (_, j) => ({ n: i * 100 + j })) as never })
    expect((await db.collection(C).get()).data).toHaveLength(100)
    expect((await db.collection(C).limit(5000).get()).data).toHaveLength(1000)
  })

  test('where() is refused inside a transaction', async () => {
    const db = await localDatabase()
    type TxWhere = { where(q: object): { get(): Promise<unknown> } }
    await expect(db.runTransaction(async (tx) => (tx.collection(C) as unknown as TxWhere).where({ n: 1 }).get())).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringMatching(/single-document operations only/),
    })
  })
})

describe('atomicity', () => {
  test('200 concurrent conditional debits on one balance of 100 succeed exactly 100 times', async () => {
    await store.insert<Item>(C, { _id: 'card', n: 100 })
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.updateIf(C, 'card', { n: where.gte(1) }, { n: change.inc(-1) })),
    )
    expect(results.filter(Boolean)).toHaveLength(100)
    expect((await store.get<Item>(C, 'card'))?.n).toBe(0)
  })

  test('updateIf does nothing when the filter no longer matches', async () => {
    await store.insert<Item>(C, { _id: 'x', n: 1, tag: 'CREATED' })
    expect(await store.updateIf(C, 'x', { tag: 'CREATED' }, { tag: 'PAID' })).toBe(true)
    expect(await store.updateIf(C, 'x', { tag: 'CREATED' }, { tag: 'PAID' })).toBe(false)
  })

  test('a transaction that throws leaves nothing behind', async () => {
    await store.insert<Item>(C, { _id: 'a', n: 1 })
    await expect(
      store.transaction(async (tx) => {
        await tx.update(C, 'a', { n: 2 })
        await tx.insert<Item>(C, { _id: 'b', n: 1 })
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect((await store.get<Item>(C, 'a'))?.n).toBe(1)
    expect(await store.get(C, 'b')).toBeNull()
  })

  test('a transaction sees its own writes', async () => {
    const seen = await store.transaction(async (tx) => {
      await tx.insert<Item>(C, { _id: 'a', n: 1 })
      await tx.update(C, 'a', { n: change.inc(4) })
      return tx.get<Item>(C, 'a')
    })
    expect(seen?.n).toBe(5)
    expect((await store.get<Item>(C, 'a'))?.n).toBe(5)
  })

  test('concurrent read-modify-write transactions never lose an update (conflicts are retried)', async () => {
    await store.insert<Item>(C, { _id: 'ctr', n: 0 })
    const bump = () =>
      store.transaction(async (tx) => {
        const cur = await tx.get<Item>(C, 'ctr')
        await tx.set<Item>(C, { _id: 'ctr', n: cur!.n + 1 })
      })
    // Two at a time: each pair conflicts once and the loser retries within the database's retry budget.
    for (let i = 0; i < 10; i++) await Promise.all([bump(), bump()])
    expect((await store.get<Item>(C, 'ctr'))?.n).toBe(20)
  })

  test('a transaction that keeps conflicting fails rather than writing over a newer value', async () => {
    await store.insert<Item>(C, { _id: 'hot', n: 0 })
    let attempts = 0
    await expect(
      store.transaction(async (tx) => {
        attempts++
        const cur = await tx.get<Item>(C, 'hot')
        await store.update(C, 'hot', { n: change.inc(100) }) // someone else writes meanwhile, every time
        await tx.set<Item>(C, { _id: 'hot', n: cur!.n + 1 })
      }),
    ).rejects.toThrow(/DATABASE_TRANSACTION_CONFLICT|transaction conflict/)
    expect(attempts).toBe(4)
    expect((await store.get<Item>(C, 'hot'))?.n).toBe(400)
  })
})

test('data survives reopening the database from its files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'))
  try {
    const cloud1 = await databaseCloud(dir)
    const s1 = storeOver(cloud1.db)
    await s1.insert<Item>(C, { _id: 'p', n: 1 })
    await s1.update(C, 'p', { n: change.inc(41) })
    await cloud1.stop()
    const s2 = storeOver(await localDatabase(dir, []))
    expect(await s2.get<Item>(C, 'p')).toEqual({ _id: 'p', n: 42 })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// What the one-call spend relies on (money/spend-keys.ts: its orderId's key in the card, matched and set in one update).
describe('conditional updates on nested fields', () => {
  test('neq matches a missing field; a dotted path sets, matches and unsets one nested field', async () => {
    await store.insert<Item>(C, { _id: 'h', n: 5 })
    const debit = () => store.updateIf(C, 'h', { n: where.gte(2), 'holds.k1': where.neq(true) }, { n: change.inc(-2), 'holds.k1': true })
    expect(await debit()).toBe(true)
    expect(await debit()).toBe(false) // the hold makes the same debit apply once
    expect(await store.get(C, 'h')).toEqual({ _id: 'h', n: 3, holds: { k1: true } })
    expect(await store.updateIf(C, 'h', { 'holds.k2': where.neq(true) }, { 'holds.k2': true })).toBe(true)
    await store.update(C, 'h', { 'holds.k1': change.unset() })
    expect(await store.get(C, 'h')).toEqual({ _id: 'h', n: 3, holds: { k2: true } })
    expect(await store.find<Item>(C, { tag: where.neq('x') })).toHaveLength(1)
  })

  test('100 concurrent conditional increments never overdraw', async () => {
    await store.insert<Item>(C, { _id: 'hot', n: 60 })
    const ok = await Promise.all(Array.from({ length: 100 }, () => store.updateIf(C, 'hot', { n: where.gte(1) }, { n: change.inc(-1) })))
    expect(ok.filter(Boolean)).toHaveLength(60)
    expect((await store.get<Item>(C, 'hot'))?.n).toBe(0)
  })
})

test('a collection that does not exist is created on its first "does not exist" answer, then the call runs', async () => {
  const db = await localDatabase(null, [])
  const s = new CloudStore(db, ['user_cards', 'ledger'])
  await s.insert<Item>('ledger', { _id: 'x', n: 1 })
  expect(await s.get<Item>('ledger', 'x')).toEqual({ _id: 'x', n: 1 })
  expect(await s.find('user_cards', {})).toEqual([])
  // Without the list, the answer is the database's own.
  await expect(new CloudStore(db).get('other', 'x')).rejects.toMatchObject({ errCode: -502005 })
})
