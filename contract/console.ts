// The merchant console's answers (docs/functions-api.md, "The merchant console" and coupons), as the
// merchant function and the console pages both see them. Types only. Amounts are fen.
import type { CouponTerms } from './card-rules'
import type { Channel, OrderRow } from './merchant-orders'

/** One ledger line as the console shows it (the consumer's `Entry`). */
interface Entry {
  entryId: string
  kind: string
  amount: number
  balanceAfter: number
  orderId?: string
  description?: string
  createdAt: number
  held?: boolean
}

export interface Dashboard {
  days: number
  sales: { date: string; channel: Channel; amount: number; orders: number }[]
  redeemed: number
  /** fen still on live cards of every kind: gift cards' balances and member cards' stored value */
  liability: number
  /** live gift cards (coupons and member cards are in `live`) */
  liveCards: number
  /** live cards by kind: how many, and the fen they hold (a coupon holds none) */
  live?: { giftCards: { count: number; balance: number }; memberCards: { count: number; balance: number }; coupons: { count: number } }
  /** gift cards claimed (WeChat's data cube) */
  claimed: number
  /** member cards claimed (WeChat's data cube) */
  members: number
  /** coupons claimed (WeChat's data cube) */
  couponsClaimed?: number
  cube: boolean
  /** #28: fen of member recharges credited in the window, less the recharge refunds asked for in it */
  rechargeSales?: number
  /** #28: the sales above plus rechargeSales */
  salesWithRecharges?: number
}

export interface OrderDetail {
  /** fen: the amount refunding the order now would give back (a Mini Program order not yet refunded): unspent balance at its price */
  refundPreview?: number
  order: OrderRow & { refundReason?: string }
  cards: { cardId: string; code: string; title: string; status: string; balance: number; entries: Entry[] }[]
}

export interface CirculatingCard {
  cardId: string
  code: string
  title: string
  status: string
  balance: number
  holder: string
  orderId: string
  synced: boolean
  endTime: number
  entries: Entry[]
  total: number
  /** the ledger goes on beyond `entries`: merchant.cardHistory with this */
  nextCursor?: string
  wechat: { status?: string; canConsume?: boolean; error?: number | string }
}

/**
 * Where WeChat's review of a card the merchant created stands: PENDING from card/create (and again after a
 * card/update WeChat answers with send_check true), then card_pass_check → APPROVED or
 * card_not_pass_check → REJECTED with its RefuseReason.
 */
export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED'

export interface CouponRow {
  cardId: string
  type: string
  title: string
  terms: CouponTerms
  friend: boolean
  claimable: boolean
  endTime: number
  reviewStatus: ReviewStatus
  /** WeChat's RefuseReason, while the coupon stays REJECTED */
  reviewReason?: string
}

/** The 券点 account (card/pay/getcoinsinfo). */
export interface CoinAccount {
  freeCoin: number
  payCoin: number
  totalCoin: number
}

/** A pay-then-member rule as WeChat stores it (member-card-management §8.4.3). */
export interface PayGiftRuleView {
  base_info: { mchid_list: string[]; begin_time: number; end_time: number }
  member_rule: { card_id: string; least_cost: number; max_cost: number }
}
