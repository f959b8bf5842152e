// Claiming a free coupon on the claim page (#14): the server signs it for the caller (get_limit and
// stock respected) → wx.addCard → the server records the code. One requestId per tap sequence, so a
// double tap or a retry is one claim.
import { cardApi } from '../services/api'
import type { Card } from '../services/types'
import { addCard } from '../services/wx'

export async function claimCoupon(cardId: string, requestId: string): Promise<Card[]> {
  const { cardList } = await cardApi.claim(cardId, requestId)
  const added = await addCard(cardList)
  return (await cardApi.recordAdded(added)).cards
}
