// Shapes of the cloud functions' answers, as ../shared/functions-api.md fixes them. Money is integer fen.

export type UserCardStatus =
  | 'NORMAL'
  | 'CONSUMED'
  | 'EXPIRE'
  | 'GIFTING'
  | 'GIFT_TIMEOUT'
  | 'DELETE'
  | 'UNAVAILABLE'
  | 'GIFTED'

/** A paid order whose cards are not in the card bag yet (card.listMine's `pending`). */
export interface PendingOrder {
  orderId: string
  cardId: string
  title: string
  /** fen, one card */
  price: number
  /** cards of the order still to add */
  count: number
  backgroundPicUrl?: string
}

export interface Card {
  cardId: string
  code: string
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
}

export interface WhoAmI {
  openid: string
  appid: string
  unionid?: string
  /** the caller may open the merchant pages */
  merchant: boolean
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
