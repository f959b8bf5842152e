// Paying a shop order with a gift card. When the card's balance is short, the server debits what the
// card holds and creates a Cloud Pay order for the rest (pay.startCheckout); if the payment does not
// go through, the checkout is cancelled and the card credited back (by us now, or by the server's
// cron when the checkout expires, should this page never get the chance). A retry is a new checkout.
import { cardApi, payApi } from '../services/api'
import type { Card } from '../services/types'
import { requestPayment } from '../services/wx'

export interface CheckoutResult {
  /** the card's balance afterwards, fen */
  balance: number
  /** paid with the gift card, fen */
  paidByCard: number
  /** paid with WeChat Pay, fen */
  paidByWeChatPay: number
}

/** How a total splits between the card and WeChat Pay. */
export function splitPayment(balance: number, total: number): { card: number; wechat: number } {
  const card = Math.min(Math.max(balance, 0), total)
  return { card, wechat: total - card }
}

/** WeChat Pay did not complete; the card's leg was credited back (its balance now, when known). */
export class CheckoutCancelled extends Error {
  constructor(override readonly cause: unknown, readonly balance?: number) {
    super('checkout-cancelled')
    this.name = 'CheckoutCancelled'
  }
}

/** A fresh id for one attempt to pay (≤ 28 characters of [A-Za-z0-9_-]). */
export const newCheckoutId = () => `CK${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

export async function payWithGiftCard(card: Card, checkoutId: string, total: number, description: string): Promise<CheckoutResult> {
  if (card.balance >= total) {
    const r = await cardApi.spend({ cardId: card.cardId, code: card.code, amount: total, orderId: checkoutId, description })
    return { balance: r.balance, paidByCard: total, paidByWeChatPay: 0 }
  }
  const started = await payApi.startCheckout({ checkoutId, cardId: card.cardId, code: card.code, total, description })
  try {
    await requestPayment(started.payment)
  } catch (err) {
    const cancelled = await payApi.cancelCheckout(checkoutId)
    throw new CheckoutCancelled(err, cancelled.balance)
  }
  return { balance: started.balance, paidByCard: total - started.rest, paidByWeChatPay: started.rest }
}
