import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store, StoredDoc } from '../store/port'

export type OrderStatus = 'CREATED' | 'PAID' | 'ISSUED' | 'REFUNDED'

export interface OrderDoc extends StoredDoc {
  mpOpenid: string
  status: OrderStatus
  /** fen */
  totalFee: number
  cards: { cardId: string; code?: string }[]
  createdAt: number
}

export async function orderOf(store: Store, mpOpenid: string, orderId: string) {
  const doc = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (doc.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `order ${orderId} is not yours`)
  return { orderId: doc._id, status: doc.status, totalFee: doc.totalFee, cards: doc.cards }
}
