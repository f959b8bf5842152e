// The merchant's view of every sale, across channels: Mini Program purchases (`mp`), shop checkouts
// paid partly by WeChat Pay (`checkout`) and hosted-shelf orders (`shelf`), newest first; and one
// refund action for any of them.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { refundShelfOrder } from './operations'
import { type ShelfOrderDoc } from '../cards/order-types'
import type { PaymentGateway } from '../../platform/payment-gateway'
import type { OrderDoc } from '../cards/order-types'
import { refundMpOrder } from '../money/refunds'

import type { Channel, OrderRow } from '../../../contract/merchant-orders'
export type { Channel, OrderRow }

function mpRow(o: OrderDoc): OrderRow {
  return {
    orderId: o._id, channel: o.kind, state: o.status, totalPrice: o.totalFee, buyer: o.mpOpenid,
    cards: o.kind === 'mp' ? Array.from({ length: o.quantity }, () => ({ cardId: o.cardId, price: o.unitPrice ?? 0 })) : [],
    ...(o.refundFee !== undefined ? { refundFee: o.refundFee } : {}), at: o.paidAt ?? o.createdAt,
  }
}

function shelfRow(o: ShelfOrderDoc): OrderRow {
  return { orderId: o._id, channel: 'shelf', state: o.state, totalPrice: o.order.total_price, buyer: o.order.open_id, cards: o.order.card_list.map((c) => ({ cardId: c.card_id, code: c.code, price: c.price })), at: o.recordedAt }
}

/** Orders of one channel or all, newest first; unpaid Mini Program orders are not sales and are left out. */
export async function listOrders(store: Store, opts: { channel?: Channel; offset: number; limit: number }) {
  const want = (c: Channel) => !opts.channel || opts.channel === c
  const take = opts.offset + opts.limit
  const paid = { status: where.in(['PAID', 'ISSUED', 'REFUNDED', 'REFUND_NEEDED']) }
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

/** Refunds an order of any channel; safe to call again after a lost reply. */
export async function refundOrder(store: Store, wx: WechatClient, pay: () => PaymentGateway, orderId: string, reason: string) {
  const mine = await store.get<OrderDoc>(Collections.orders, orderId)
  if (mine?.kind === 'mp') return { ...(await refundMpOrder(store, wx, pay(), orderId, reason)), channel: 'mp' as const }
  if (mine) throw new AppError(ErrCode.CONFLICT, `order ${orderId} is a checkout payment: it is refunded automatically if its checkout was cancelled`)
  return { ...(await refundShelfOrder(store, wx, orderId, reason)), channel: 'shelf' as const }
}
