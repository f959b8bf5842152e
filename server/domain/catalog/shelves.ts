// A shelf (gift-card-api.en.txt, card/giftcard/page/add): the hosted page that sells gift cards, as we keep it.
import type { StoredDoc } from '../../store/port'
import type { GiftCardPage } from '../../wechat/giftcard-page'

export interface ShelfDoc extends StoredDoc {
  page: GiftCardPage
  maintain: boolean
  createdAt: number
  updatedAt: number
}
