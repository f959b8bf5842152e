// The merchant's order list, across channels: one declaration for the merchant function and the console.

export type Channel = 'mp' | 'checkout' | 'shelf'

export interface OrderRow {
  orderId: string
  channel: Channel
  state: string
  /** fen paid */
  totalPrice: number
  buyer: string
  cards: { cardId: string; code?: string; price: number }[]
  refundFee?: number
  /** once a refund was asked for: REFUNDING until WeChat Pay reports SUCCESS (REFUNDED) or a failure (REFUND_FAILED, retryable) */
  refundStatus?: RefundStatus
  /** REFUND_FAILED: why (refund_status REFUNDCLOSE / CHANGE, or the err_code of a refused request such as NOTENOUGH) */
  refundError?: string
  at: number
}

export type RefundStatus = 'REFUNDING' | 'REFUNDED' | 'REFUND_FAILED'
