// The merchant's view of every sale, across channels: Mini Program purchases (`mp`), shop checkouts
// paid partly by WeChat Pay (`checkout`) and hosted-shelf orders (`shelf`), newest first; and one
// refund action for any of them and for member recharges (`MR…`).
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { refundShelfOrder } from './operations'
import { PAID_STATUSES, type ShelfOrderDoc } from '../cards/order-types'
import type { PaymentGateway } from '../../platform/payment-gateway'
import type { OrderDoc } from '../cards/order-types'
import { refundMpOrder, refundThrough } from '../money/refunds'
import { refundRecharge } from '../money/recharge-refunds'
import { RECHARGE_ID } from '../money/member-recharge'
import type { RefundFields } from '../money/refund-states'
import type { SyncOptions } from '../../platform/settings'

import type { Channel, OrderRow } from '../../../contract/merchant-orders'
export type { Channel, OrderRow }

function mpRow(o: OrderDoc & RefundFields): OrderRow {
  const refundStatus = o.status === 'REFUNDING' || o.status === 'REFUNDED' || o.status === 'REFUND_FAILED' ? o.status : undefined
  return {
    orderId: o._id, channel: o.kind, state: o.status, totalPrice: o.totalFee, buyer: o.mpOpenid,
    cards: o.kind === 'mp' ? Array.from({ length: o.quantity }, () => ({ cardId: o.cardId, price: o.unitPrice ?? 0 })) : [],
    ...(o.refundFee !== undefined ? { refundFee: o.refundFee } : {}),
    ...(refundStatus ? { refundStatus } : {}), ...(o.refundError ? { refundError: o.refundError.code } : {}),
    at: o.paidAt ?? o.createdAt,
  }
}

function shelfRow(o: ShelfOrderDoc): OrderRow {
  // A hosted-shelf refund is WeChat's own (card/giftcard/order/refund): done when it answers.
  return {
    orderId: o._id, channel: 'shelf', state: o.state, totalPrice: o.order.total_price, buyer: o.order.open_id, cards: o.order.card_list.map((c) => ({ cardId: c.card_id, code: c.code, price: c.price })),
    ...(o.state === 'REFUNDED' ? { refundStatus: 'REFUNDED' as const } : {}), at: o.recordedAt,
  }
}

/** Orders of one channel or all, newest first; unpaid Mini Program orders are not sales and are left out. */
export async function listOrders(store: Store, opts: { channel?: Channel; offset: number; limit: number }) {
  const want = (c: Channel) => !opts.channel || opts.channel === c
  const take = opts.offset + opts.limit
  const paid = { status: where.in(PAID_STATUSES) }
  const kinds = (['mp', 'checkout'] as const).filter(want)
  const [mine, shelf, mineTotal, shelfTotal] = await Promise.all([
    kinds.length ? store.find<OrderDoc>(Collections.orders, { ...paid, kind: where.in([...kinds]) }, { orderBy: { field: 'createdAt', direction: 'desc' }, limit: Math.min(take, 1000) }) : [],
    want('shelf') ? store.find<ShelfOrderDoc>(Collections.shelfOrders, {}, { orderBy: { field: 'recordedAt', direction: 'desc' }, limit: Math.min(take, 1000) }) : [],
    kinds.length ? store.count(Collections.orders, { ...paid, kind: where.in([...kinds]) }) : 0,
    want('shelf') ? store.count(Collections.shelfOrders, {}) : 0,
  ])
  const rows = [...mine.map(mpRow), ...shelf.map(shelfRow)].sort((a, b) => b.at - a.at)
  return { orders: rows.slice(opts.offset, take), total: mineTotal + shelfTotal }
}

/**
 * Refunds an order of any channel, or a member recharge; safe to call again after a lost reply, and the
 * way to retry a refund WeChat Pay failed (same refund number). Cloud Pay refunds answer REFUNDING until
 * WeChat Pay reports SUCCESS (money/refund-states.ts).
 */
export async function refundOrder(store: Store, wx: WechatClient, pay: (callbackFunction: string) => PaymentGateway, orderId: string, reason: string, sync: SyncOptions = {}) {
  if (RECHARGE_ID.test(orderId)) return { ...(await refundRecharge(store, wx, pay('member'), orderId, reason, sync)), channel: 'recharge' as const }
  const mine = await store.get<OrderDoc>(Collections.orders, orderId)
  if (mine?.kind === 'mp') return { ...(await refundMpOrder(store, wx, pay('pay'), orderId, reason)), channel: 'mp' as const }
  // A checkout payment is refunded by the cron when its checkout was cancelled; here only retried once WeChat Pay failed it.
  if (mine && (mine.status === 'REFUNDING' || mine.status === 'REFUND_FAILED')) return { ...(await refundThrough(store, pay('pay'), Collections.orders, mine)), channel: 'checkout' as const }
  if (mine) throw new AppError(ErrCode.CONFLICT, `order ${orderId} is a checkout payment: it is refunded automatically if its checkout was cancelled`)
  await refundShelfOrder(store, wx, orderId, reason)
  return { orderId, status: 'REFUNDED' as const, channel: 'shelf' as const }
}
