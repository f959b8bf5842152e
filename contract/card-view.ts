// The card kinds and statuses every card answer carries, and merchant.redeemCheck's answer, as the Mini
// Program and the server both see them (docs/functions-api.md). Types only.
import type { CouponTerms } from './card-rules'

/**
 * WeChat's user_card_status values, plus GIFTED: the code was given to a friend and received (WeChat
 * then answers card/code/get with 40056 "invalid serial code"); its value moves to the friend's code.
 */
export type UserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE' | 'GIFTED'

/** What kind of card it is (card.listMine `type`). */
export type CardType = 'GIFT_CARD' | 'MEMBER_CARD' | 'CASH' | 'DISCOUNT' | 'GIFT' | 'GROUPON' | 'GENERAL_COUPON'

/** merchant.redeemCheck's answer. */
export interface RedeemCheck {
  cardId: string
  code: string
  type: CardType
  title: string
  terms: CouponTerms
  status: UserCardStatus
  /** it can be redeemed now */
  usable: boolean
  /** why not, when it cannot */
  reason?: string
  /** gift and member cards: the balance (stored value), fen */
  balance?: number
  /** member cards: the points held now */
  bonus?: number
  /** coupons redeemed at the counter (or being redeemed): by whom — the staff member's name as the
   *  console shows people (never an openid) — and when (ms), so a second redemption can say 已被核销 by whom and when */
  redeemed?: { by: string; at: number }
  beginTime: number
  endTime: number
}
