// Paying a shop order with a gift card. When the card's balance is short, the server debits what the
// card holds and creates a Cloud Pay order for the rest (pay.startCheckout); if the payment does not
// go through, the checkout is cancelled and the card credited back (by us now, or by the server's
// cron when the checkout expires, should this page never get the chance).
import { cardApi, payApi } from '../services/api'
import type { Card } from '../services/types'
import { requestPayment } from '../services/wx'

export interface CheckoutResult {
  /** the card's balance afterwards, fen */
  balance: number
  /** paid with WeChat Pay, fen */
  paidByWeChatPay: number
}

export async function payWithGiftCard(card: Card, checkoutId: string, total: number, description: string): Promise<CheckoutResult> {
  if (card.balance >= total) {
    const r = await cardApi.spend({ cardId: card.cardId, code: card.code, amount: total, orderId: checkoutId, description })
    return { balance: r.balance, paidByWeChatPay: 0 }
  }
  const started = await payApi.startCheckout({ checkoutId, cardId: card.cardId, code: card.code, total, description })
  try {
    await requestPayment(started.payment)
  } catch (err) {
    const cancelled = await payApi.cancelCheckout(checkoutId)
    const back = cancelled.balance === undefined ? '' : ` Your gift card balance is ¥${(cancelled.balance / 100).toFixed(2)} again.`
    throw new Error(`WeChat Pay did not complete (${(err as Error).message}).${back}`)
  }
  return { balance: started.balance, paidByWeChatPay: started.rest }
}
