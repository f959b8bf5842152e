// Gift cards bought in the Mini Program with Cloud Pay, as a state machine per order:
//
//   mp:       CREATED ──paid──▶ PAID ──entitlements issued──▶ ISSUED ──merchant refund──▶ REFUNDED
//   checkout: CREATED ──paid──▶ PAID
//             CREATED ──cancel/expiry──▶ CANCELLED ──paid late──▶ REFUND_NEEDED ──cron refund──▶ REFUNDED
//
// Every transition is a compare-and-set on the state it leaves, so the client call, the payment
// callback and the cron can race and exactly one of them moves the order. An mp order's id is derived
// from (buyer, requestId): a double tap, a retry or a reload with the same requestId is the same order
// with the same payment, never a second charge.
import { createHash } from 'node:crypto'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, type Store } from '../../store/port'
import { keepPayment } from '../cards/prepaid'
import { assertSaleable, cardAsSold, giftCardDef } from '../catalog/gift-cards'
import { cloudPayRefusal, type PaymentGateway, type PaymentNotice } from '../../platform/payment-gateway'
import type { EntitlementDoc, OrderDoc } from '../cards/order-types'
import { log } from '../../log'
import type { WechatClient } from '../../wechat/client'
import { consumeCoupon } from '../coupons/coupon-checkout'
import { earnForCheckout } from '../members/members'
import { releaseCheckoutHold, userCardId } from '../cards/user-cards'
import { clock } from '../../clock'

export type { EntitlementDoc, OrderDoc, OrderStatus } from '../cards/order-types'

export interface OrderView {
  orderId: string
  status: OrderDoc['status']
  /** fen to pay through Cloud Pay: after a coupon's discount (and a gift card's part) */
  totalFee: number
  /** #14: fen a coupon took off (0 without one) */
  discount: number
  cards: { cardId: string; code?: string; added: boolean }[]
}

/** The order id for one purchase: a hash of buyer and requestId, at most 32 characters (Cloud Pay's outTradeNo). */
export function orderIdFor(mpOpenid: string, requestId: string): string {
  return `GC${createHash('sha256').update(`${mpOpenid}\n${requestId}`).digest('hex').slice(0, 30).toUpperCase()}`
}

export interface CreateOrderInput {
  requestId: string
  cardId: string
  quantity: number
  backgroundPicUrl?: string
  message?: string
  /** the buyer's unionid, from the cloud context (never from the client) */
  unionid?: string
}

export async function createOrder(store: Store, pay: PaymentGateway, mpOpenid: string, input: CreateOrderInput, nowMs = clock.now()) {
  const orderId = orderIdFor(mpOpenid, input.requestId)
  let order = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!order) {
    const def = await giftCardDef(store, input.cardId)
    await assertSaleable(store, def, nowMs)
    if (input.backgroundPicUrl && def.faces.length && !def.faces.includes(input.backgroundPicUrl)) {
      throw new AppError(ErrCode.INVALID_ARGUMENT, 'backgroundPicUrl must be one of the card’s faces')
    }
    const fresh: OrderDoc = {
      _id: orderId,
      kind: 'mp',
      mpOpenid,
      requestId: input.requestId,
      cardId: def.cardId,
      title: def.title,
      unitPrice: def.price,
      unitValue: def.initBalance,
      quantity: input.quantity,
      totalFee: def.price * input.quantity,
      status: 'CREATED',
      createdAt: nowMs,
      ...(input.backgroundPicUrl ? { backgroundPicUrl: input.backgroundPicUrl } : {}),
      ...(input.message ? { message: input.message } : {}),
      issue: cardAsSold(def, input),
      ...(input.unionid ? { unionid: input.unionid } : {}),
    }
    try {
      await store.insert(Collections.orders, fresh)
      order = fresh
    } catch (err) {
      // The other tap of a double tap got there first: its order is this one.
      if (!(err instanceof DuplicateIdError)) throw err
      order = (await store.get<OrderDoc>(Collections.orders, orderId))!
    }
  }
  if (order.cardId !== input.cardId || order.quantity !== input.quantity) {
    throw new AppError(ErrCode.CONFLICT, `requestId ${input.requestId} was already used for another purchase`)
  }
  if (order.status !== 'CREATED') return { orderId, status: order.status }
  // Cloud Pay answers a repeated outTradeNo with the same prepay, so a retry after a lost reply is safe.
  const payment = order.payment ?? (await prepay(store, pay, order))
  return { orderId, status: order.status, payment }
}

async function prepay(store: Store, pay: PaymentGateway, order: OrderDoc): Promise<Record<string, unknown>> {
  const res = await pay.unifiedOrder({
    body: `${order.title ?? '礼品卡'} x${order.quantity}`.slice(0, 120),
    outTradeNo: order._id,
    totalFee: order.totalFee,
  })
  const refused = cloudPayRefusal(res, true)
  if (refused) throw new AppError(ErrCode.UPSTREAM, `Cloud Pay refused the order: ${refused}`)
  const payment = res.payment as Record<string, unknown>
  return keepPayment(store, Collections.orders, order._id, payment)
}

/** Entitlement ids are `<orderId>:<n>`; the cardExt carries one as outer_str, and user_get_card brings it back as OuterStr. */
export const entitlementId = (orderId: string, n: number) => `${orderId}:${n}`
export const ENTITLEMENT_ID = /^GC[0-9A-F]{30}:\d{1,2}$/

/** The Cloud Pay callback: PAID exactly once, then entitlements issued (both steps idempotent). */
export async function onPaymentNotice(store: Store, n: PaymentNotice, wx?: WechatClient): Promise<{ errcode: 0; errmsg: string }> {
  if (n.returnCode !== 'SUCCESS' || n.resultCode !== 'SUCCESS') return { errcode: 0, errmsg: 'not a successful payment; nothing to do' }
  const order = n.outTradeNo ? await store.get<OrderDoc>(Collections.orders, n.outTradeNo) : null
  if (!order) throw new AppError(ErrCode.NOT_FOUND, `payment for unknown order ${String(n.outTradeNo)}`)
  if (n.totalFee !== order.totalFee)
    throw new AppError(ErrCode.CONFLICT, `payment of ${n.totalFee} fen does not match order total ${order.totalFee}`)
  const paid = { transactionId: n.transactionId ?? '', paidAt: clock.now() }
  // Decide on the outcome of the atomic transition, not on the status read above: a checkout may be
  // cancelled (its gift-card leg credited back) between that read and this update.
  if (!(await store.updateIf(Collections.orders, order._id, { status: 'CREATED' }, { status: 'PAID', ...paid }))) {
    if (await store.updateIf(Collections.orders, order._id, { status: 'CANCELLED' }, { status: 'REFUND_NEEDED', ...paid })) {
      // Paid after the checkout was cancelled and its gift-card leg credited back: the cron refunds it.
      log('warn', { msg: 'payment arrived for a cancelled checkout; the cron refunds it', order: order._id })
      return { errcode: 0, errmsg: 'OK' }
    }
  }
  const now = await store.get<OrderDoc>(Collections.orders, order._id)
  if (now?.status === 'PAID') await settlePaid(store, now, wx)
  return { errcode: 0, errmsg: 'OK' }
}

/**
 * What follows an order becoming PAID: by its payment notice, or (a checkout whose coupon and card cover
 * everything, checkout.ts) at once. Every step is idempotent, so a repeat or a retry after a crash is safe.
 */
export async function settlePaid(store: Store, order: OrderDoc, wx?: WechatClient): Promise<void> {
  if (order.kind === 'mp') await issueEntitlements(store, order)
  // A checkout's coupon is consumed now that the payment succeeded (the cron finishes it if this fails).
  if (order.coupon && wx) await consumeCoupon(store, wx, order)
  // A checkout paid with a member card's stored value earns points on its whole total (members.ts).
  if (order.kind === 'checkout') await earnForCheckout(store, order)
  // Its gift-card leg is final now: no longer shown as held (user-cards.ts checkoutHolds).
  if (order.cardLeg) await releaseCheckoutHold(store, userCardId(order.cardLeg.cardId, order.cardLeg.code), order.cardLeg.orderId)
}

async function issueEntitlements(store: Store, order: OrderDoc): Promise<void> {
  await Promise.all(
    Array.from({ length: order.quantity }, async (_, i) => {
      try {
        await store.insert<EntitlementDoc>(Collections.entitlements, {
          _id: entitlementId(order._id, i),
          orderId: order._id,
          mpOpenid: order.mpOpenid,
          cardId: order.cardId,
          status: 'READY',
          value: order.unitValue ?? order.totalFee / order.quantity,
          createdAt: clock.now(),
          // What funding needs, so that the user_get_card push reads nothing else (entitlements.ts).
          giftId: '',
          ...(order.issue ? { issue: order.issue } : {}),
          ...(order.unionid ? { unionid: order.unionid } : {}),
        })
      } catch (err) {
        if (!(err instanceof DuplicateIdError)) throw err
      }
    }),
  )
  await store.updateIf(Collections.orders, order._id, { status: 'PAID' }, { status: 'ISSUED' })
}

export async function entitlementsOf(store: Store, orderId: string, quantity: number): Promise<EntitlementDoc[]> {
  const docs = await Promise.all(
    Array.from({ length: quantity }, (_, i) => store.get<EntitlementDoc>(Collections.entitlements, entitlementId(orderId, i))),
  )
  return docs.filter((d): d is EntitlementDoc => !!d)
}

export async function orderOf(store: Store, mpOpenid: string, orderId: string): Promise<OrderView> {
  const doc = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (doc.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `order ${orderId} is not yours`)
  const ents = doc.kind === 'mp' ? await entitlementsOf(store, orderId, doc.quantity) : []
  return {
    orderId: doc._id,
    status: doc.status,
    totalFee: doc.totalFee,
    discount: doc.coupon?.discount ?? 0,
    cards: ents.map((e) => ({ cardId: e.cardId, added: e.status === 'ADDED', ...(e.code ? { code: e.code } : {}) })),
  }
}
