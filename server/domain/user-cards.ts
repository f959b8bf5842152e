// One gift card in one person's card bag, keyed by WeChat's (card_id, code). The Mini Program openid
// (mpOpenid) and the Service Account openid (saOpenid) of the holder are joined on that key.
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store, StoredDoc } from '../store/port'

export type UserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE'

export interface UserCardDoc extends StoredDoc {
  cardId: string
  code: string
  mpOpenid?: string
  saOpenid?: string
  unionid?: string
  title: string
  /** fen */
  balance: number
  status: UserCardStatus
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
  updatedAt: number
}

/** The card as the Mini Program sees it (functions-api.md `Card`). */
export interface CardView {
  cardId: string
  code: string
  title: string
  balance: number
  status: UserCardStatus
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
}

export const userCardId = (cardId: string, code: string) => `${cardId}:${code}`

export function toCardView(doc: UserCardDoc): CardView {
  const view: CardView = {
    cardId: doc.cardId,
    code: doc.code,
    title: doc.title,
    balance: doc.balance,
    status: doc.status,
    beginTime: doc.beginTime,
    endTime: doc.endTime,
  }
  if (doc.backgroundPicUrl) view.backgroundPicUrl = doc.backgroundPicUrl
  return view
}

/** A person holds at most this many cards in view; the list pages by the query limit of the database. */
const LIST_LIMIT = 1000

export async function listCardsOf(store: Store, mpOpenid: string): Promise<CardView[]> {
  const docs = await store.find<UserCardDoc>(Collections.userCards, { mpOpenid }, {
    orderBy: { field: 'updatedAt', direction: 'desc' },
    limit: LIST_LIMIT,
  })
  return docs.map(toCardView)
}

/** The caller's card, or NOT_FOUND; another person's card is refused as FORBIDDEN (and logged). */
export async function cardOf(store: Store, mpOpenid: string, cardId: string, code: string): Promise<UserCardDoc> {
  const doc = await store.get<UserCardDoc>(Collections.userCards, userCardId(cardId, code))
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with that code`)
  if (doc.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
  return doc
}
