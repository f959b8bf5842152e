import type { Card, UserCardStatus } from '../services/types'
import { isCoupon } from './coupon'

/**
 * The status a person sees (issue 28). A gift card spent down to ¥0.00 is still NORMAL for WeChat and in
 * our records (value can come back to it: a refund, a checkout's leg credited back), but to its holder it
 * is used up: it reads 已用完, folds away with the cards that are no longer usable and counts nowhere.
 * Not while a checkout holds part of it (冻结): that money may come back any minute. Coupons and member
 * cards are not stored-value-first and keep their own status.
 */
export function shownStatus(card: Pick<Card, 'status' | 'type' | 'balance' | 'held'>): UserCardStatus {
  const giftCard = !card.type || card.type === 'GIFT_CARD'
  if (card.status === 'NORMAL' && giftCard && card.balance <= 0 && !card.held) return 'CONSUMED'
  return card.status
}

/** Whether the card can still be used, as its holder sees it. */
export const isUsable = (card: Pick<Card, 'status' | 'type' | 'balance' | 'held'>): boolean => shownStatus(card) === 'NORMAL'

/** The usable cards' summary on 我的卡: the gift cards' balance and count, the coupons counted apart. */
export function bagSummary(usable: Card[]): { balance: number; cards: number; coupons: number } {
  const gifts = usable.filter((c) => !isCoupon(c.type))
  return { balance: gifts.reduce((s, c) => s + c.balance, 0), cards: gifts.length, coupons: usable.length - gifts.length }
}
