// The merchant's gift-card definitions as the shop shows them.
import { Collections } from '../store/collections'
import type { Store, StoredDoc } from '../store/port'

export interface GiftCardDoc extends StoredDoc {
  /** WeChat card_id; also the _id. */
  cardId: string
  title: string
  /** giftcard_info.price, fen */
  price: number
  /** init_balance, fen */
  initBalance: number
  backgroundPicUrl?: string
  onSale: boolean
  createdAt: number
}

export interface ShopItem {
  cardId: string
  title: string
  price: number
  backgroundPicUrl?: string
}

export async function listOnSale(store: Store): Promise<ShopItem[]> {
  const docs = await store.find<GiftCardDoc>(Collections.giftCards, { onSale: true }, {
    orderBy: { field: 'price', direction: 'asc' },
    limit: 100,
  })
  return docs.map((d) => ({ cardId: d.cardId, title: d.title, price: d.price, ...(d.backgroundPicUrl ? { backgroundPicUrl: d.backgroundPicUrl } : {}) }))
}
