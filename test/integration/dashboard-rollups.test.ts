// Issue 26, "Figures from rollups": the dashboard's database calls do not grow with the history, its
// figures equal the ones recomputed from the ledger and orders, and they stay equal after a rollup run is
// cut short, after a sale lands in a day already sealed, and after a refund of an old order.
import { PAID_STATUSES, type OrderDoc, type ShelfOrderDoc } from '../../server/domain/cards/order-types'
import { effectiveStatus, type UserCardDoc } from '../../server/domain/cards/user-cards'
import type { LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { dashboard } from '../../server/domain/merchant/console'
import { dayOf, rollUpDays } from '../../server/domain/merchant/rollups'
import { Collections } from '../../server/store/collections'
import { INDEXES } from '../../server/store/indexes'
import type { Store, StoredDoc } from '../../server/store/port'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { startEmu, startReceiver, type Receiver } from '../helpers/emulator'
import { seedHistory } from '../helpers/seed-history'
import { databaseCloud, seedingStore, storeOver } from '../helpers/store'

const DAY_MS = 86400_000
/** 10:00 in Beijing: the days before it are sealed by a run now. */
const NOW = Date.parse('2026-11-20T10:00:00+08:00')

let rx: Receiver
let emu: WechatEmulator
beforeAll(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
})
afterAll(async () => {
  await emu.stop()
  await rx.close()
})

async function opened() {
  const cloud = await databaseCloud()
  cloud.declareIndexes(INDEXES)
  const store = storeOver(cloud.db)
  const wx: WechatClient = createWechatClient({ store, appid: emu.platform.o.saAppid, secret: emu.platform.o.saSecret, apiBase: emu.url })
  // The history is there before the test (seeded straight into the database service); the rollups and
  // the dashboard read and write through the SDK, as a function instance does.
  return { cloud, store, wx, history: seedingStore(cloud) }
}

async function everything<T extends StoredDoc>(store: Store, collection: string): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += 1000) {
    const page = await store.find<T>(collection, {}, { orderBy: { field: '_id', direction: 'asc' }, skip, limit: 1000 })
    out.push(...page)
    if (page.length < 1000) return out
  }
}

/** The dashboard's figures recomputed from whole collections, as the dashboard did before the rollups. */
async function recomputed(store: Store, days: number, nowMs: number) {
  const since = Date.parse(`${dayOf(nowMs - (days - 1) * DAY_MS)}T00:00:00+08:00`)
  const rows = new Map<string, { date: string; channel: string; amount: number; orders: number }>()
  const add = (at: number, channel: string, amount: number) => {
    if (at < since) return
    const row = rows.get(`${dayOf(at)}|${channel}`) ?? { date: dayOf(at), channel, amount: 0, orders: 0 }
    row.amount += amount
    row.orders++
    rows.set(`${row.date}|${channel}`, row)
  }
  const orders = await everything<OrderDoc & { refundRequestedAt?: number }>(store, Collections.orders)
  for (const o of orders)
    if (PAID_STATUSES.includes(o.status)) add(o.paidAt!, o.kind, o.status === 'REFUND_NEEDED' ? 0 : o.totalFee - (o.refundFee ?? 0))
  for (const o of await everything<ShelfOrderDoc>(store, Collections.shelfOrders))
    add(o.recordedAt, 'shelf', o.state === 'REFUNDED' ? 0 : o.order.total_price)
  const entries = (await everything<LedgerEntryDoc>(store, Collections.ledger)).filter((e) => e.createdAt >= since)
  const cards = (await everything<UserCardDoc>(store, Collections.userCards)).filter(
    (c) => ['NORMAL', 'GIFTING', 'GIFT_TIMEOUT'].includes(c.status) && effectiveStatus(c, Math.floor(nowMs / 1000)) !== 'EXPIRE',
  )
  const recharged = entries.filter((e) => e.kind === 'recharge').reduce((s, e) => s + e.amount, 0)
  const rechargeRefunds = (
    await everything<{ _id: string; refundRequestedAt?: number; refundFee?: number }>(store, Collections.memberOrders)
  )
    .filter((r) => (r.refundRequestedAt ?? 0) >= since)
    .reduce((s, r) => s + (r.refundFee ?? 0), 0)
  const sales = [...rows.values()]
  const gifts = cards.filter((c) => !c.member && !c.couponType)
  const memberCards = cards.filter((c) => c.member)
  const coupons = cards.filter((c) => !c.member && c.couponType)
  expect(gifts.length && memberCards.length && coupons.length).toBeGreaterThan(0)
  return {
    rechargeSales: recharged - rechargeRefunds,
    salesWithRecharges: sales.reduce((s, r) => s + r.amount, 0) + recharged - rechargeRefunds,
    sales: [...rows.values()].sort((a, b) => a.date.localeCompare(b.date) || a.channel.localeCompare(b.channel)),
    redeemed: -entries.filter((e) => e.kind === 'spend' || e.kind === 'reversal').reduce((s, e) => s + e.amount, 0),
    recharged: entries.filter((e) => e.kind === 'recharge').reduce((s, e) => s + e.amount, 0),
    refunded: orders.filter((o) => (o.refundRequestedAt ?? 0) >= since).reduce((s, o) => s + (o.refundFee ?? 0), 0) + rechargeRefunds,
    newMembers: (await everything<{ _id: string; createdAt: number }>(store, Collections.members)).filter((m) => m.createdAt >= since)
      .length,
    liability: cards.reduce((s, c) => s + c.balance, 0),
    // gift cards as gift cards; member cards and coupons apart
    liveCards: cards.filter((c) => !c.member && !c.couponType).length,
    live: {
      giftCards: { count: gifts.length, balance: gifts.reduce((s, c) => s + c.balance, 0) },
      memberCards: { count: memberCards.length, balance: memberCards.reduce((s, c) => s + c.balance, 0) },
      coupons: { count: coupons.length, balance: 0 },
    },
  }
}

/** Runs the rollup task until it has nothing more to seal (a first run seals at most a month). */
async function rolledUp(store: Store, nowMs: number) {
  for (let i = 0; i < 20; i++) if ((await rollUpDays(store, nowMs)).sealed.length === 0) return
  throw new Error('rollups never caught up')
}

/** The dashboard's answer and the database calls it cost (the second call: the first also fetches the WeChat token). */
async function measured(o: Awaited<ReturnType<typeof opened>>, days: number, nowMs: number) {
  await dashboard(o.store, o.wx, days, nowMs)
  const before = o.cloud.stats.dbCalls
  const answer = await dashboard(o.store, o.wx, days, nowMs)
  return { answer, calls: o.cloud.stats.dbCalls - before }
}

test('the dashboard costs the same database calls at 1,000 and 11,000 documents, and its figures are the recomputed ones', async () => {
  const small = await opened()
  const large = await opened()
  expect(await seedHistory(small.history, { orders: 450, entries: 500, days: 30, nowMs: NOW })).toBeGreaterThanOrEqual(1000)
  expect(await seedHistory(large.history, { orders: 5000, entries: 5500, days: 30, nowMs: NOW })).toBeGreaterThanOrEqual(11000)
  await rolledUp(small.store, NOW)
  await rolledUp(large.store, NOW)
  for (const days of [7, 30, 366]) {
    const a = await measured(small, days, NOW)
    const b = await measured(large, days, NOW)
    expect(b.calls).toBe(a.calls)
    expect(a.answer).toMatchObject(await recomputed(small.store, days, NOW))
    expect(b.answer).toMatchObject(await recomputed(large.store, days, NOW))
  }
  // A week: the sealed days in one query, their cursor, today live (six queries), late refunds (two), the balance sum.
  expect((await measured(large, 7, NOW)).calls).toBeLessThanOrEqual(12)
  // …and every query the dashboard and the rollups ran has its declared index.
  expect(large.cloud.stats.unindexedQueries).toEqual({})
}, 180_000)

test('before the first rollup run every day is read live, with the same figures', async () => {
  const o = await opened()
  await seedHistory(o.history, { orders: 300, entries: 300, days: 10, nowMs: NOW })
  const live = await dashboard(o.store, o.wx, 30, NOW)
  await rolledUp(o.store, NOW)
  expect(await dashboard(o.store, o.wx, 30, NOW)).toEqual(live)
  expect(live).toMatchObject(await recomputed(o.store, 30, NOW))
})

test('a rollup run cut short anywhere and run again counts nothing twice', async () => {
  const o = await opened()
  await seedHistory(o.history, { orders: 200, entries: 200, days: 12, nowMs: NOW })
  // The crash: the function instance dies after its n-th database call, for n across a whole run.
  for (const n of [1, 3, 8, 20, 45]) {
    let calls = 0
    const dying = new Proxy(o.store, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as unknown
        if (typeof v !== 'function') return v
        return (...args: unknown[]) => {
          if (++calls > n) throw new Error(`instance killed after ${n} calls`)
          return (v as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    await expect(rollUpDays(dying, NOW)).rejects.toThrow(/killed/)
  }
  await rolledUp(o.store, NOW)
  expect(await dashboard(o.store, o.wx, 30, NOW)).toMatchObject(await recomputed(o.store, 30, NOW))
})

test('a sale that lands in a sealed day: the repair task finds the drift, reports it and the dashboard equals the recomputed figures', async () => {
  const o = await opened()
  await seedHistory(o.history, { orders: 100, entries: 100, days: 5, nowMs: NOW })
  await rolledUp(o.store, NOW)
  const yesterday = dayOf(NOW - DAY_MS)
  // The crash between a sale and its total: the order's payment was stamped yesterday, but its write
  // landed after yesterday was sealed (the instance died and the retry wrote it).
  const late: OrderDoc = {
    _id: 'LATE-1',
    kind: 'mp',
    mpOpenid: 'buyer-late',
    cardId: 'pCARD',
    quantity: 1,
    totalFee: 8800,
    status: 'ISSUED',
    createdAt: NOW - DAY_MS - 60_000,
    paidAt: NOW - DAY_MS,
  }
  await o.store.insert(Collections.orders, late)
  const stale = await dashboard(o.store, o.wx, 7, NOW)
  const truth = await recomputed(o.store, 7, NOW)
  expect(stale.sales).not.toEqual(truth.sales)

  const run = await rollUpDays(o.store, NOW)
  expect(run.drift).toEqual([
    {
      date: yesterday,
      figures: [expect.stringMatching(/^sales\.mp\.amount: \d+ → \d+$/), expect.stringMatching(/^sales\.mp\.orders: \d+ → \d+$/)],
    },
  ])
  expect(await dashboard(o.store, o.wx, 7, NOW)).toMatchObject(truth)
  // Repaired: the next run finds nothing.
  expect((await rollUpDays(o.store, NOW)).drift).toEqual([])
})

test('a refund of an order from a sealed day shows at once, and once the cron has folded it in, still once', async () => {
  const o = await opened()
  await seedHistory(o.history, { orders: 100, entries: 50, days: 20, nowMs: NOW })
  await rolledUp(o.store, NOW)
  const old = (await everything<OrderDoc>(o.store, Collections.orders)).find((x) => x.status === 'ISSUED' && x.paidAt! < NOW - 15 * DAY_MS)!
  // As money/refund-states.ts asks for a refund, five minutes after the last run: the fee fixed and the time it was asked.
  const later = NOW + 10 * 60_000
  await o.store.update(Collections.orders, old._id, { status: 'REFUNDING', refundFee: 3000, refundRequestedAt: NOW + 5 * 60_000 })
  const truth = await recomputed(o.store, 30, later)
  expect(await dashboard(o.store, o.wx, 30, later)).toMatchObject(truth)
  const run = await rollUpDays(o.store, NOW + 60 * 60_000)
  expect(run.resealed).toEqual([dayOf(old.paidAt!)])
  expect(await dashboard(o.store, o.wx, 30, later)).toMatchObject(truth)
  expect(await dashboard(o.store, o.wx, 30, NOW + 2 * 60 * 60_000)).toMatchObject(await recomputed(o.store, 30, NOW + 2 * 60 * 60_000))
})
