// Every list complete at any size (issue 26), on the local stack: past every old cap (3,000 orders; a
// person with 1,200 cards) each row is reached exactly once by paging with `nextCursor`, also while new
// orders arrive during the paging; the orders export writes as many rows as the list counts; a cursor
// altered, expired, of another list or another caller is 1001 naming `cursor`; every list query has its
// index (/__cloud/stats unindexedQueries stays empty). The volume is seeded as `npm run seed:scale` does
// (scripts/scale/seed.ts), written straight to the local cloud's database service (seedingStore): it is
// the merchant's data already there, not what is under test.
import type { Stack } from '../../emulator/stack'
import { httpCaller } from '../../scripts/merchant/call'
import { buildCli } from '../../scripts/merchant/cli'
import { seedScale } from '../../scripts/scale/seed'
import { loadConfig } from '../../server/config'
import { listScope, sealCursor } from '../../server/platform/cursor'
import { stackEnv } from '../helpers/cloud'
import { person, startJourneyStack, type Json } from '../helpers/stack'
import { seedingStore, storeOver } from '../helpers/store'

let stack: Stack
const ORDERS = 3000
const CARDS = 1200

beforeAll(async () => {
  stack = await startJourneyStack()
  await seedScale(seedingStore(stack.cloud), { orders: ORDERS, people: [{ mpOpenid: person(stack, 'alice').mpOpenid, cards: CARDS }] })
}, 240_000)
afterAll(() => stack.stop())

const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)

/** Every page of a list, by its cursor; `between` runs after each page (rows arriving meanwhile). */
async function pageAll(
  call: (data: Json) => Promise<Json>,
  input: Json,
  rowsOf: (r: Json) => Json[],
  between?: (page: number) => Promise<void>,
) {
  const rows: Json[] = []
  const sizes: number[] = []
  let cursor: string | undefined
  for (let page = 0; ; page++) {
    const r = await call({ ...input, ...(cursor ? { cursor } : {}) })
    expect(r.errcode).toBe(0)
    rows.push(...rowsOf(r))
    sizes.push(rowsOf(r).length)
    cursor = r.nextCursor
    if (!cursor) return { rows, sizes, last: r }
    await between?.(page)
  }
}

const unindexed = async () =>
  ((await (await fetch(`${stack.cloud.url}/__cloud/stats`)).json()) as { unindexedQueries: Record<string, number> }).unindexedQueries

test('3,000 orders: every order reached exactly once by cursor, none twice while new orders arrive; pages of at most 100', async () => {
  const { total } = await merchant({ action: 'orderList', limit: 1 })
  expect(total).toBeGreaterThanOrEqual(ORDERS)
  let arrived = 0
  const { rows, sizes } = await pageAll(
    (d) => merchant(d),
    { action: 'orderList', limit: 100 },
    (r) => r.orders,
    async (page) => {
      if (page % 5 !== 0) return
      // New orders while the merchant pages: newer than every order listed so far.
      arrived += (await seedScale(storeOver(stack.cloud.db), { orders: 3, now: Date.now() + 60_000 })).orders
    },
  )
  const ids = rows.map((o) => o.orderId as string)
  expect(new Set(ids).size).toBe(ids.length)
  expect(ids).toHaveLength(total)
  expect(Math.max(...sizes)).toBe(100)
  expect(arrived).toBeGreaterThan(0)
  // Newest first, in the list's one order.
  const times = rows.map((o) => o.at as number)
  expect(times.slice(1).every((t, i) => t <= times[i]! + 5_000)).toBe(true)
  // The orders that arrived meanwhile are all there on a fresh pass.
  const again = await pageAll(
    (d) => merchant(d),
    { action: 'orderList', limit: 100 },
    (r) => r.orders,
  )
  expect(again.rows).toHaveLength(total + arrived)
  expect(await unindexed()).toEqual({})
}, 240_000)

test('the old offset keeps working past 1,000, and a filter pages its own matches', async () => {
  const first = await pageAll(
    (d) => merchant(d),
    { action: 'orderList', channel: 'mp', limit: 100 },
    (r) => r.orders,
  )
  const at2000 = await merchant({ action: 'orderList', channel: 'mp', offset: 2000, limit: 100 })
  expect(at2000.orders.map((o: Json) => o.orderId)).toEqual(first.rows.slice(2000, 2100).map((o) => o.orderId))
  expect(at2000.nextCursor).toEqual(expect.any(String))
  const next = await merchant({ action: 'orderList', channel: 'mp', cursor: at2000.nextCursor, limit: 100 })
  expect(next.orders.map((o: Json) => o.orderId)).toEqual(first.rows.slice(2100, 2200).map((o) => o.orderId))
  // since/until and state are the database's filter: every match, and total counts them.
  const since = first.rows[1500]!.at as number
  const window = await pageAll(
    (d) => merchant(d),
    { action: 'orderList', channel: 'mp', since, state: 'ISSUED', limit: 100 },
    (r) => r.orders,
  )
  expect(window.rows.length).toBe(window.last.total)
  expect(window.rows.every((o) => o.state === 'ISSUED')).toBe(true)
  expect(window.rows.length).toBeGreaterThan(1000)
}, 240_000)

test('export orders: the CSV holds as many rows as the list counts, and the CLI says how many it wrote', async () => {
  const out: string[] = []
  const err: string[] = []
  const { total } = await merchant({ action: 'orderList', since: 0, limit: 1 })
  const code = await buildCli(
    ['export', 'orders', '--since=2020-01-01'],
    { out: (s) => out.push(s), err: (s) => err.push(s), confirm: async () => false },
    () => httpCaller(stack.cloud.url, person(stack, 'carol').mpOpenid),
  ).run()
  expect(code).toBe(0)
  const lines = out.join('\n').split('\n')
  expect(lines[0]).toBe(
    '订单号,渠道,状态,实付（元）,退款（元）,买家,卡数,卡号,时间（北京时间 UTC+08:00）,卡片状态,订单原价（元）,优惠券抵扣（元）,礼品卡支付（元）',
  )
  expect(lines.length - 1).toBe(total)
  expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(total)
  expect(err.join('\n')).toBe(`orders: wrote ${total} rows (besides the header)`)
}, 240_000)

test('a person with 1,200 cards: listMine keeps its first page and reaches every card once by nextCursor', async () => {
  const alice = person(stack, 'alice')
  const first = await alice.fn('card', { action: 'listMine' })
  expect(first.cards).toHaveLength(100)
  expect(first.pending).toEqual([])
  expect(first.nextCursor).toEqual(expect.any(String))
  const { rows, sizes } = await pageAll(alice.fn.bind(null, 'card'), { action: 'listMine' }, (r) => r.cards)
  const codes = rows.map((c) => `${c.cardId}:${c.code}`)
  expect(new Set(codes).size).toBe(codes.length)
  expect(codes.length).toBe(CARDS)
  expect(sizes.every((n) => n <= 100)).toBe(true)
  // Bob holds none of them and his own list is empty.
  expect(await person(stack, 'bob').fn('card', { action: 'listMine' })).toEqual({ errcode: 0, cards: [], pending: [] })
  expect(await unindexed()).toEqual({})
}, 240_000)

test('the ledger, the audit log and a card history page by cursor to their end', async () => {
  const ledger = await pageAll(
    (d) => merchant(d),
    { action: 'ledgerList', since: 0, limit: 100 },
    (r) => r.entries,
  )
  expect(ledger.rows.length).toBe(ledger.last.total)
  expect(ledger.rows.length).toBeGreaterThanOrEqual(ORDERS + CARDS)
  expect(new Set(ledger.rows.map((e) => e.entryId)).size).toBe(ledger.rows.length)
  const created = ledger.rows.map((e) => e.createdAt as number)
  expect(created.slice(1).every((t, i) => t >= created[i]!)).toBe(true)
  const audit = await pageAll(
    (d) => merchant(d),
    { action: 'auditList', limit: 1 },
    (r) => r.entries,
  )
  expect(audit.rows.length).toBe(audit.last.total)
  const alice = person(stack, 'alice')
  const card = (await alice.fn('card', { action: 'listMine' })).cards[0]
  const history = await pageAll(
    alice.fn.bind(null, 'card'),
    { action: 'history', cardId: card.cardId, code: card.code, limit: 1 },
    (r) => r.entries,
  )
  expect(history.rows).toEqual([expect.objectContaining({ kind: 'issue', amount: card.balance })])
  expect(await unindexed()).toEqual({})
}, 240_000)

test('a card with 170 entries: the consumer’s history and the console’s card ledger reach every entry once', async () => {
  const alice = person(stack, 'alice')
  const card = (await alice.fn('card', { action: 'listMine' })).cards[1]
  const id = `${card.cardId}:${card.code}`
  // Adjustments after its issue entry, as cardAdjust writes them (version by version).
  const store = storeOver(stack.cloud.db)
  for (let v = 2; v <= 170; v += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, k) => v + k)
        .filter((n) => n <= 170)
        .map((n) =>
          store.insert('ledger', {
            _id: `adjust:${id}:${n}`,
            card: id,
            kind: 'adjust',
            amount: 0,
            balanceAfter: card.balance,
            version: n,
            description: '校准',
            createdAt: Date.now(),
          }),
        ),
    )
  }
  const mine = await pageAll(
    alice.fn.bind(null, 'card'),
    { action: 'history', cardId: card.cardId, code: card.code, limit: 100 },
    (r) => r.entries,
  )
  expect(mine.sizes).toEqual([100, 70])
  expect(new Set(mine.rows.map((e) => e.entryId)).size).toBe(170)
  expect(mine.last.total).toBe(170)
  const looked = (await merchant({ action: 'cardLookup', code: card.code })).cards[0]
  expect(looked.entries).toHaveLength(50)
  const rest = await pageAll(
    (d) => merchant(d),
    { action: 'cardHistory', cardId: card.cardId, code: card.code, cursor: looked.nextCursor },
    (r) => r.entries,
  )
  expect([...looked.entries, ...rest.rows].map((e: Json) => e.entryId)).toEqual(mine.rows.map((e) => e.entryId))
  expect((await merchant({ action: 'cardHistory', cardId: card.cardId, code: 'nosuchcode' })).errcode).toBe(1005)
}, 120_000)

test('coupon claims: 150 claims of one coupon reached once, newest first; the claims of all coupons count them too', async () => {
  const store = storeOver(stack.cloud.db)
  const at = Date.now()
  for (let i = 0; i < 150; i += 25) {
    await Promise.all(
      Array.from({ length: 25 }, (_, k) => i + k).map((n) =>
        store.insert('coupon_claims', {
          _id: `claim-${n}`,
          mpOpenid: `oClaimer${String(n).padStart(20, '0')}`,
          cardId: 'pScaleCoupon',
          requestId: `req-${n}`,
          channel: 'mp_claim',
          status: 'SIGNED',
          createdAt: at - Math.floor(n / 10) * 1000,
        }),
      ),
    )
  }
  const one = await pageAll(
    (d) => merchant(d),
    { action: 'claimList', cardId: 'pScaleCoupon', limit: 100 },
    (r) => r.claims,
  )
  expect(one.sizes).toEqual([100, 50])
  expect(new Set(one.rows.map((c) => c.claimId)).size).toBe(150)
  const times = one.rows.map((c) => c.createdAt as number)
  expect(times.slice(1).every((t, i) => t <= times[i]!)).toBe(true)
  const all = await pageAll(
    (d) => merchant(d),
    { action: 'claimList', limit: 100 },
    (r) => r.claims,
  )
  expect(all.rows.length).toBe(all.last.total)
  expect(all.rows.length).toBeGreaterThanOrEqual(150)
  expect(await unindexed()).toEqual({})
}, 120_000)

test('a cursor altered, expired, of another list or filter, or of another caller is 1001 naming cursor', async () => {
  const alice = person(stack, 'alice')
  const { nextCursor } = await alice.fn('card', { action: 'listMine' })
  const [body, sig] = (nextCursor as string).split('.') as [string, string]
  const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}.${sig}`
  const refused = async (who: typeof alice, { fn = 'card', ...data }: Json) => {
    const r = await who.fn(fn as string, data)
    expect(r.errcode).toBe(1001)
    expect(r.errmsg).toMatch(/^cursor /)
    return r.errmsg as string
  }
  expect(await refused(alice, { action: 'listMine', cursor: flipped })).toMatch(/altered/)
  expect(await refused(alice, { action: 'listMine', cursor: 'not-a-cursor' })).toMatch(/format/)
  expect(await refused(person(stack, 'bob'), { action: 'listMine', cursor: nextCursor })).toMatch(/another caller/)
  // Sealed with the functions' own key (their WX_SA_SECRET), a day and more ago.
  const key = loadConfig({ ...stackEnv }).cursorKey
  const expired = sealCursor({ at: Date.now(), id: 'x' }, listScope('card.listMine', alice.mpOpenid), Date.now() - 25 * 3600_000, key)
  expect(await refused(alice, { action: 'listMine', cursor: expired })).toMatch(/expired/)
  const carol = person(stack, 'carol')
  const mp = await merchant({ action: 'orderList', channel: 'mp', limit: 5 })
  expect(await refused(carol, { fn: 'merchant', action: 'orderList', channel: 'shelf', cursor: mp.nextCursor })).toMatch(/another list/)
  expect(await refused(carol, { fn: 'merchant', action: 'auditList', cursor: mp.nextCursor })).toMatch(/another list/)
  expect(await refused(carol, { fn: 'merchant', action: 'orderList', channel: 'mp', cursor: mp.nextCursor, offset: 5 })).toMatch(/offset/)
  expect((await merchant({ action: 'orderList', limit: 101 })).errmsg).toMatch(/^limit /)
})

test("coin orders, paged by WeChat's offset in the first page's window: each once, none created meanwhile", async () => {
  expect((await merchant({ action: 'coinsActivate' })).errcode).toBe(0)
  for (let i = 0; i < 4; i++) expect((await merchant({ action: 'coinsRecharge', coinCount: 10 + i })).errcode).toBe(0)
  // WeChat's times are whole seconds: the list's window ends before the orders created while it is paged
  // (WeChat's clock moved on by a minute), and `until` puts its end after the five above.
  const { now } = (await person(stack, 'carol').emu('/__emu/clock', { advanceSeconds: 60 })).json
  const until = (now - 30) * 1000
  let created = 0
  const { rows, sizes, last } = await pageAll(
    (d) => merchant(d),
    { action: 'coinsOrders', count: 2, until },
    (r) => r.orders,
    async () => {
      created += (await merchant({ action: 'coinsRecharge', coinCount: 99 })).errcode === 0 ? 1 : 0
    },
  )
  expect(sizes).toEqual([2, 2, 1])
  expect(last.total).toBe(5)
  expect(new Set(rows.map((o) => o.order_id)).size).toBe(5)
  expect(rows.some((o) => o.pay_coin_count === '99')).toBe(false)
  expect(created).toBe(2)
  expect((await merchant({ action: 'coinsOrders', count: 50, until: (now + 30) * 1000 })).orders).toHaveLength(7)
})
