// card.listMine's `pending`: a paid order whose cards are not in the card bag yet (a cancelled add
// sheet, a closed page), as the Mini Program and the server both see it. Types only.
export interface PendingOrder {
  orderId: string
  cardId: string
  title: string
  /** fen, one card */
  price: number
  /** cards of the order still to add */
  count: number
  backgroundPicUrl?: string
}
