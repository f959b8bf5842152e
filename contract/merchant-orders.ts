// The merchant's order list, across channels: one declaration for the merchant function and the console.

export type Channel = 'mp' | 'checkout' | 'shelf'

/**
 * What became of an order's cards (#28), the one state the console shows for an order: a refund as WeChat
 * Pay reports it first, then used up, given, claimed, or only paid.
 * - PAID: paid, no card in a card bag yet (or a 买单 order, which issues no card)
 * - CLAIMED: a card is in a card bag (已领取)
 * - GIFTED: a card was given to a friend (a gift sent, a card passed on in the bag, a shelf order sent) (已赠送)
 * - USED_UP: every card is in a bag and none holds value any more (已用完)
 * - REFUNDING / REFUNDED / REFUND_FAILED: as refundStatus
 */
export type CardState = 'PAID' | 'CLAIMED' | 'GIFTED' | 'USED_UP' | RefundStatus
export const CARD_STATES: readonly CardState[] = ['PAID', 'CLAIMED', 'GIFTED', 'USED_UP', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED']

/** A 买单 (checkout) order's coupon: what it took off and where it stands now. */
export interface CheckoutCoupon {
  cardId: string
  /** the coupon's title, when the buyer's card bag still has it */
  title?: string
  /** fen taken off the original total */
  discount: number
  /** USED: taken by this order; RESTORED: usable again (the order was refunded) */
  status: 'USED' | 'RESTORED'
}

/** One leg of a 买单 order: what WeChat Pay took, and what a gift card (or a member card's stored value) paid. */
export interface CheckoutLeg {
  kind: 'wxpay' | 'giftcard'
  /** fen */
  amount: number
  /** giftcard: the card */
  cardId?: string
  title?: string
  /** giftcard: the last 4 characters of its code */
  codeTail?: string
  /** wxpay: its refund as WeChat Pay reports it, once asked for; giftcard: CREDITED once credited back to the card */
  state: 'PAID' | 'CREDITED' | RefundStatus
}

export interface OrderRow {
  orderId: string
  channel: Channel
  state: string
  /** fen paid (a 买单 order: its WeChat Pay leg) */
  totalPrice: number
  /** the buyer's openid inside the server; the merchant function answers the person's name instead (server/domain/cards/people.ts) */
  buyer: string
  cards: { cardId: string; code?: string; price: number }[]
  refundFee?: number
  /** once a refund was asked for: REFUNDING until WeChat Pay reports SUCCESS (REFUNDED) or a failure (REFUND_FAILED, retryable) */
  refundStatus?: RefundStatus
  /** REFUND_FAILED: why (refund_status REFUNDCLOSE / CHANGE, or the err_code of a refused request such as NOTENOUGH) */
  refundError?: string
  at: number
  /** #28: what became of the order's cards */
  cardState: CardState
  /** #28, 买单 orders: the shop order's total before the coupon, fen */
  originalTotal?: number
  /** #28, 买单 orders with a coupon */
  coupon?: CheckoutCoupon
  /** #28, 买单 orders: the WeChat Pay leg, then the gift-card leg if any */
  legs?: CheckoutLeg[]
}

export type RefundStatus = 'REFUNDING' | 'REFUNDED' | 'REFUND_FAILED'
