// Gift cards bought in the Mini Program with Cloud Pay. createOrder makes the order and the payment;
// the payment callback marks it PAID exactly once and issues entitlements (one per card) that
// signCardExt turns into cardExt for wx.addCard.
import { randomBytes } from 'node:crypto'
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import { DuplicateIdError, type Store, type StoredDoc } from '../store/port'
import { giftCardDef } from './gift-cards'

export type OrderStatus = 'CREATED' | 'PAID' | 'ISSUED' | 'REFUNDED' | 'CANCELLED' | 'REFUND_NEEDED'

export interface OrderDoc extends StoredDoc {
  /** mp: gift cards bought in the Mini Program; checkout: the Cloud Pay leg of a shop checkout */
  kind: 'mp' | 'checkout'
  mpOpenid: string
  cardId: string
  quantity: number
  /** fen */
  totalFee: number
  status: OrderStatus
  backgroundPicUrl?: string
  message?: string
  transactionId?: string
  createdAt: number
  paidAt?: number
  /** checkout: the gift-card leg spent for it (reversed if this payment does not complete) */
  cardLeg?: { cardId: string; code: string; amount: number; orderId: string }
  /** checkout: unpaid after this (ms), the cron cancels it and reverses the gift-card leg */
  expiresAt?: number
}

export interface EntitlementDoc extends StoredDoc {
  orderId: string
  mpOpenid: string
  cardId: string
  status: 'READY' | 'ADDED'
  code?: string
}

export interface OrderView {
  orderId: string
  status: OrderStatus
  totalFee: number
  cards: { cardId: string; code?: string; added: boolean }[]
}

export const MAX_QUANTITY = 10

export interface PaymentGateway {
  unifiedOrder(req: { body: string; outTradeNo: string; totalFee: number }): Promise<Record<string, unknown>>
}

export async function createOrder(store: Store, pay: PaymentGateway, mpOpenid: string, input: { cardId: string; quantity: number; backgroundPicUrl?: string; message?: string }) {
  const def = await giftCardDef(store, input.cardId)
  if (!def.onSale) throw new AppError(ErrCode.CONFLICT, `gift card ${input.cardId} is not on sale`)
  if (input.backgroundPicUrl && def.faces.length && !def.faces.includes(input.backgroundPicUrl)) {
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'backgroundPicUrl must be one of the card’s faces')
  }
  // Cloud Pay's outTradeNo: at most 32 characters.
  const orderId = `GC${Date.now().toString(36)}${randomBytes(6).toString('hex')}`.toUpperCase()
  const order: OrderDoc = {
    _id: orderId, kind: 'mp', mpOpenid, cardId: def.cardId, quantity: input.quantity, totalFee: def.price * input.quantity, status: 'CREATED', createdAt: Date.now(),
    ...(input.backgroundPicUrl ? { backgroundPicUrl: input.backgroundPicUrl } : {}), ...(input.message ? { message: input.message } : {}),
  }
  await store.insert(Collections.orders, order)
  const res = await pay.unifiedOrder({ body: `${def.title} x${input.quantity}`.slice(0, 120), outTradeNo: orderId, totalFee: order.totalFee })
  if (res.returnCode !== 'SUCCESS' || res.resultCode !== 'SUCCESS' || !res.payment) {
    throw new AppError(ErrCode.UPSTREAM, `Cloud Pay refused the order: ${String(res.errCodeDes ?? res.returnMsg ?? res.errCode ?? 'unknown')}`)
  }
  return { orderId, payment: res.payment as Record<string, unknown> }
}

export interface PaymentNotice {
  returnCode?: string
  resultCode?: string
  outTradeNo?: string
  transactionId?: string
  totalFee?: number
}

export function isPaymentNotice(e: unknown): e is PaymentNotice {
  return typeof e === 'object' && e !== null && 'outTradeNo' in e && 'returnCode' in e && !('action' in e)
}

/** The Cloud Pay callback: PAID exactly once, then entitlements issued (both steps idempotent). */
export async function onPaymentNotice(store: Store, n: PaymentNotice): Promise<{ errcode: 0; errmsg: string }> {
  if (n.returnCode !== 'SUCCESS' || n.resultCode !== 'SUCCESS') return { errcode: 0, errmsg: 'not a successful payment; nothing to do' }
  const order = n.outTradeNo ? await store.get<OrderDoc>(Collections.orders, n.outTradeNo) : null
  if (!order) throw new AppError(ErrCode.NOT_FOUND, `payment for unknown order ${String(n.outTradeNo)}`)
  if (n.totalFee !== order.totalFee) throw new AppError(ErrCode.CONFLICT, `payment of ${n.totalFee} fen does not match order total ${order.totalFee}`)
  const paid = { transactionId: n.transactionId ?? '', paidAt: Date.now() }
  // Decide on the outcome of the atomic transition, not on the status read above: a checkout may be
  // cancelled (its gift-card leg reversed) between that read and this update.
  if (!(await store.updateIf(Collections.orders, order._id, { status: 'CREATED' }, { status: 'PAID', ...paid }))) {
    if (await store.updateIf(Collections.orders, order._id, { status: 'CANCELLED' }, { status: 'REFUND_NEEDED', ...paid })) {
      // Paid after the checkout was cancelled and its gift-card leg reversed: the money must go back.
      console.error(JSON.stringify({ level: 'error', msg: 'payment arrived for a cancelled checkout; refund it', order: order._id, transactionId: n.transactionId }))
      return { errcode: 0, errmsg: 'OK' }
    }
  }
  const now = await store.get<OrderDoc>(Collections.orders, order._id)
  if (now?.status === 'PAID' && order.kind === 'mp') {
    for (let i = 0; i < order.quantity; i++) {
      try {
        await store.insert<EntitlementDoc>(Collections.entitlements, { _id: `${order._id}:${i}`, orderId: order._id, mpOpenid: order.mpOpenid, cardId: order.cardId, status: 'READY' })
      } catch (err) {
        if (!(err instanceof DuplicateIdError)) throw err
      }
    }
    await store.updateIf(Collections.orders, order._id, { status: 'PAID' }, { status: 'ISSUED' })
  }
  return { errcode: 0, errmsg: 'OK' }
}

export async function orderOf(store: Store, mpOpenid: string, orderId: string): Promise<OrderView> {
  const doc = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (doc.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `order ${orderId} is not yours`)
  const ents = await store.find<EntitlementDoc>(Collections.entitlements, { orderId }, { limit: MAX_QUANTITY })
  return { orderId: doc._id, status: doc.status, totalFee: doc.totalFee, cards: ents.map((e) => ({ cardId: e.cardId, added: e.status === 'ADDED', ...(e.code ? { code: e.code } : {}) })) }
}
