// Buying a gift card and putting it in the card bag: order → Cloud Pay → (the callback issues the
// cards) → cardExt signed by the server → wx.addCard → the server records the codes.
// The page names each purchase with a requestId, so a double tap or a retry after an error is the same
// order and never a second charge; a paid card whose add sheet was cancelled stays "pending" in My
// cards, where addPaidCards puts it into the card bag later.
import { cardApi, payApi } from '../services/api'
import type { Card } from '../services/types'
import { addCard, requestPayment } from '../services/wx'

export type PurchaseStep = 'ordering' | 'paying' | 'issuing' | 'adding' | 'recording'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A fresh key for one purchase (8–64 characters of letters, digits, _ and -). */
export function newRequestId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/** signCardExt → wx.addCard → recordAdded, for a paid order whose cards are not in the card bag yet. */
export async function addPaidCards(orderId: string, onStep: (s: PurchaseStep) => void = () => undefined): Promise<Card[]> {
  onStep('adding')
  const { cardList } = await cardApi.signCardExt(orderId)
  const added = await addCard(cardList)
  onStep('recording')
  return (await cardApi.recordAdded(added)).cards
}

export async function buyGiftCard(input: { requestId: string; cardId: string; backgroundPicUrl?: string; message?: string }, onStep: (s: PurchaseStep) => void): Promise<Card[]> {
  onStep('ordering')
  const { orderId, payment } = await payApi.createOrder(input)
  // No payment in the answer: this purchase was paid already (a retry after the payment went through).
  if (payment) {
    onStep('paying')
    await requestPayment(payment)
  }
  onStep('issuing')
  // Cloud Pay calls our callback, which issues the cards; it usually has by the time we ask.
  for (let i = 0; ; i++) {
    const { order } = await payApi.getOrder(orderId)
    if (order.status === 'ISSUED') break
    if (i >= 20) throw new Error('payment-pending')
    await sleep(300)
  }
  return addPaidCards(orderId, onStep)
}
