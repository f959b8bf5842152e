// Shapes of the cloud functions' answers, as ../shared/functions-api.md fixes them. Money is integer fen.

import type { CardType, UserCardStatus } from '../../contract/card-view'

export type { CardType, RedeemCheck, UserCardStatus } from '../../contract/card-view'

export type { PendingOrder } from '../../contract/pending-order'

export type { CouponTerms } from '../../contract/card-rules'

/** What kind of card (card.listMine `type`). */
export interface Card {
  cardId: string
  code: string
  /** GIFT_CARD, MEMBER_CARD or a coupon's type */
  type?: CardType
  /** what it offers (a coupon's reduceCost/leastCost, discount, gift…; a gift card's balance) */
  terms?: import('../../contract/card-rules').CouponTerms
  title: string
  /** fen */
  balance: number
  status: UserCardStatus
  /** Unix seconds */
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
  /** the blessing the card came with */
  message?: string
  /** the giver's name, for a card received as a gift */
  giftFrom?: string
  /** fen held by unfinished checkouts (冻结): taken from `balance`, final once paid, back if not */
  held?: number
  /** ms: when the last of those checkouts expires */
  heldUntil?: number
}

/** What card.detail adds from the card's definition. */
export interface CardInfo {
  brandName?: string
  notice?: string
  description?: string
  servicePhone?: string
}

export type { Gift, GiftStatus } from '../../contract/gift'

export interface Share {
  title: string
  path: string
  imageUrl?: string
}

export interface Entry {
  entryId: string
  kind: string
  amount: number
  balanceAfter: number
  orderId?: string
  description?: string
  createdAt: number
  /** a spend that is an unfinished checkout's leg: held (冻结), not final */
  held?: boolean
  /** the issue entry of a card claimed from a gift: who gave it (no order number then) */
  giftFrom?: string
}

export interface WhoAmI {
  openid: string
  appid: string
  unionid?: string
  /** the caller may open the merchant pages */
  merchant: boolean
  /** #14: the caller's merchant role (staff may open the redemption page) */
  role?: 'admin' | 'staff' | null
}

/** A free coupon offered on the claim page (card.claimables). */
export interface Claimable {
  cardId: string
  type: CardType
  title: string
  terms: import('../../contract/card-rules').CouponTerms
  getLimit: number
  beginTime?: number
  endTime?: number
  fixedTerm?: number
}

export interface ShopItem {
  cardId: string
  title: string
  /** fen */
  price: number
  backgroundPicUrl?: string
  /** card faces the buyer may choose */
  faces: string[]
  /** the shelf's default blessing */
  defaultMessage: string
  /** the shelf theme it is sold under */
  theme?: string
}

export interface MerchantOverview {
  cards: number
  shelves: number
  orders: number
}
