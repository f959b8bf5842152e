// Buying a gift card and putting it in the card bag: order → Cloud Pay → (the callback issues the
// cards) → cardExt signed by the server → wx.addCard → the server records the codes.
// The page names each purchase with a requestId, so a double tap or a retry after an error is the same
// order and never a second charge; a paid card whose add sheet was cancelled stays "pending" in My
// cards, where addPaidCards puts it into the card bag later.
import { cardApi, giftApi, payApi } from '../services/api'
import type { Card, Gift, Share } from '../services/types'
import { addCard, requestPayment } from '../services/wx'

export type PurchaseStep = 'ordering' | 'paying' | 'issuing' | 'adding' | 'recording' | 'gifting'

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

export interface PurchaseInput {
  requestId: string
  cardId: string
  quantity?: number
  backgroundPicUrl?: string
  message?: string
}

/** order → Cloud Pay → until the callback has issued the cards; answers the paid order's id. */
export async function payForCards(input: PurchaseInput, onStep: (s: PurchaseStep) => void): Promise<string> {
  onStep('ordering')
  const { quantity, ...rest } = input
  const { orderId, payment } = await payApi.createOrder(quantity && quantity > 1 ? { ...rest, quantity } : rest)
  // No payment in the answer: this purchase was paid already (a retry after the payment went through).
  if (payment) {
    onStep('paying')
    await requestPayment(payment)
  }
  onStep('issuing')
  // Cloud Pay calls our callback, which issues the cards; it usually has by the time we ask.
  for (let i = 0; ; i++) {
    const { order } = await payApi.getOrder(orderId)
    if (order.status === 'ISSUED') return orderId
    if (i >= 20) throw new Error('payment-pending')
    await sleep(300)
  }
}

export async function buyGiftCard(input: PurchaseInput, onStep: (s: PurchaseStep) => void): Promise<Card[]> {
  return addPaidCards(await payForCards(input, onStep), onStep)
}

/**
 * Buys cards for friends and wraps them as one gift to share into a chat (gift.send): one card for a
 * friend, or `quantity` > 1 cards as a group gift, one each for the first friends in a group chat.
 */
export async function buyAsGift(
  input: PurchaseInput & { from?: string },
  onStep: (s: PurchaseStep) => void,
): Promise<{ gift: Gift; share: Share }> {
  const { from, ...purchase } = input
  const count = purchase.quantity && purchase.quantity > 1 ? purchase.quantity : 1
  const orderId = await payForCards({ ...purchase, quantity: count }, onStep)
  onStep('gifting')
  const sent = await giftApi.send({
    orderId,
    ...(count > 1 ? { count } : {}),
    ...(input.message ? { message: input.message } : {}),
    ...(input.backgroundPicUrl ? { face: input.backgroundPicUrl } : {}),
    ...(from ? { from } : {}),
  })
  return { gift: sent.gift, share: sent.share }
}
