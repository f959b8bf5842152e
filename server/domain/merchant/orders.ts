// The merchant's view of every sale, across channels: Mini Program purchases (`mp`), shop checkouts
// paid partly by WeChat Pay (`checkout`) and hosted-shelf orders (`shelf`), newest first; and one
// refund action for any of them and for member recharges (`MR…`).
import { Collections } from '../../store/collections'
import { anyOf, where, type Filter, type Store } from '../../store/port'
import { findPage, type KeysetOrder, type PageKey, type PageRequest } from '../../store/pages'
import type { WechatClient } from '../../wechat/client'
import { refundShelfOrder } from './operations'
import { PAID_STATUSES, type ShelfOrderDoc } from '../cards/order-types'
import type { PaymentGateway } from '../../platform/payment-gateway'
import type { OrderDoc } from '../cards/order-types'
import { refundMpOrder } from '../money/refunds'
import { refundCheckoutOrder } from '../money/checkout-refunds'
import { refundRecharge } from '../money/recharge-refunds'
import { RECHARGE_ID } from '../money/member-recharge'
import type { RefundFields } from '../money/refund-states'
import type { SyncOptions } from '../../platform/settings'

import { describeRows, type SourcedRow } from './order-states'
import type { Channel, CheckoutLeg, OrderRow, RefundStatus } from '../../../contract/merchant-orders'
export type { Channel, OrderRow }

const refundStatusOf = (status: string): RefundStatus | undefined =>
  status === 'REFUNDING' || status === 'REFUNDED' || status === 'REFUND_FAILED' ? status : undefined

/** A 买单 order's original total, coupon and legs (#28), from what the checkout recorded. */
function checkoutParts(o: OrderDoc): Pick<OrderRow, 'originalTotal' | 'coupon' | 'legs'> {
  const legs: CheckoutLeg[] = [{ kind: 'wxpay', amount: o.totalFee, state: refundStatusOf(o.status) ?? 'PAID' }]
  if (o.cardLeg && o.cardLeg.amount > 0)
    legs.push({
      kind: 'giftcard',
      amount: o.cardLeg.amount,
      cardId: o.cardLeg.cardId,
      codeTail: o.cardLeg.code.slice(-4),
      state: o.legCreditedAt ? 'CREDITED' : 'PAID',
    })
  return {
    originalTotal: o.total ?? o.totalFee + (o.cardLeg?.amount ?? 0) + (o.coupon?.discount ?? 0),
    ...(o.coupon
      ? {
          coupon: {
            cardId: o.coupon.cardId,
            discount: o.coupon.discount,
            status: o.couponRestoredAt ? ('RESTORED' as const) : ('USED' as const),
          },
        }
      : {}),
    legs,
  }
}

function mpRow(o: OrderDoc & RefundFields): OrderRow {
  const refundStatus = refundStatusOf(o.status)
  return {
    orderId: o._id,
    channel: o.kind,
    state: o.status,
    totalPrice: o.totalFee,
    buyer: o.mpOpenid, // named by the merchant function (cards/people.ts)
    cards: o.kind === 'mp' ? Array.from({ length: o.quantity }, () => ({ cardId: o.cardId, price: o.unitPrice ?? 0 })) : [],
    ...(o.refundFee !== undefined ? { refundFee: o.refundFee } : {}),
    ...(refundStatus ? { refundStatus } : {}),
    ...(o.refundError ? { refundError: o.refundError.code } : {}),
    at: o.paidAt ?? o.createdAt,
    // Decided for the page by describeRows (order-states.ts).
    cardState: refundStatus ?? 'PAID',
    ...(o.kind === 'checkout' ? checkoutParts(o) : {}),
  }
}

function shelfRow(o: ShelfOrderDoc): OrderRow {
  // A hosted-shelf refund is WeChat's own (card/giftcard/order/refund): done when it answers.
  return {
    orderId: o._id,
    channel: 'shelf',
    state: o.state,
    totalPrice: o.order.total_price,
    buyer: o.order.open_id, // named by the merchant function (cards/people.ts)
    cards: o.order.card_list.map((c) => ({ cardId: c.card_id, code: c.code, price: c.price })),
    ...(o.state === 'REFUNDED' ? { refundStatus: 'REFUNDED' as const } : {}),
    at: o.recordedAt,
    cardState: o.state === 'REFUNDED' ? 'REFUNDED' : 'PAID',
  }
}

/** The filters of the order list the database applies (a search by `q` is console.ts's). */
export interface OrderFilter {
  channel?: Channel
  state?: string
  /** ms: from (inclusive), until (exclusive), on when the order was made */
  since?: number
  until?: number
}

const PAID: string[] = PAID_STATUSES
// Newest first by when the order was made (Mini Program and checkout orders) or recorded (shelf orders),
// ties by _id: a stable total order across both collections, so one cursor key serves both.
const MINE_ORDER: KeysetOrder = { field: 'createdAt', direction: 'desc' }
const SHELF_ORDER: KeysetOrder = { field: 'recordedAt', direction: 'desc' }

/** `field` within [since, until): the until bound one level down, so that a cursor's bound can sit beside it. */
function inRange(field: string, since?: number, until?: number): Filter {
  return {
    ...(since !== undefined ? { [field]: where.gte(since) } : {}),
    ...(until !== undefined ? anyOf({ [field]: where.lt(until) }) : {}),
  }
}

/** What each collection is asked, or null when the filter rules it out. */
function sourcesOf(f: OrderFilter): { mine: Filter | null; shelf: Filter | null } {
  const want = (c: Channel) => !f.channel || f.channel === c
  const kinds = (['mp', 'checkout'] as const).filter(want)
  const statuses = f.state === undefined ? PAID : PAID.filter((s) => s === f.state)
  return {
    // Unpaid Mini Program orders are not sales and are left out.
    mine:
      kinds.length && statuses.length
        ? { status: where.in(statuses), kind: where.in([...kinds]), ...inRange('createdAt', f.since, f.until) }
        : null,
    shelf: want('shelf') ? { ...(f.state !== undefined ? { state: f.state } : {}), ...inRange('recordedAt', f.since, f.until) } : null,
  }
}

interface Keyed extends SourcedRow {
  key: PageKey
  /** the buyer's openid, for a search by it or by the buyer's name (console.ts searchOrders) */
  buyerOpenid: string
}

const newestFirst = (a: Keyed, b: Keyed) => b.key.at - a.key.at || (a.key.id < b.key.id ? 1 : a.key.id > b.key.id ? -1 : 0)

/**
 * Up to `limit` orders after `after` across both collections: each is asked for `limit` rows past the
 * key (one query each, at once), the two merged in the shared order; more remain if either had more or
 * the merge holds more than the page.
 */
async function ordersAfter(store: Store, f: OrderFilter, limit: number, after?: PageKey): Promise<{ rows: Keyed[]; next?: PageKey }> {
  const { mine, shelf } = sourcesOf(f)
  const [m, s] = await Promise.all([
    mine ? findPage<OrderDoc>(store, Collections.orders, mine, MINE_ORDER, { limit, after }) : { docs: [] as OrderDoc[] },
    shelf ? findPage<ShelfOrderDoc>(store, Collections.shelfOrders, shelf, SHELF_ORDER, { limit, after }) : { docs: [] as ShelfOrderDoc[] },
  ])
  const merged = [
    ...m.docs.map((o): Keyed => ({ key: { at: o.createdAt, id: o._id }, row: mpRow(o), order: o, buyerOpenid: o.mpOpenid })),
    ...s.docs.map((o): Keyed => ({ key: { at: o.recordedAt, id: o._id }, row: shelfRow(o), buyerOpenid: o.order.open_id })),
  ].sort(newestFirst)
  const rows = merged.slice(0, limit)
  const more = merged.length > limit || ('next' in m && !!m.next) || ('next' in s && !!s.next)
  return { rows, ...(more && rows.length ? { next: rows[rows.length - 1]!.key } : {}) }
}

/** The largest slice one walk step reads (a query answers at most 1000 rows, one beyond the slice included). */
const WALK_STEP = 999

/** The first `n` orders after `after`, read a slice at a time (an old `offset`, or a search's window). */
export async function walkOrders(store: Store, f: OrderFilter, n: number, after?: PageKey): Promise<{ rows: Keyed[]; next?: PageKey }> {
  const rows: Keyed[] = []
  let at = after
  while (rows.length < n) {
    const slice = await ordersAfter(store, f, Math.min(WALK_STEP, n - rows.length), at)
    rows.push(...slice.rows)
    at = slice.next
    if (!at) break
  }
  return { rows, ...(at ? { next: at } : {}) }
}

/**
 * One page of the orders of one channel or all, newest first: after the cursor's key, or (the offset the
 * list documented before cursors) after walking `skip` rows; `total` counts every match.
 */
export async function listOrders(store: Store, f: OrderFilter, page: PageRequest) {
  const { mine, shelf } = sourcesOf(f)
  const start = !page.after && page.skip ? (await walkOrders(store, f, page.skip)).next : page.after
  const skippedAll = !page.after && !!page.skip && !start
  const [got, mineTotal, shelfTotal] = await Promise.all([
    skippedAll ? { rows: [] } : ordersAfter(store, f, page.limit, start),
    mine ? store.count(Collections.orders, mine) : 0,
    shelf ? store.count(Collections.shelfOrders, shelf) : 0,
  ])
  return {
    orders: await describeRows(store, got.rows),
    total: mineTotal + shelfTotal,
    ...('next' in got && got.next ? { next: got.next } : {}),
  }
}

/**
 * Refunds an order of any channel, or a member recharge; safe to call again after a lost reply, and the
 * way to retry a refund WeChat Pay failed (same refund number). Cloud Pay refunds answer REFUNDING until
 * WeChat Pay reports SUCCESS (money/refund-states.ts).
 */
export async function refundOrder(
  store: Store,
  wx: WechatClient,
  pay: (callbackFunction: string) => PaymentGateway,
  orderId: string,
  reason: string,
  sync: SyncOptions = {},
) {
  if (RECHARGE_ID.test(orderId))
    return { ...(await refundRecharge(store, wx, pay('member'), orderId, reason, sync)), channel: 'recharge' as const }
  const mine = await store.get<OrderDoc>(Collections.orders, orderId)
  if (mine?.kind === 'mp') return { ...(await refundMpOrder(store, wx, pay('pay'), orderId, reason)), channel: 'mp' as const }
  // A 买单 order: its gift-card leg credited back, its coupon usable again and its WeChat Pay leg refunded (#28).
  if (mine) return { ...(await refundCheckoutOrder(store, wx, pay('pay'), orderId, reason, sync)), channel: 'checkout' as const }
  await refundShelfOrder(store, wx, orderId, reason)
  return { orderId, status: 'REFUNDED' as const, channel: 'shelf' as const }
}
