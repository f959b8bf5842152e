// A coupon used online at checkout (#14). The coupon is held for one checkout order before anything is
// paid, and consumed (card/code/consume, "消耗code接口是核销卡券的唯一接口") only after the payment
// succeeded; a cancelled, failed or expired checkout releases it, usable again. The hold is a document
// keyed by the coupon (its insert is the lock), moved by compare-and-set only:
//
//   HELD(order) ──payment succeeded──▶ CONSUMED          (once; WeChat's 40099 on a retry means done)
//   HELD(order) ──cancel / expiry────▶ RELEASED ──another checkout──▶ HELD(other order)
//
// A payment notice, the client's cancel and the cron may race: each acts only if its compare-and-set
// on the hold (and on the order, in checkout.ts/orders.ts) wins.
import { couponDiscount } from '../../../contract/card-rules'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, change, where, type Store, type StoredDoc } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { log } from '../../log'
import type { OrderDoc } from '../cards/order-types'
import { cardOf, effectiveStatus, userCardId, type UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'

export interface CouponHoldDoc extends StoredDoc {
  cardId: string
  code: string
  mpOpenid: string
  /** the checkout order holding it */
  orderId: string
  status: 'HELD' | 'CONSUMED' | 'RELEASED'
  discount: number
  /** a friend coupon used online: the Service Account openid it is marked for (card/code/mark) */
  markOpenid?: string
  updatedAt: number
}

export interface CouponUse {
  cardId: string
  code: string
}

/** The discount the caller's coupon gives on `total` (fen), or why it cannot be used. Reads only. */
export async function quoteCoupon(
  store: Store,
  mpOpenid: string,
  use: CouponUse,
  total: number,
): Promise<{ discount: number; card: UserCardDoc }> {
  const card = await cardOf(store, mpOpenid, use.cardId, use.code)
  if (!card.couponType) throw new AppError(ErrCode.INVALID_ARGUMENT, 'coupon.cardId is not a coupon')
  const status = effectiveStatus(card)
  if (status !== 'NORMAL') throw new AppError(ErrCode.CONFLICT, `the coupon cannot be used: it is ${status}`)
  const nowSec = Math.floor(clock.now() / 1000)
  if (card.beginTime && nowSec < card.beginTime) throw new AppError(ErrCode.CONFLICT, 'the coupon is not valid yet')
  const r = couponDiscount(card.couponType, card.terms ?? {}, total)
  if ('refused' in r) throw new AppError(ErrCode.CONFLICT, r.why === 'coversAll' ? r.refused : `the coupon does not apply: ${r.refused}`)
  return { discount: r.discount, card }
}

/** Holds the coupon for `orderId` (idempotent for the same order); CONFLICT when another checkout holds it or it is used. */
export async function holdCoupon(store: Store, mpOpenid: string, use: CouponUse, orderId: string, discount: number): Promise<void> {
  const id = userCardId(use.cardId, use.code)
  const fresh: CouponHoldDoc = {
    _id: id,
    cardId: use.cardId,
    code: use.code,
    mpOpenid,
    orderId,
    status: 'HELD',
    discount,
    updatedAt: clock.now(),
  }
  try {
    await store.insert(Collections.couponHolds, fresh)
    return
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
  }
  for (let attempt = 0; ; attempt++) {
    const cur = (await store.get<CouponHoldDoc>(Collections.couponHolds, id))!
    // The same holder again (a retry, a double tap): already held, or already used by this very holder.
    if ((cur.status === 'HELD' || cur.status === 'CONSUMED') && cur.orderId === orderId) return
    if (cur.status === 'CONSUMED') throw new AppError(ErrCode.CONFLICT, 'the coupon has been used')
    if (
      cur.status === 'RELEASED' &&
      (await store.updateIf(
        Collections.couponHolds,
        id,
        { status: 'RELEASED', orderId: cur.orderId },
        { status: 'HELD', orderId, mpOpenid, discount, updatedAt: clock.now() },
      ))
    )
      return
    // Lost the compare-and-set: read once more, the winner may be this same holder (the other tap).
    if (cur.status !== 'RELEASED' || attempt > 0) throw new AppError(ErrCode.CONFLICT, 'the coupon is being used by another checkout')
  }
}

/**
 * Friend coupons used online must be marked for the person using them before they are consumed
 * ("开发者在帮助消费者核销卡券之前,必须帮助先将此code…与一个openid绑定(即mark住),才能进一步调用核销接口"),
 * with that person's Service Account openid. The mark lapses after 5 minutes ("5分钟后自动解除"), so it
 * is taken again right before the consume. Not a friend coupon: nothing to do.
 */
export async function markForOnlineUse(store: Store, wx: WechatClient, use: CouponUse, holder: string): Promise<void> {
  const id = userCardId(use.cardId, use.code)
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card?.terms?.friend) return
  const sa =
    card.saOpenid ??
    (await store.find<{ _id: string; mpOpenid?: string }>(Collections.identities, { mpOpenid: card.mpOpenid }, { limit: 1 }))[0]?._id
  if (!sa) throw new AppError(ErrCode.CONFLICT, 'the friend coupon is not confirmed by WeChat yet; try again shortly')
  try {
    await wx.code.mark({ code: use.code, card_id: use.cardId, openid: sa, is_mark: true })
  } catch (err) {
    if (err instanceof WxApiError && err.errcode === 40146) throw new AppError(ErrCode.CONFLICT, 'a friend is using this coupon right now')
    throw err
  }
  await store.updateIf(Collections.couponHolds, id, { status: 'HELD', orderId: holder }, { markOpenid: sa })
}

/** Releases the order's hold, if it still holds the coupon. */
export async function releaseCoupon(store: Store, order: OrderDoc): Promise<void> {
  if (!order.coupon) return
  await store.updateIf(
    Collections.couponHolds,
    userCardId(order.coupon.cardId, order.coupon.code),
    { status: 'HELD', orderId: order._id },
    { status: 'RELEASED', updatedAt: clock.now() },
  )
}

/**
 * #28: the merchant refunded the paid 买单 order that used this coupon, so the coupon is usable again, once:
 * the order's hold (HELD, or CONSUMED) becomes RELEASED by compare-and-set, then the card, if this order
 * consumed it, is NORMAL again, marked restoredBy (user-cards.ts: WeChat cannot undo a consume). A retry after
 * a crash between the two finds the hold released by this order and finishes; a hold another checkout took
 * since is left alone. Answers whether the coupon is released by this order.
 */
export async function restoreCoupon(store: Store, order: OrderDoc): Promise<boolean> {
  if (!order.coupon) return false
  const id = userCardId(order.coupon.cardId, order.coupon.code)
  await store.updateIf(
    Collections.couponHolds,
    id,
    { orderId: order._id, status: where.in(['HELD', 'CONSUMED']) },
    { status: 'RELEASED', updatedAt: clock.now() },
  )
  const hold = await store.get<CouponHoldDoc>(Collections.couponHolds, id)
  if (hold?.orderId !== order._id || hold.status !== 'RELEASED') return false
  await store.updateIf(
    Collections.userCards,
    id,
    { status: 'CONSUMED' },
    { status: 'NORMAL', restoredBy: order._id, updatedAt: clock.now() },
  )
  return true
}

/**
 * The order is paid: its coupon is consumed on WeChat and marked CONSUMED, once. WeChat's 40099
 * ("Code已经被核销") on a repeat means an earlier attempt landed. A failure leaves the hold HELD for
 * the cron to finish (finishPaidCoupons).
 */
export async function consumeCoupon(store: Store, wx: WechatClient, order: OrderDoc): Promise<boolean> {
  if (!order.coupon) return false
  return consumeHeld(store, wx, order.coupon, order._id)
}

/** Consumes a coupon held by `holder` (a checkout order id, or a counter redemption's key): see consumeCoupon. */
export async function consumeHeld(store: Store, wx: WechatClient, use: CouponUse, holder: string): Promise<boolean> {
  const id = userCardId(use.cardId, use.code)
  const hold = await store.get<CouponHoldDoc>(Collections.couponHolds, id)
  if (!hold || hold.orderId !== holder) return false
  if (hold.status === 'CONSUMED') return true
  if (hold.status !== 'HELD') {
    // Released (the checkout was cancelled) yet paid: the payment is refunded (REFUND_NEEDED), the coupon stays usable.
    return false
  }
  try {
    if (hold.markOpenid) {
      // 线上核销: marked for the person, consumed with their openid (the mark may have lapsed meanwhile).
      await wx.code.mark({ code: use.code, card_id: use.cardId, openid: hold.markOpenid, is_mark: true })
      await wx.code.consume({ code: use.code, card_id: use.cardId, openid: hold.markOpenid })
    } else {
      await wx.code.consume({ code: use.code, card_id: use.cardId })
    }
  } catch (err) {
    if (!(err instanceof WxApiError && err.errcode === 40099)) {
      log('warn', { msg: 'coupon consume failed; it is tried again', holder, error: (err as Error).message })
      return false
    }
  }
  if (
    await store.updateIf(Collections.couponHolds, id, { status: 'HELD', orderId: holder }, { status: 'CONSUMED', updatedAt: clock.now() })
  ) {
    await store.update(Collections.userCards, id, {
      status: 'CONSUMED',
      restoredBy: change.unset(),
      checkedAt: clock.now(),
      updatedAt: clock.now(),
    })
  }
  return true
}

/** The cron: paid checkouts whose coupon is still HELD get it consumed. */
export async function finishPaidCoupons(store: Store, wx: WechatClient) {
  const held = await store.find<CouponHoldDoc>(Collections.couponHolds, { status: 'HELD' }, { limit: 200 })
  let consumed = 0
  for (const h of held) {
    const order = await store.get<OrderDoc>(Collections.orders, h.orderId)
    if (order && (order.status === 'PAID' || order.status === 'ISSUED') && (await consumeCoupon(store, wx, order))) consumed++
  }
  return { consumed }
}
