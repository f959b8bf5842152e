// Paying a shop order with a gift card whose balance is short: the card pays what it holds and Cloud
// Pay the rest. A coupon comes off first (issue 28): when the card then covers the rest, there is no
// Cloud Pay leg and the checkout is paid at once (coupon consumed, card debited, no WeChat Pay order).
// Both legs succeed, or the gift-card leg is reversed — by the server, not the client: the checkout is
// recorded (with an expiry) before the card is debited, so a cancelled payment, a closed Mini Program or
// a crash all end with the card credited back (cancelCheckout, or the cron once the checkout expires).
// A payment that still arrives afterwards is flagged REFUND_NEEDED.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store } from '../../store/port'
import { keepPayment } from '../cards/prepaid'
import type { WechatClient } from '../../wechat/client'
import type { SyncOptions } from '../../platform/settings'
import { cloudPayRefusal, type PaymentGateway } from '../../platform/payment-gateway'
import { settlePaid, type OrderDoc } from '../giftcards/orders'
import { checkoutLegs } from '../../../contract/money'
import { creditBackLeg, spend } from './spending'
import { cardOf, markCheckoutHold, releaseCheckoutHold, userCardId } from '../cards/user-cards'
import { hintOf } from '../cards/spend-hint'
import { holdCoupon, markForOnlineUse, quoteCoupon, releaseCoupon, type CouponUse } from '../coupons/coupon-checkout'
import { clock } from '../../clock'

/**
 * How long a checkout waits for its Cloud Pay leg (CHECKOUT_EXPIRY_S, default 15 minutes). The WeChat Pay
 * order carries the same end as its time_expire, so it cannot be paid after the gift-card leg is credited
 * back; a payment that raced the expiry still arrives as REFUND_NEEDED and is refunded.
 */
export function checkoutExpiryMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.CHECKOUT_EXPIRY_S)
  return (Number.isInteger(s) && s > 0 ? s : 15 * 60) * 1000
}

const orderIdOf = (checkoutId: string) =>
  `CO${checkoutId}`
    .toUpperCase()
    .replace(/[^A-Z0-9_-]/g, '')
    .slice(0, 32)

export interface CheckoutInput {
  checkoutId: string
  /** the gift card paying part of it (optional when a coupon is given) */
  cardId?: string
  code?: string
  /** #14: a coupon of the caller's taking money off the total (coupon-checkout.ts) */
  coupon?: CouponUse
  /** the shop order's total, fen */
  total: number
  description?: string
}

export async function startCheckout(
  store: Store,
  wx: WechatClient,
  pay: PaymentGateway,
  mpOpenid: string,
  input: CheckoutInput,
  sync: SyncOptions = {},
) {
  const card = input.cardId && input.code ? await cardOf(store, mpOpenid, input.cardId, input.code) : undefined
  if (!card && !input.coupon) throw new AppError(ErrCode.INVALID_ARGUMENT, 'cardId and code, or coupon, are required')
  const orderId = orderIdOf(input.checkoutId)
  const legOrderId = `${input.checkoutId}-gc`
  const existing = await store.get<OrderDoc>(Collections.orders, orderId)
  let leg = existing?.cardLeg
  if (existing) {
    if (existing.mpOpenid !== mpOpenid || existing.kind !== 'checkout')
      throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} belongs to another order`)
    // The same checkoutId with another card is another request under a used id (as a reused orderId is).
    if (card && existing.cardLeg && userCardId(existing.cardLeg.cardId, existing.cardLeg.code) !== card._id)
      throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} was started with another card`)
    // Paid at once by coupon and card (no WeChat Pay leg): a retry or the other tap answers the same.
    if (existing.status === 'PAID' && existing.totalFee === 0) return paidAtOnce(store, wx, existing, card?.balance)
    if (existing.status !== 'CREATED') throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} is ${existing.status}`)
  } else {
    const discount = input.coupon ? (await quoteCoupon(store, mpOpenid, input.coupon, input.total)).discount : 0
    const legs = checkoutLegs(input.total, discount, card?.balance ?? 0)
    // A card alone that covers the whole total is a plain card.spend; with a coupon it pays the rest here.
    if (card && !input.coupon && legs.wechat === 0)
      throw new AppError(ErrCode.INVALID_ARGUMENT, 'the card covers the whole total: use card.spend')
    leg = card ? { cardId: card.cardId, code: card.code, amount: legs.card, orderId: legOrderId } : undefined
    try {
      await store.insert<OrderDoc>(Collections.orders, {
        _id: orderId,
        kind: 'checkout',
        mpOpenid,
        cardId: card?.cardId ?? input.coupon!.cardId,
        quantity: 1,
        totalFee: legs.wechat,
        status: 'CREATED',
        createdAt: clock.now(),
        expiresAt: clock.now() + checkoutExpiryMs(),
        ...(leg ? { cardLeg: leg } : {}),
        ...(input.coupon ? { coupon: { cardId: input.coupon.cardId, code: input.coupon.code, discount }, total: input.total } : {}),
      })
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      return startCheckout(store, wx, pay, mpOpenid, input, sync)
    }
  }
  const held = (await store.get<OrderDoc>(Collections.orders, orderId))!
  if (held.coupon) {
    // The coupon is held for this order before any money moves; held elsewhere or used, the checkout ends here.
    try {
      await holdCoupon(store, mpOpenid, held.coupon, orderId, held.coupon.discount)
      await markForOnlineUse(store, wx, held.coupon, orderId)
    } catch (err) {
      await cancelCheckout(store, wx, mpOpenid, input.checkoutId, sync).catch(() => undefined)
      throw err
    }
  }
  const spent =
    leg && leg.amount > 0
      ? await spend(
          store,
          wx,
          mpOpenid,
          {
            cardId: leg.cardId,
            code: leg.code,
            amount: leg.amount,
            orderId: leg.orderId,
            // The leg's orderId was made with the checkout: its time, the same on every retry of it.
            orderedAt: held.createdAt,
            description: input.description,
            points: false,
            // The card as read above — the leg's card: a retry naming another is refused above — so the leg's
            // debit needs no read of its own (spend-hint.ts).
            told: card ? hintOf(card) : undefined,
          },
          sync,
        )
      : { balance: card?.balance }
  // The leg's money is held, not spent, until the checkout ends (shown as 冻结 in My cards). Marked after the
  // debit and before the status is read again, so a cancel that raced it is seen below and the mark undone.
  if (leg && leg.amount > 0)
    await markCheckoutHold(store, userCardId(leg.cardId, leg.code), {
      amount: leg.amount,
      until: held.expiresAt ?? 0,
      orderId: leg.orderId,
    })
  const order = (await store.get<OrderDoc>(Collections.orders, orderId))!
  if (order.status === 'PAID') {
    // The other tap of a double tap finished it meanwhile (paid at once by coupon and card, or its WeChat
    // Pay leg already paid): the leg stands — never credit back a paid checkout's leg.
    if (order.totalFee === 0) return paidAtOnce(store, wx, order, spent.balance)
    throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} is PAID`)
  }
  if (order.status !== 'CREATED') {
    // Cancelled (or expired) while the leg was being debited: its reversal may have run before the
    // debit existed, so credit it back here (once: the reversal has its own key).
    await reverseLeg(store, wx, order, sync)
    await releaseCoupon(store, order)
    throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} is ${order.status}`)
  }
  if (order.totalFee === 0) {
    // Coupon and card cover it all: nothing for WeChat Pay, so no WeChat Pay order. Paid now, by the same
    // compare-and-set a payment notice makes (a cancel or the expiry cron racing it leaves it CANCELLED,
    // and then the leg is credited back as above), then settled as a paid order is.
    if (!(await store.updateIf(Collections.orders, orderId, { status: 'CREATED' }, { status: 'PAID', paidAt: clock.now() }))) {
      const now = (await store.get<OrderDoc>(Collections.orders, orderId))!
      if (now.status !== 'PAID') {
        await reverseLeg(store, wx, now, sync)
        await releaseCoupon(store, now)
        throw new AppError(ErrCode.CONFLICT, `checkout ${input.checkoutId} is ${now.status}`)
      }
    }
    return paidAtOnce(store, wx, (await store.get<OrderDoc>(Collections.orders, orderId))!, spent.balance)
  }
  const res = await pay.unifiedOrder({
    body: `checkout ${input.checkoutId}`.slice(0, 120),
    outTradeNo: orderId,
    totalFee: order.totalFee,
    timeExpire: order.expiresAt,
  })
  const refused = cloudPayRefusal(res, true)
  if (refused) {
    await cancelCheckout(store, wx, mpOpenid, input.checkoutId, sync)
    throw new AppError(ErrCode.UPSTREAM, `Cloud Pay refused the payment: ${refused}; the gift card was credited back`)
  }
  // Kept so that a page reloaded during the WeChat Pay sheet can present the same payment again (checkoutStatus).
  const payment = await keepPayment(store, Collections.orders, orderId, res.payment as Record<string, unknown>)
  return {
    orderId,
    payment,
    ...(spent.balance === undefined ? {} : { balance: spent.balance }),
    rest: order.totalFee,
    discount: order.coupon?.discount ?? 0,
  }
}

/**
 * A checkout paid without WeChat Pay: settled as a paid order is (again, for a retry or the other tap: each
 * step is idempotent, so one that crashed after PAID is finished here), answered without `payment`, `rest` 0.
 */
async function paidAtOnce(store: Store, wx: WechatClient, order: OrderDoc, balance: number | undefined) {
  await settlePaid(store, order, wx)
  return { orderId: order._id, rest: 0, discount: order.coupon?.discount ?? 0, ...(balance === undefined ? {} : { balance }) }
}

export type CheckoutStatus = 'CREATED' | 'PAID' | 'CANCELLED' | 'REFUND_NEEDED'

/**
 * pay.checkoutStatus: where a checkout stands, for a page reloaded during the WeChat Pay sheet. While it can
 * still be paid (CREATED, before its expiry) it answers the payment to present again; `held` is the gift-card
 * leg's fen still held for it (0 once the checkout ended).
 */
export async function checkoutStatus(store: Store, mpOpenid: string, checkoutId: string, nowMs = clock.now()) {
  const order = await store.get<OrderDoc>(Collections.orders, orderIdOf(checkoutId))
  if (!order || order.kind !== 'checkout') throw new AppError(ErrCode.NOT_FOUND, `no checkout ${checkoutId}`)
  if (order.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `checkout ${checkoutId} is not yours`)
  const status = order.status as CheckoutStatus
  const open = status === 'CREATED' && (order.expiresAt ?? 0) > nowMs
  return {
    status,
    expiresAt: order.expiresAt ?? 0,
    held: status === 'CREATED' ? (order.cardLeg?.amount ?? 0) : 0,
    // Paid: the card's share, final (a page that comes back to a paid checkout shows both shares).
    ...(status === 'PAID' && order.cardLeg ? { paidByCard: order.cardLeg.amount } : {}),
    rest: order.totalFee,
    ...(order.coupon ? { discount: order.coupon.discount } : {}),
    ...(order.total !== undefined ? { total: order.total } : {}),
    ...(open && order.payment ? { payment: order.payment } : {}),
  }
}

async function reverseLeg(store: Store, wx: WechatClient, order: OrderDoc, sync: SyncOptions): Promise<number | undefined> {
  if (!order.cardLeg) return undefined
  const card = userCardId(order.cardLeg.cardId, order.cardLeg.code)
  const balance = (await creditBackLeg(store, wx, order.cardLeg.orderId, sync, undefined, card))?.balance
  await releaseCheckoutHold(store, card, order.cardLeg.orderId)
  return balance
}

/** The customer cancelled (or WeChat Pay failed): the checkout is cancelled and the card credited back once. */
export async function cancelCheckout(store: Store, wx: WechatClient, mpOpenid: string, checkoutId: string, sync: SyncOptions = {}) {
  const orderId = orderIdOf(checkoutId)
  const order = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!order || order.kind !== 'checkout') throw new AppError(ErrCode.NOT_FOUND, `no checkout ${checkoutId}`)
  if (order.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `checkout ${checkoutId} is not yours`)
  // Reverse only if the checkout is cancelled now: the payment callback may have marked it PAID between
  // the read above and this transition, and then the gift-card leg stands.
  if (!(await store.updateIf(Collections.orders, orderId, { status: 'CREATED' }, { status: 'CANCELLED' }))) {
    const status = (await store.get<OrderDoc>(Collections.orders, orderId))?.status
    if (status !== 'CANCELLED' && status !== 'REFUND_NEEDED') throw new AppError(ErrCode.CONFLICT, `checkout ${checkoutId} is ${status}`)
  }
  const balance = await reverseLeg(store, wx, order, sync)
  await releaseCoupon(store, order)
  return { status: 'CANCELLED', ...(balance === undefined ? {} : { balance }) }
}

/** The cron: checkouts unpaid past their expiry are cancelled and their gift-card legs reversed. */
export async function expireCheckouts(store: Store, wx: WechatClient, sync: SyncOptions = {}) {
  const due = await store.find<OrderDoc>(
    Collections.orders,
    { kind: 'checkout', status: 'CREATED', expiresAt: where.lt(clock.now()) },
    { limit: 200 },
  )
  let cancelled = 0
  for (const order of due) {
    if (!(await store.updateIf(Collections.orders, order._id, { status: 'CREATED' }, { status: 'CANCELLED' }))) continue
    await reverseLeg(store, wx, order, sync)
    await releaseCoupon(store, order)
    cancelled++
  }
  return { cancelled }
}
