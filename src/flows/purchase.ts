// Buying a gift card and putting it in the card bag: order → Cloud Pay → (the callback issues the
// cards) → cardExt signed by the server → wx.addCard → the server records the codes.
import { cardApi, payApi } from '../services/api'
import type { Card } from '../services/types'
import { addCard, requestPayment } from '../services/wx'

export type PurchaseStep = 'ordering' | 'paying' | 'issuing' | 'adding' | 'recording'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function buyGiftCard(input: { cardId: string; backgroundPicUrl?: string; message?: string }, onStep: (s: PurchaseStep) => void): Promise<Card[]> {
  onStep('ordering')
  const { orderId, payment } = await payApi.createOrder(input)
  onStep('paying')
  await requestPayment(payment)
  onStep('issuing')
  // Cloud Pay calls our callback, which issues the cards; it usually has by the time we ask.
  for (let i = 0; ; i++) {
    const { order } = await payApi.getOrder(orderId)
    if (order.status === 'ISSUED') break
    if (i >= 20) throw new Error('the payment has not been confirmed yet; your cards will appear under My cards once it is')
    await sleep(300)
  }
  onStep('adding')
  const { cardList } = await cardApi.signCardExt(orderId)
  const added = await addCard(cardList)
  onStep('recording')
  return (await cardApi.recordAdded(added)).cards
}
