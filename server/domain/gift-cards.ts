// The merchant's gift-card definitions (created by merchant operations), as the shop shows them and as
// issuing a card needs them (price, initial balance, validity).
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store, StoredDoc } from '../store/port'
import type { CardIssue } from './order-types'
import { cardsOnLiveShelves, notSaleableReason } from './sales'

export interface GiftCardDoc extends StoredDoc {
  /** WeChat card_id; also the _id */
  cardId: string
  title: string
  /** giftcard_info.price, fen */
  price: number
  /** init_balance, fen (the price when absent) */
  initBalance: number
  backgroundPicUrl?: string
  /** faces the buyer may choose (from the shelf's pic_item_list) */
  faces: string[]
  defaultMessage: string
  /** the shelf theme it is sold under */
  theme?: string
  brandName?: string
  /** base_info.notice: how to use it, as the card bag shows it */
  notice?: string
  description?: string
  servicePhone?: string
  onSale: boolean
  reviewStatus: 'PENDING' | 'APPROVED' | 'REJECTED'
  /** WeChat's RefuseReason from card_not_pass_check, while the card stays REJECTED */
  reviewReason?: string
  beginTime: number
  endTime: number
  createdAt: number
  updatedAt: number
}

export interface ShopItem {
  cardId: string
  title: string
  price: number
  backgroundPicUrl?: string
  faces: string[]
  defaultMessage: string
  theme?: string
}

/** The shop: cards on a live shelf and valid long enough to sell (sales.ts). */
export async function listOnSale(store: Store, nowMs = Date.now()): Promise<ShopItem[]> {
  const [docs, live] = await Promise.all([
    store.find<GiftCardDoc>(Collections.giftCards, { onSale: true }, { orderBy: { field: 'price', direction: 'asc' }, limit: 100 }),
    cardsOnLiveShelves(store),
  ])
  return docs.filter((d) => !notSaleableReason(d, live, nowMs)).map((d) => ({ cardId: d.cardId, title: d.title, price: d.price, faces: d.faces ?? [], defaultMessage: d.defaultMessage ?? '', ...(d.theme ? { theme: d.theme } : {}), ...(d.backgroundPicUrl ? { backgroundPicUrl: d.backgroundPicUrl } : {}) }))
}

export async function giftCardDef(store: Store, cardId: string): Promise<GiftCardDoc> {
  const d = await store.get<GiftCardDoc>(Collections.giftCards, cardId)
  if (!d) throw new AppError(ErrCode.NOT_FOUND, `no gift card ${cardId}`)
  return d
}

/** The card as sold: the definition's title and dates, with the face and blessing the buyer chose (or the definition's face). */
export function cardAsSold(def: GiftCardDoc, chosen: { backgroundPicUrl?: string; message?: string }): CardIssue {
  const face = chosen.backgroundPicUrl ?? def.backgroundPicUrl
  return {
    title: def.title, beginTime: def.beginTime, endTime: def.endTime,
    ...(face ? { backgroundPicUrl: face } : {}),
    ...(chosen.message ? { message: chosen.message } : {}),
  }
}
