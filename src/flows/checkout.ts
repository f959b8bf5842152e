// Paying a shop order with a gift card. When the card's balance is short, the rest is paid with Cloud
// Pay: both legs succeed, or the gift-card leg is reversed.
import { cardApi, payApi } from '../services/api'
import type { Card } from '../services/types'
import { requestPayment } from '../services/wx'

export interface CheckoutResult {
  /** the card's balance afterwards, fen */
  balance: number
  /** paid with Cloud Pay, fen */
  paidByWeChatPay: number
}

export async function payWithGiftCard(card: Card, checkoutId: string, total: number, description: string): Promise<CheckoutResult> {
  if (card.balance >= total) {
    const r = await cardApi.spend({ cardId: card.cardId, code: card.code, amount: total, orderId: checkoutId, description })
    return { balance: r.balance, paidByWeChatPay: 0 }
  }
  const cardLeg = `${checkoutId}-gc`
  const rest = total - card.balance
  const spent = await cardApi.spend({ cardId: card.cardId, code: card.code, amount: card.balance, orderId: cardLeg, description })
  try {
    const { payment } = await payApi.createCheckout({ checkoutId, amount: rest })
    await requestPayment(payment)
  } catch (err) {
    const back = await cardApi.reverse(cardLeg)
    throw new Error(`WeChat Pay did not complete (${(err as Error).message}); ¥${(card.balance / 100).toFixed(2)} was returned to your gift card (balance ${back.balance} fen)`)
  }
  return { balance: spent.balance, paidByWeChatPay: rest }
}
