// Claiming a gift a friend shared into a chat: gift.claim signs a cardExt for the claimer → wx.addCard
// → card.recordAdded records the card as the claimer's (funded once, from the gift's entitlement).
// A cancelled add sheet can be retried: claiming again answers a freshly signed cardExt.
import { cardApi, giftApi } from '../services/api'
import type { Card } from '../services/types'
import { addCard } from '../services/wx'

export async function claimGift(giftId: string): Promise<Card[]> {
  const { cardList } = await giftApi.claim(giftId)
  const added = await addCard(cardList)
  return (await cardApi.recordAdded(added)).cards
}
