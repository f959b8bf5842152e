// The dashboard's figures per Beijing day, kept in `rollup_days` so that a dashboard read costs calls in
// proportion to the days shown, not to the history (issue 26, "Figures from rollups").
//
// How the figures stay exact (why, at length: README.md of this room and docs/functions-api.md):
// - A day's document is *derived*, never incremented: `sealDay` reads that one day's orders, shelf orders,
//   ledger entries, refunds and new members and writes the whole document with `set`. Running it twice, or
//   again after a crash half way, writes the same document: nothing can be counted twice, and no money path
//   has to write a second document beside the one it already writes.
// - Only days that ended more than SETTLE_MS ago are sealed; the days after the last sealed one (today at
//   least) are read live from the same sources at dashboard time, bounded by those days' volume.
// - A refund asked for after its sale's day was sealed changes that day (a sale's `amount` is what was
//   kept). Each sealed day lists the orders whose refunds it holds (`deducted`); the dashboard deducts the
//   refunds asked for since the cron's refund cursor that a day does not hold yet, and the cron re-seals
//   the days of those refunds and moves the cursor.
// - The repair task recomputes the last REPAIR_DAYS sealed days and reports each figure that drifted.
import { Collections } from '../../store/collections'
import { where, type Filter, type Store, type StoredDoc } from '../../store/port'
import type { LedgerEntryDoc } from '../ledgers/ledger'
import type { MemberDoc } from '../cards/member-records'
import { PAID_STATUSES, type OrderDoc, type ShelfOrderDoc } from '../cards/order-types'
import type { Channel } from './orders'
import { clock } from '../../clock'

const DAY_MS = 86400_000
/** China Standard Time: UTC+8, no daylight saving. */
const CST_MS = 8 * 3600_000
/** A day is sealed once it ended this long ago: writes stamped before midnight have landed by then. */
export const SETTLE_MS = 10 * 60_000
/** The sealed days the repair task recomputes on every run. */
export const REPAIR_DAYS = 2
/** At most this many days sealed per run (a first run over a long history continues on the next). */
export const SEAL_DAYS_PER_RUN = 31
/** The dashboard shows at most this many days, so older days are never sealed. */
const MAX_DAYS = 366
/** Refunds are read past the cursor by this much: a refund stamped just before a run may land after it. */
const REFUND_SKEW_MS = 60_000
const PAGE = 1000
const CHANNELS: Channel[] = ['checkout', 'mp', 'shelf']
const STATE_ID = 'days'

/** The merchant's calendar day (China Standard Time) of a time in ms. */
export function dayOf(ms: number): string {
  return new Date(ms + CST_MS).toISOString().slice(0, 10)
}

/** The start (ms) of a merchant's day, YYYY-MM-DD. */
export function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - CST_MS
}

export interface ChannelFigures {
  /** fen paid and kept (a refund asked for deducts its fee; a refunded shelf order counts 0) */
  amount: number
  orders: number
}

/** Everything the dashboard shows of one day. */
export interface DayFigures {
  date: string
  sales: Record<Channel, ChannelFigures>
  /** fen spent from cards: spends less their reversals */
  redeemed: number
  /** fen of refunds asked for this day (Mini Program and checkout orders, member recharges) */
  refunded: number
  /** fen of member-card recharges credited this day */
  recharged: number
  /** #28: fen of member-card recharge refunds asked for this day (part of `refunded`); absent on days sealed before */
  rechargeRefunded?: number
  /** member cards activated or joined this day (our own records) */
  newMembers: number
}

export interface RollupDayDoc extends StoredDoc, DayFigures {
  /** when the sources were read (ms) */
  sealedAt: number
  /** the orders paid this day whose refund is already in `sales` */
  deducted: string[]
}

interface RollupStateDoc extends StoredDoc {
  /** the last day sealed in order (YYYY-MM-DD) */
  sealedThrough: string
  /** refunds asked for before this time (ms) are in the sealed days */
  refundsThrough: number
}

function emptyDay(date: string): DayFigures {
  const sales = {} as Record<Channel, ChannelFigures>
  for (const c of CHANNELS) sales[c] = { amount: 0, orders: 0 }
  return { date, sales, redeemed: 0, refunded: 0, recharged: 0, rechargeRefunded: 0, newMembers: 0 }
}

/** Every document of a query in [from, to) of `field`, a page at a time ordered by that field and _id. */
async function between<T extends StoredDoc>(
  store: Store,
  collection: string,
  filter: Filter,
  field: string,
  from: number,
  to: number,
): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += PAGE) {
    const page = await store.find<T>(
      collection,
      { ...filter, [field]: where.gte(from) },
      { orderBy: { field, direction: 'asc' }, skip, limit: PAGE },
    )
    const kept = page.filter((d) => ((d as unknown as Record<string, number>)[field] ?? 0) < to)
    out.push(...kept)
    if (page.length < PAGE || kept.length < page.length) return out
  }
}

/** What an order of our own kept, fen: a refund deducts its fee from the moment it is asked for. */
function kept(o: OrderDoc): number {
  return o.status === 'REFUND_NEEDED' ? 0 : o.totalFee - (o.refundFee ?? 0)
}

interface Computed {
  days: Map<string, DayFigures>
  deducted: Map<string, string[]>
}

/** The figures of every day in [from, to) read from the sources: six range queries, paged. */
export async function figuresBetween(store: Store, from: number, to: number): Promise<Computed> {
  const days = new Map<string, DayFigures>()
  const deducted = new Map<string, string[]>()
  for (let t = dayStart(dayOf(from)); t < to; t += DAY_MS) days.set(dayOf(t), emptyDay(dayOf(t)))
  const day = (ms: number) => days.get(dayOf(ms))!
  const [orders, shelf, entries, refunds, recharges, members] = await Promise.all([
    between<OrderDoc>(store, Collections.orders, { status: where.in(PAID_STATUSES) }, 'paidAt', from, to),
    between<ShelfOrderDoc>(store, Collections.shelfOrders, {}, 'recordedAt', from, to),
    between<LedgerEntryDoc>(store, Collections.ledger, { kind: where.in(['spend', 'reversal', 'recharge']) }, 'createdAt', from, to),
    between<OrderDoc & { refundRequestedAt: number }>(store, Collections.orders, {}, 'refundRequestedAt', from, to),
    between<StoredDoc & { refundRequestedAt: number; refundFee?: number }>(
      store,
      Collections.memberOrders,
      {},
      'refundRequestedAt',
      from,
      to,
    ),
    between<MemberDoc>(store, Collections.members, {}, 'createdAt', from, to),
  ])
  for (const o of orders) {
    const d = day(o.paidAt!)
    d.sales[o.kind].amount += kept(o)
    d.sales[o.kind].orders++
    if (kept(o) !== o.totalFee) deducted.set(d.date, [...(deducted.get(d.date) ?? []), o._id])
  }
  for (const o of shelf) {
    const d = day(o.recordedAt)
    d.sales.shelf.amount += o.state === 'REFUNDED' ? 0 : o.order.total_price
    d.sales.shelf.orders++
    if (o.state === 'REFUNDED') deducted.set(d.date, [...(deducted.get(d.date) ?? []), o._id])
  }
  for (const e of entries) {
    if (e.kind === 'recharge') day(e.createdAt).recharged += e.amount
    else day(e.createdAt).redeemed -= e.amount
  }
  for (const r of [...refunds, ...recharges]) day(r.refundRequestedAt).refunded += r.refundFee ?? 0
  for (const r of recharges) day(r.refundRequestedAt).rechargeRefunded! += r.refundFee ?? 0
  for (const m of members) day(m.createdAt).newMembers++
  return { days, deducted }
}

async function stateOf(store: Store): Promise<RollupStateDoc | null> {
  return store.get<RollupStateDoc>(Collections.rollupState, STATE_ID)
}

/** Seals one day from its sources (a whole-document `set`: running it again writes the same figures). */
async function sealDay(store: Store, date: string, nowMs: number): Promise<RollupDayDoc> {
  const { days, deducted } = await figuresBetween(store, dayStart(date), dayStart(date) + DAY_MS)
  const doc: RollupDayDoc = { _id: date, ...days.get(date)!, sealedAt: nowMs, deducted: deducted.get(date) ?? [] }
  await store.set(Collections.rollupDays, doc)
  return doc
}

/** The figures of a day that differ between two computations of it, as `field: stored → recomputed`. */
function drift(stored: DayFigures, fresh: DayFigures): string[] {
  const out: string[] = []
  for (const c of CHANNELS) {
    for (const f of ['amount', 'orders'] as const)
      if (stored.sales[c][f] !== fresh.sales[c][f]) out.push(`sales.${c}.${f}: ${stored.sales[c][f]} → ${fresh.sales[c][f]}`)
  }
  for (const f of ['redeemed', 'refunded', 'recharged', 'newMembers'] as const)
    if (stored[f] !== fresh[f]) out.push(`${f}: ${stored[f]} → ${fresh[f]}`)
  // A day sealed before #28 has no rechargeRefunded: resealing adds it, which is no drift.
  if (stored.rechargeRefunded !== undefined && stored.rechargeRefunded !== fresh.rechargeRefunded)
    out.push(`rechargeRefunded: ${stored.rechargeRefunded} → ${fresh.rechargeRefunded ?? 0}`)
  return out
}

/**
 * The cron task: seals the days that ended since the last run (at most SEAL_DAYS_PER_RUN, oldest first,
 * the cursor moved after each), re-seals the days of refunds asked for since the refund cursor, and
 * recomputes the last REPAIR_DAYS sealed days, reporting any figure that drifted. Each step is a
 * whole-document write followed by the cursor's: a run cut short anywhere repeats work, never counts twice.
 */
export async function rollUpDays(store: Store, nowMs = clock.now()) {
  const lastComplete = dayOf(nowMs - SETTLE_MS - DAY_MS)
  const state = (await stateOf(store)) ?? {
    _id: STATE_ID,
    sealedThrough: await dayBeforeFirstRecord(store, nowMs, lastComplete),
    refundsThrough: 0,
  }
  const sealed: string[] = []
  for (let t = dayStart(state.sealedThrough) + DAY_MS; dayOf(t) <= lastComplete && sealed.length < SEAL_DAYS_PER_RUN; t += DAY_MS) {
    await sealDay(store, dayOf(t), nowMs)
    sealed.push(dayOf(t))
    state.sealedThrough = dayOf(t)
    await store.set(Collections.rollupState, state)
  }
  // Refunds asked for since the cursor whose sale's day is sealed: that day again, from its sources.
  const refundsTo = nowMs - REFUND_SKEW_MS
  const resealed: string[] = []
  const late = await lateRefunds(store, state.refundsThrough, refundsTo)
  for (const date of new Set(late.map((r) => r.date))) {
    if (date > state.sealedThrough || sealed.includes(date)) continue
    await sealDay(store, date, nowMs)
    resealed.push(date)
  }
  state.refundsThrough = Math.max(state.refundsThrough, refundsTo)
  await store.set(Collections.rollupState, state)
  // The repair: the last sealed days recomputed; a difference is drift (a write that landed after its day
  // was sealed, or a document changed by hand), repaired by the new seal and reported.
  const drifted: { date: string; figures: string[] }[] = []
  for (let i = 0; i < REPAIR_DAYS; i++) {
    const date = dayOf(dayStart(state.sealedThrough) - i * DAY_MS)
    const before = await store.get<RollupDayDoc>(Collections.rollupDays, date)
    const after = await sealDay(store, date, nowMs)
    const found = before ? drift(before, after) : []
    if (found.length) drifted.push({ date, figures: found })
  }
  return { sealed, resealed, sealedThrough: state.sealedThrough, drift: drifted }
}

/**
 * Where a first run starts: the day before the oldest record the figures count (at most MAX_DAYS back),
 * or the last complete day when there is none, so that a new merchant seals nothing it does not have.
 */
async function dayBeforeFirstRecord(store: Store, nowMs: number, lastComplete: string): Promise<string> {
  const oldest = async (collection: string, filter: Filter, field: string) =>
    (await store.find<StoredDoc>(collection, { ...filter, [field]: where.gte(0) }, { orderBy: { field, direction: 'asc' }, limit: 1 })).map(
      (d) => (d as unknown as Record<string, number>)[field]!,
    )
  const firsts = (
    await Promise.all([
      oldest(Collections.orders, { status: where.in(PAID_STATUSES) }, 'paidAt'),
      oldest(Collections.shelfOrders, {}, 'recordedAt'),
      oldest(Collections.ledger, {}, 'createdAt'),
      oldest(Collections.members, {}, 'createdAt'),
    ])
  ).flat()
  if (!firsts.length) return lastComplete
  return dayOf(Math.max(Math.min(...firsts), nowMs - MAX_DAYS * DAY_MS) - DAY_MS)
}

/** Orders and shelf orders refunded in [from, to): their id and the day of their sale. */
async function lateRefunds(
  store: Store,
  from: number,
  to: number,
): Promise<{ id: string; date: string; order: OrderDoc | ShelfOrderDoc; shelf: boolean }[]> {
  const [orders, shelf] = await Promise.all([
    between<OrderDoc & { refundRequestedAt: number }>(store, Collections.orders, {}, 'refundRequestedAt', from, to),
    between<ShelfOrderDoc>(store, Collections.shelfOrders, { state: 'REFUNDED' }, 'updatedAt', from, to),
  ])
  return [
    ...orders.filter((o) => o.paidAt !== undefined).map((o) => ({ id: o._id, date: dayOf(o.paidAt!), order: o, shelf: false })),
    ...shelf.map((o) => ({ id: o._id, date: dayOf(o.recordedAt), order: o, shelf: true })),
  ]
}

/**
 * The figures of every day from `since` to now: the sealed days in one query, the days after the last
 * sealed one live from their sources, and the refunds asked for since the cron's refund cursor deducted
 * from the sealed days that do not hold them yet.
 */
export async function daysSince(store: Store, since: number, nowMs: number): Promise<DayFigures[]> {
  const first = dayOf(since)
  const [stored, state] = await Promise.all([
    store.find<RollupDayDoc>(
      Collections.rollupDays,
      { _id: where.gte(first) },
      { orderBy: { field: '_id', direction: 'asc' }, limit: MAX_DAYS },
    ),
    stateOf(store),
  ])
  const sealedThrough = state && state.sealedThrough >= first ? state.sealedThrough : undefined
  const byDate = new Map<string, RollupDayDoc>(stored.filter((d) => sealedThrough && d._id <= sealedThrough).map((d) => [d._id, d]))
  const liveFrom = sealedThrough ? dayStart(sealedThrough) + DAY_MS : since
  const live = liveFrom <= nowMs ? (await figuresBetween(store, liveFrom, nowMs + 1)).days : new Map<string, DayFigures>()
  const days: DayFigures[] = []
  for (let t = dayStart(first); t <= nowMs; t += DAY_MS) {
    const date = dayOf(t)
    const doc = byDate.get(date)
    days.push(
      doc
        ? {
            date,
            sales: structuredClone(doc.sales),
            redeemed: doc.redeemed,
            refunded: doc.refunded,
            recharged: doc.recharged,
            rechargeRefunded: doc.rechargeRefunded ?? 0,
            newMembers: doc.newMembers,
          }
        : (live.get(date) ?? emptyDay(date)),
    )
  }
  if (sealedThrough && state) {
    for (const r of await lateRefunds(store, state.refundsThrough - REFUND_SKEW_MS, nowMs + 1)) {
      const doc = byDate.get(r.date)
      if (!doc || doc.deducted.includes(r.id)) continue
      const figures = days.find((d) => d.date === r.date)!
      if (r.shelf) figures.sales.shelf.amount -= (r.order as ShelfOrderDoc).order.total_price
      else figures.sales[(r.order as OrderDoc).kind].amount -= (r.order as OrderDoc).totalFee - kept(r.order as OrderDoc)
    }
  }
  return days
}
