// The stored shapes of orders (Mini Program purchases, checkouts, hosted-shelf orders) and the
// entitlements a paid order issues.
import type { StoredDoc } from '../../store/port'
import type { GiftCardOrder } from '../../wechat/giftcard-order'
import type { CardIssue } from '../catalog/gift-cards'

export type OrderStatus = 'CREATED' | 'PAID' | 'ISSUED' | 'REFUNDING' | 'REFUND_FAILED' | 'REFUNDED' | 'CANCELLED' | 'REFUND_NEEDED'

/** The statuses of an order that was paid: a sale (money/refund-states.ts moves the last four). */
export const PAID_STATUSES: OrderStatus[] = ['PAID', 'ISSUED', 'REFUNDING', 'REFUND_FAILED', 'REFUNDED', 'REFUND_NEEDED']

export interface OrderDoc extends StoredDoc {
  /** mp: gift cards bought in the Mini Program; checkout: the Cloud Pay leg of a shop checkout */
  kind: 'mp' | 'checkout'
  mpOpenid: string
  /** mp: the page's key for this purchase (the _id is derived from it) */
  requestId?: string
  cardId: string
  title?: string
  /** mp: the price of one card, fen */
  unitPrice?: number
  /** mp: the balance one card is issued with (init_balance), fen */
  unitValue?: number
  quantity: number
  /** fen */
  totalFee: number
  status: OrderStatus
  /** the Cloud Pay payment parameters, kept so a retried createOrder answers the same payment */
  payment?: Record<string, unknown>
  /** the payment above is the first one stored (prepaid.ts): a double tap answers it twice */
  prepaid?: boolean
  backgroundPicUrl?: string
  message?: string
  transactionId?: string
  createdAt: number
  paidAt?: number
  /** fen given back through Cloud Pay (fixed when the refund is asked for; money/refund-states.ts has the rest of the refund's fields) */
  refundFee?: number
  refundedAt?: number
  refundReason?: string
  /** checkout: the gift-card leg spent for it (credited back if this payment does not complete) */
  cardLeg?: { cardId: string; code: string; amount: number; orderId: string }
  /** checkout (#14): the coupon taking `discount` fen off `total`; consumed once the payment succeeds */
  coupon?: { cardId: string; code: string; discount: number }
  /** checkout with a coupon: the shop order's total before the discount, fen */
  total?: number
  /** checkout refunded by the merchant (#28, money/checkout-refunds.ts): when its gift-card leg was credited back */
  legCreditedAt?: number
  /** checkout refunded by the merchant (#28): when its coupon was made usable again */
  couponRestoredAt?: number
  /** checkout: unpaid after this (ms), the cron cancels it and credits the gift-card leg back */
  expiresAt?: number
  /** mp (#17): what each card is issued with, as sold; copied onto the entitlements when paid */
  issue?: CardIssue
  /** mp (#17): the buyer's unionid from the cloud context of createOrder, when WeChat gave one */
  unionid?: string
}

/**
 * The right to put one paid card into the card bag. READY until a card is added for it (ADDED, with
 * the code: the card is funded in the same transaction), or until its order is refunded (REFUNDED).
 */
export interface EntitlementDoc extends StoredDoc {
  orderId: string
  mpOpenid: string
  cardId: string
  status: 'READY' | 'ADDED' | 'REFUNDED'
  /** fen: the balance the card is issued with when added */
  value: number
  code?: string
  /** the gift holding this entitlement (gifts.ts); '' or absent when it is not given */
  giftId?: string
  /** #17: the card as sold (from the order); absent on entitlements issued before, funded from reads */
  issue?: CardIssue
  /** #17: the buyer's unionid (from the order), when known: a push naming it is the buyer's */
  unionid?: string
  createdAt?: number
  addedAt?: number
  /** when the card's first user_get_card push funded it (giftcards/entitlements.ts fundFresh) */
  pushedAt?: number
  refundedAt?: number
}

/** A gift card order bought on the hosted shelf (card/giftcard/order/get), as we record it. */
export interface ShelfOrderDoc extends StoredDoc {
  order: GiftCardOrder
  /** PAID, then SENDING / ACCEPTED / RETURNED, or REFUNDED */
  state: string
  isChatRoom?: boolean
  invoice?: Record<string, unknown>
  recordedAt: number
  updatedAt: number
}
