// WeChat's verdict on a card the merchant created (card_pass_check; card_not_pass_check with RefuseReason,
// server/wechat/events.ts) and a resubmission (card/update answered send_check true, friend-coupons.zh.txt
// line 1614), recorded on the card's definition whichever room keeps it: catalog's gift cards and member
// cards, coupons' coupons. What the fields mean is catalog/review.ts.
import { clock } from '../../clock'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { PENDING_REVIEW, type ReviewStatus } from '../catalog/review'

/** The collections a card's definition may be in: each card/create records its card_id in exactly one. */
const REVIEWED_COLLECTIONS = [Collections.giftCards, Collections.coupons, Collections.memberCards] as const

/**
 * Records a review state on whichever definition holds `cardId`: one single-document update per
 * collection in turn (at most three, no query), stopping at the one that holds it. A card_id none of
 * them holds (a card made outside this product) changes nothing.
 */
export async function recordReview(store: Store, cardId: string, reviewStatus: ReviewStatus, reviewReason = ''): Promise<void> {
  if (!cardId) return
  for (const collection of REVIEWED_COLLECTIONS) {
    if (await store.update(collection, cardId, { reviewStatus, reviewReason, updatedAt: clock.now() })) return
  }
}

/** card/update answered send_check true: the card (gift card, coupon or member card) is under review again, its old refusal gone. */
export async function reviewSubmitted(store: Store, cardId: string): Promise<void> {
  await recordReview(store, cardId, PENDING_REVIEW.reviewStatus, PENDING_REVIEW.reviewReason)
}
