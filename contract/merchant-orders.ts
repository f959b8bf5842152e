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
  at: number
}
