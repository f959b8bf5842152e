// Paying a shop order with a gift card. When the card's balance is short, the server debits what the
// card holds and creates a Cloud Pay order for the rest (pay.startCheckout); if the payment does not
// go through, the checkout is cancelled and the card credited back (by us now, or by the server's
// cron when the checkout expires, should this page never get the chance). A retry is a new checkout.
import { cardApi, payApi } from '../services/api'
import { forgetOpenCheckout, openCheckout, rememberOpenCheckout } from '../services/storage'
import type { Card } from '../services/types'
import { requestPayment, type Payment } from '../services/wx'

export interface CheckoutResult {
  /** the card's balance afterwards, fen (unknown for a checkout resumed after a reload) */
  balance?: number
  /** paid with the gift card, fen */
  paidByCard: number
  /** paid with WeChat Pay, fen */
  paidByWeChatPay: number
  /** taken off by a coupon, fen */
  discount?: number
}

/** WeChat Pay did not complete; the card's leg was credited back (its balance now, when known). */
export class CheckoutCancelled extends Error {
  constructor(
    override readonly cause: unknown,
    readonly balance?: number,
  ) {
    super('checkout-cancelled')
    this.name = 'CheckoutCancelled'
  }
}

/** A fresh id for one attempt to pay (≤ 28 characters of [A-Za-z0-9_-]): the time the person pressed pay, then a random tail. */
export const newCheckoutId = (now = Date.now()) => `CK${now.toString(36).padStart(9, '0')}${Math.random().toString(36).slice(2, 8)}`

/**
 * When a checkout id was made (ms): card.spend's `orderedAt`, the same on every retry of the id. An id
 * not made by newCheckoutId (an older build's, without the padding) counts as made now.
 */
export function orderedAtOf(checkoutId: string, now = Date.now()): number {
  const t = parseInt(checkoutId.slice(2, 11), 36)
  return /^CK[0-9a-z]{9}/.test(checkoutId) && Number.isSafeInteger(t) && t <= now + 60_000 ? t : now
}

export async function payWithGiftCard(card: Card, checkoutId: string, total: number, description: string): Promise<CheckoutResult> {
  if (card.balance >= total) {
    const r = await cardApi.spend({
      cardId: card.cardId,
      code: card.code,
      amount: total,
      orderId: checkoutId,
      orderedAt: orderedAtOf(checkoutId),
      description,
      // The card as the page showed it: one database call fewer on the server when still current.
      ...(card.spendHint ? { seen: card.spendHint } : {}),
    })
    return { balance: r.balance, paidByCard: total, paidByWeChatPay: 0 }
  }
  const started = await payApi.startCheckout({ checkoutId, cardId: card.cardId, code: card.code, total, description })
  if (started.payment) await presentPayment(checkoutId, started.payment)
  return { balance: started.balance ?? card.balance, paidByCard: total - started.rest, paidByWeChatPay: started.rest }
}

/**
 * The WeChat Pay sheet for a started checkout. While it is open the checkout is remembered, so a page that
 * went away (closed, reloaded) finds it again (openCheckoutState); a payment that did not complete cancels
 * the checkout, which credits the card back.
 */
async function presentPayment(checkoutId: string, payment: Payment): Promise<void> {
  rememberOpenCheckout(checkoutId)
  try {
    await requestPayment(payment)
  } catch (err) {
    const cancelled = await payApi.cancelCheckout(checkoutId)
    forgetOpenCheckout()
    throw new CheckoutCancelled(err, cancelled.balance)
  }
  forgetOpenCheckout()
}

/** A checkout the page left with the WeChat Pay sheet open, as it stands now (issue 25 §7). */
export interface OpenCheckout {
  checkoutId: string
  status: 'CREATED' | 'PAID'
  /** fen of the gift card held for it (PAID: the card's share, final) */
  held: number
  /** fen left for WeChat Pay */
  rest: number
  discount?: number
  expiresAt: number
  /** present while it can still be paid */
  payment?: Payment
}

/** The remembered open checkout, if it still waits for its payment or was paid meanwhile; forgotten otherwise. */
export async function openCheckoutState(): Promise<OpenCheckout | undefined> {
  const checkoutId = openCheckout()
  if (!checkoutId) return undefined
  const s = await payApi.checkoutStatus(checkoutId)
  if (s.status === 'CREATED' && s.payment)
    return {
      checkoutId,
      status: 'CREATED',
      held: s.held,
      rest: s.rest,
      expiresAt: s.expiresAt,
      payment: s.payment,
      ...(s.discount ? { discount: s.discount } : {}),
    }
  forgetOpenCheckout()
  return s.status === 'PAID'
    ? {
        checkoutId,
        status: 'PAID',
        held: s.paidByCard ?? 0,
        rest: s.rest,
        expiresAt: s.expiresAt,
        ...(s.discount ? { discount: s.discount } : {}),
      }
    : undefined
}

/** 继续支付: present the same payment again. */
export async function resumeCheckout(open: OpenCheckout): Promise<void> {
  if (!open.payment) throw new Error('the checkout can no longer be paid')
  await presentPayment(open.checkoutId, open.payment)
}

/** 取消: the checkout is cancelled and the card credited back; answers the card's balance when known. */
export async function abandonCheckout(checkoutId: string): Promise<number | undefined> {
  const cancelled = await payApi.cancelCheckout(checkoutId)
  forgetOpenCheckout()
  return cancelled.balance
}

/**
 * Paying with a coupon (CASH or DISCOUNT; #14), and a gift card for the rest if one is chosen: the coupon
 * comes off first, the card pays what it holds of what is left (issue 28). The server holds the coupon for
 * this checkout and consumes it only once WeChat Pay succeeds; a cancelled payment cancels the checkout
 * here, which releases the coupon (and credits the card back). When the card covers the rest there is no
 * WeChat Pay leg: the server answers the checkout paid (no `payment`) and no sheet is shown.
 */
export async function payWithCoupon(
  coupon: Card,
  card: Card | undefined,
  checkoutId: string,
  total: number,
  description: string,
): Promise<CheckoutResult> {
  const started = await payApi.startCheckout({
    checkoutId,
    coupon: { cardId: coupon.cardId, code: coupon.code },
    ...(card ? { cardId: card.cardId, code: card.code } : {}),
    total,
    description,
  })
  if (started.payment) await presentPayment(checkoutId, started.payment)
  return {
    balance: started.balance ?? card?.balance ?? 0,
    paidByCard: total - started.discount - started.rest,
    paidByWeChatPay: started.rest,
    discount: started.discount,
  }
}
