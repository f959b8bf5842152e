// The merchant console's reads and its two card actions beyond the ledger: the dashboard (sales by
// day and channel, value redeemed, outstanding balance, cards claimed, members joined), order search
// and detail across channels, looking a card up by its code beside WeChat's own view of it, freezing a
// card (card/code/unavailable) and taking a gift card off sale.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { anyOf, where, type Store } from '../../store/port'
import { dayOf, dayStart, daysSince } from './rollups'
import { cardSection } from '../../../contract/card-rules'
import type { WechatClient } from '../../wechat/client'
import { WxApiError, WxRuleError, WxTransportError } from '../../wechat/errors'
import type { GiftCardDoc } from '../catalog/gift-cards'
import { historyOf, type LedgerEntryDoc } from '../ledgers/ledger'
import { listOrders, walkOrders, type Channel, type OrderFilter, type OrderRow } from './orders'
import { describeRows } from './order-states'
import { findPage, type PageRequest } from '../../store/pages'
import type { OrderDoc, ShelfOrderDoc } from '../cards/order-types'
import { effectiveStatus, userCardId, type UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'
import { namesOf } from '../cards/people'
import { refundPreview } from '../money/refunds'

export interface SalesRow {
  date: string
  channel: Channel
  /** fen paid and kept (refunds deducted) */
  amount: number
  orders: number
}

/** Live cards of one kind: how many, and the balance they hold (fen). */
export interface LiveFigures {
  count: number
  balance: number
}

/**
 * What the merchant owes holders: the balance of every card that can still be spent or is on its way to
 * someone (effectiveStatus: a NORMAL card past its end time is EXPIRE), added up by the database in one call,
 * by kind: gift cards, member cards (their stored value) and coupons (no balance: how many are still usable).
 */
async function liability(store: Store, nowMs: number) {
  const nowSec = Math.floor(nowMs / 1000)
  const live = anyOf(
    { status: where.in(['GIFTING', 'GIFT_TIMEOUT']) },
    { status: 'NORMAL', endTime: where.gte(nowSec) },
    { status: 'NORMAL', endTime: where.in([0, null]) },
  )
  const rows = await store.sumBy(Collections.userCards, live, 'balance', ['member', 'couponType'])
  const byKind = { giftCards: { count: 0, balance: 0 }, memberCards: { count: 0, balance: 0 }, coupons: { count: 0, balance: 0 } }
  for (const r of rows) {
    const kind = r.key.member === true ? 'memberCards' : r.key.couponType != null ? 'coupons' : 'giftCards'
    byKind[kind].count += r.count
    byKind[kind].balance += r.total
  }
  const total = byKind.giftCards.balance + byKind.memberCards.balance + byKind.coupons.balance
  return { liability: total, byKind }
}

/** A card/get answer's kind, as the dashboard counts it. */
function kindOf(got: { card?: Record<string, unknown> } | undefined): 'gift' | 'member' | 'coupon' | undefined {
  const type = String(got?.card?.card_type ?? '')
  if (!type) return undefined
  if (type === 'MEMBER_CARD') return 'member'
  return type === 'GENERAL_CARD' && cardSection(got?.card).sub_card_type === 'GIFT_CARD' ? 'gift' : 'coupon'
}

/**
 * Cards claimed and members joined, from WeChat's data cube (datacube/getcardcardinfo, receive_cnt), each
 * card's rows counted by its kind (card/get): gift cards (`claimed`), member cards (`members`) and coupons
 * (`couponsClaimed`); a card WeChat no longer describes is left out. `cube: false` when WeChat did not
 * answer (the dashboard still shows our own figures).
 */
async function fromCube(
  wx: WechatClient,
  days: number,
  nowMs: number,
): Promise<{ claimed: number; members: number; couponsClaimed: number; cube: boolean }> {
  const q = { begin_date: dayOf(nowMs - (days - 1) * 86400_000), end_date: dayOf(nowMs), cond_source: 1 as const }
  try {
    const { list } = await wx.datacube.cardCardInfo(q)
    const kinds = new Map<string, ReturnType<typeof kindOf>>()
    const n = { gift: 0, member: 0, coupon: 0 }
    for (const row of list) {
      const cardId = String(row.card_id ?? '')
      if (!kinds.has(cardId)) kinds.set(cardId, kindOf(await wx.card.get(cardId).catch(() => undefined)))
      const kind = kinds.get(cardId)
      if (kind) n[kind] += Number(row.receive_cnt ?? 0) || 0
    }
    return { claimed: n.gift, members: n.member, couponsClaimed: n.coupon, cube: true }
  } catch (err) {
    if (err instanceof WxApiError || err instanceof WxRuleError || err instanceof WxTransportError)
      return { claimed: 0, members: 0, couponsClaimed: 0, cube: false }
    throw err
  }
}

export async function dashboard(store: Store, wx: WechatClient, days: number, nowMs = clock.now()) {
  // Day boundaries are the merchant's (UTC+8): "today" starts at its local midnight.
  const since = dayStart(dayOf(nowMs - (days - 1) * 86400_000))
  // The days' figures from the rollups (merchant/rollups.ts): calls in proportion to the days, not the history.
  const [daily, owed, cube] = await Promise.all([
    daysSince(store, since, nowMs),
    liability(store, nowMs),
    fromCube(wx, Math.min(days, 62), nowMs),
  ])
  const sales: SalesRow[] = daily
    .flatMap((d) =>
      (Object.entries(d.sales) as [Channel, { amount: number; orders: number }][])
        .filter(([, f]) => f.orders > 0)
        .map(([channel, f]) => ({ date: d.date, channel, ...f })),
    )
    .sort((a, b) => a.date.localeCompare(b.date) || a.channel.localeCompare(b.channel))
  const total = (f: 'redeemed' | 'refunded' | 'recharged' | 'newMembers') => daily.reduce((s, d) => s + d[f], 0)
  // #28: member recharges are takings too: credited, less the recharge refunds asked for in the window.
  const rechargeSales = total('recharged') - daily.reduce((s, d) => s + (d.rechargeRefunded ?? 0), 0)
  return {
    days,
    since,
    sales,
    redeemed: total('redeemed'),
    liability: owed.liability,
    /** live gift cards; the other kinds in `live` */
    liveCards: owed.byKind.giftCards.count,
    live: owed.byKind,
    claimed: cube.claimed,
    members: cube.members,
    couponsClaimed: cube.couponsClaimed,
    cube: cube.cube,
    refunded: total('refunded'),
    recharged: total('recharged'),
    newMembers: total('newMembers'),
    rechargeSales,
    salesWithRecharges: sales.reduce((s, r) => s + r.amount, 0) + rechargeSales,
    /** #28: `claimed` and `members` come from WeChat's data cube, which has a day only the day after */
    cubeLagDays: 1,
  }
}

// ---------- orders ----------

export interface OrderQuery extends OrderFilter {
  /** order number, card code, the buyer's name as the console shows it or openid (exact, or a prefix of the order number) */
  q?: string
}

/** How many of the newest matching orders a search by `q` looks through. */
const SEARCH_WINDOW = 1000

/**
 * Orders matching a query, newest first, a page at a time (listOrders: channel, state and time range are
 * the database's filter, so every match is reached by paging). A search by `q` matches order number
 * prefixes, buyers and card codes in the newest SEARCH_WINDOW orders the other filters leave, and answers
 * one page by `offset`.
 */
export async function searchOrders(store: Store, query: OrderQuery, page: PageRequest) {
  const { q, ...filter } = query
  if (q === undefined) return listOrders(store, filter, page)
  const { rows } = await walkOrders(store, filter, SEARCH_WINDOW)
  const cards = await store.find<UserCardDoc>(Collections.userCards, { code: q }, { limit: 100 })
  const codeOrders = new Set(cards.map((c) => c.orderId ?? '').filter(Boolean))
  // The buyer as the console names people (a member's name, 顾客·7F3A), or the openid (the CLI).
  const nameOf = await namesOf(
    store,
    rows.map((r) => r.buyerOpenid),
  )
  const match = ({ row: o, buyerOpenid }: (typeof rows)[number]) =>
    o.orderId.startsWith(q) ||
    buyerOpenid === q ||
    nameOf(buyerOpenid) === q ||
    o.cards.some((c) => c.code === q) ||
    codeOrders.has(o.orderId)
  const hits = rows.filter(match)
  const from = page.skip ?? 0
  return { orders: await describeRows(store, hits.slice(from, from + page.limit)), total: hits.length }
}

/** One order of any channel: its row, and each of its cards with status, balance and ledger. */
export async function orderDetail(store: Store, orderId: string) {
  const mine = await store.get<OrderDoc>(Collections.orders, orderId)
  const shelf = mine ? undefined : await store.get<ShelfOrderDoc>(Collections.shelfOrders, orderId)
  if (!mine && !shelf) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  const { orders } = await searchOrders(store, { channel: mine ? mine.kind : 'shelf', q: orderId }, { limit: 1 })
  const row: OrderRow = orders[0] ?? {
    orderId,
    channel: mine ? mine.kind : 'shelf',
    state: mine?.status ?? shelf!.state,
    totalPrice: mine?.totalFee ?? shelf!.order.total_price,
    buyer: mine?.mpOpenid ?? shelf!.order.open_id,
    cards: [],
    at: mine?.createdAt ?? shelf!.recordedAt,
    cardState: 'PAID',
  }
  const ids = new Set<string>()
  if (shelf) for (const c of shelf.order.card_list) ids.add(userCardId(c.card_id, c.code))
  if (mine?.cardLeg) ids.add(userCardId(mine.cardLeg.cardId, mine.cardLeg.code))
  for (const c of await store.find<UserCardDoc>(Collections.userCards, { orderId }, { limit: 100 })) ids.add(c._id)
  const cards = []
  for (const id of ids) {
    const c = await store.get<UserCardDoc>(Collections.userCards, id)
    if (!c) continue
    cards.push({
      cardId: c.cardId,
      code: c.code,
      title: c.title,
      status: effectiveStatus(c),
      balance: c.balance,
      entries: (await historyOf(store, id, { limit: 50 })).entries,
    })
  }
  // What a refund would give back now: the refund dialog says it.
  const refundPreviewFen = mine?.kind === 'mp' && mine.status === 'ISSUED' ? await refundPreview(store, mine) : undefined
  return {
    ...(refundPreviewFen !== undefined ? { refundPreview: refundPreviewFen } : {}),
    order: {
      ...row,
      ...(mine?.refundReason ? { refundReason: mine.refundReason } : {}),
      ...(shelf && (shelf as { refundReason?: string }).refundReason
        ? { refundReason: (shelf as { refundReason?: string }).refundReason }
        : {}),
    },
    cards,
  }
}

// ---------- cards in circulation ----------

/** Every card with this code (a code is unique within one card_id), our ledger beside WeChat's card/code/get. */
export async function lookupCode(store: Store, wx: WechatClient, code: string, cardId?: string) {
  const docs = await store.find<UserCardDoc>(Collections.userCards, cardId ? { code, cardId } : { code }, { limit: 20 })
  if (docs.length === 0) throw new AppError(ErrCode.NOT_FOUND, `no card with code ${code}`)
  const cards = []
  for (const c of docs) {
    let wechat: Record<string, unknown>
    try {
      const got = (await wx.code.get({ card_id: c.cardId, code: c.code })) as unknown as Record<string, unknown>
      // WeChat's answer names the holder by openid: the console names them by `holder` instead (people.ts).
      wechat = { status: got.user_card_status, canConsume: got.can_consume }
    } catch (err) {
      // 40056: WeChat no longer knows the code (given away to a friend, or removed).
      if (!(err instanceof WxApiError || err instanceof WxTransportError)) throw err
      wechat = err instanceof WxApiError ? { error: err.errcode, errmsg: err.errmsg } : { error: 'unreachable' }
    }
    const { entries, total, next } = await historyOf(store, c._id, { limit: 50 })
    cards.push({
      cardId: c.cardId,
      code: c.code,
      title: c.title,
      status: effectiveStatus(c),
      balance: c.balance,
      holder: c.mpOpenid ?? c.saOpenid ?? '',
      orderId: c.orderId ?? '',
      synced: c.syncedVersion >= c.version,
      endTime: c.endTime,
      entries,
      total,
      wechat,
      ...(next ? { next } : {}),
    })
  }
  return { cards }
}

const FREEZABLE = ['NORMAL', 'GIFTING', 'GIFT_TIMEOUT', 'EXPIRE', 'CONSUMED']

/**
 * Freezes a card: WeChat first (card/code/unavailable, safe to repeat), then ours by compare-and-set
 * from a status that can still be spent or moved, so a card refunded or given away meanwhile keeps
 * that state. The balance stays in the ledger: a frozen card is unusable, not emptied.
 */
export async function freezeCard(store: Store, wx: WechatClient, cardId: string, code: string, reason: string) {
  const id = userCardId(cardId, code)
  const doc = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with code ${code}`)
  if (doc.status === 'UNAVAILABLE') return { cardId, code, status: 'UNAVAILABLE', changed: false }
  if (!FREEZABLE.includes(doc.status)) throw new AppError(ErrCode.CONFLICT, `the card is ${doc.status}`)
  try {
    await wx.code.unavailable({ card_id: cardId, code, reason })
  } catch (err) {
    // A second freeze racing this one, or a retry after a lost reply: WeChat refuses a code it already
    // made unavailable (40127), so ask it what the code is now and go on if it is frozen there.
    if (!(err instanceof WxApiError)) throw err
    const now = await wx.code.get({ card_id: cardId, code }).catch(() => undefined)
    if ((now as { user_card_status?: string } | undefined)?.user_card_status !== 'UNAVAILABLE') throw err
  }
  const changed = await store.updateIf(
    Collections.userCards,
    id,
    { status: where.in(FREEZABLE) },
    { status: 'UNAVAILABLE', updatedAt: clock.now() },
  )
  return { cardId, code, status: 'UNAVAILABLE', changed }
}

/** A card's ledger, newest first, a page at a time (the console's circulation page, after cardLookup's first 50). */
export async function cardHistory(store: Store, cardId: string, code: string, page: PageRequest) {
  const id = userCardId(cardId, code)
  if (!(await store.get<UserCardDoc>(Collections.userCards, id)))
    throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with code ${code}`)
  return historyOf(store, id, page)
}

/** Takes a gift card off sale in the Mini Program shop (a shelf update puts it back on). */
export async function takeOffSale(store: Store, cardId: string) {
  const def = await store.get<GiftCardDoc>(Collections.giftCards, cardId)
  if (!def) throw new AppError(ErrCode.NOT_FOUND, `no gift card ${cardId}`)
  await store.update(Collections.giftCards, cardId, { onSale: false, updatedAt: clock.now() })
  return { cardId, onSale: false }
}

/** Ledger entries since `sinceMs`, oldest first (finance's export), a page at a time; `total` counts them all. */
export async function ledgerSince(store: Store, sinceMs: number, page: PageRequest) {
  const filter = { createdAt: where.gte(sinceMs) }
  const [{ docs, next }, total] = await Promise.all([
    findPage<LedgerEntryDoc>(store, Collections.ledger, filter, { field: 'createdAt', direction: 'asc' }, page),
    store.count(Collections.ledger, filter),
  ])
  return {
    entries: docs.map((e) => ({
      entryId: e._id,
      card: e.card,
      kind: e.kind,
      amount: e.amount,
      balanceAfter: e.balanceAfter,
      orderId: e.orderId ?? '',
      description: e.description ?? '',
      createdAt: e.createdAt,
    })),
    total,
    ...(next ? { next } : {}),
  }
}
