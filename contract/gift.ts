// The gift function's answers, as the Mini Program and the server both see them (docs/functions-api.md,
// gift). Types only: imported with `import type`, so nothing here reaches a bundle.
export type GiftStatus = 'PENDING' | 'CLAIMED' | 'RETURNED'

/** A gift as gift.get and the lists show it; never the other person's openid. */
export interface Gift {
  giftId: string
  status: GiftStatus
  from: string
  message: string
  face?: string
  title: string
  /** fen */
  amount: number
  cardId: string
  createdAt: number
  expiresAt: number
  claimedAt?: number
  returnedAt?: number
  /** the caller sent it */
  mine: boolean
  /** the caller claimed it */
  claimedByMe: boolean
  /** claimed, and the card is in the claimer's card bag (gift.get, for the claimer and the giver) */
  added?: boolean
}
