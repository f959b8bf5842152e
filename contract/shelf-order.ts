// card.shelfOrder's answer: the hosted-shelf order a shelf cell opened (gift-card-api §7.2 note 3,
// §14.2), as the Mini Program and the server both see it. Types only.
export interface ShelfOrderView {
  orderId: string
  state: string
  /** fen */
  totalPrice: number
  createTime: number
  isChatRoom: boolean
  cards: { cardId: string; code: string; price: number; title: string; balance: number; status: string }[]
}
