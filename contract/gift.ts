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
  /** the caller's own claim (a claimer), else when the last card was claimed */
  claimedAt?: number
  returnedAt?: number
  /** the caller sent it */
  mine: boolean
  /** the caller claimed it */
  claimedByMe: boolean
  /** claimed, and the card is in the claimer's card bag (gift.get: for the claimer their card, for the giver every claimed card) */
  added?: boolean
  /** cards in the gift: 1, or N for a group gift shared into a group chat (issue 28) */
  count: number
  /** cards still to be claimed (0 once CLAIMED or RETURNED) */
  remaining: number
  /** who claimed, first first: the names they told us (or a stable alias), never openids */
  claims: GiftClaimView[]
}

/** One claim of a gift's cards as anyone with the link sees it. */
export interface GiftClaimView {
  name: string
  claimedAt: number
}
