// The stored shapes of Mini Program orders and the entitlements a paid order issues.
import type { StoredDoc } from '../store/port'

export type OrderStatus = 'CREATED' | 'PAID' | 'ISSUED' | 'REFUNDED' | 'CANCELLED' | 'REFUND_NEEDED'

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
  backgroundPicUrl?: string
  message?: string
  transactionId?: string
  createdAt: number
  paidAt?: number
  /** fen given back through Cloud Pay, once REFUNDED */
  refundFee?: number
  refundedAt?: number
  refundReason?: string
  /** checkout: the gift-card leg spent for it (credited back if this payment does not complete) */
  cardLeg?: { cardId: string; code: string; amount: number; orderId: string }
  /** checkout: unpaid after this (ms), the cron cancels it and credits the gift-card leg back */
  expiresAt?: number
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
  createdAt?: number
  addedAt?: number
  refundedAt?: number
}
