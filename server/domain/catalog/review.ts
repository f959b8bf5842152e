// WeChat's review of the cards the merchant creates, recorded on the card's own definition whichever kind
// it is: a gift card (gift_cards), a coupon (coupons) or a member card (member_cards). WeChat reviews
// every card it creates ("创建卡券成功并通过审核后,商家可以...将卡券下发给用户", card-api-guide.zh.txt
// line 57) and pushes the verdict ("生成的卡券通过审核时,微信会把这个事件推送到开发者填写的URL",
// friend-coupons.zh.txt line 436): card_pass_check, or card_not_pass_check with its RefuseReason
// (server/wechat/events.ts). An edit WeChat answers with send_check true ("true为修改字段后重新提审,该卡券的
// 状态变为审核中", friend-coupons.zh.txt line 1614) puts the card back under review with no reason.
import type { ReviewStatus } from '../../../contract/console'
import { clock } from '../../clock'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'

export type { ReviewStatus }

/** What a definition keeps of its review; a record from before reviews were kept has neither (PENDING). */
export interface Reviewed {
  reviewStatus?: ReviewStatus
  /** WeChat's RefuseReason, while the card stays REJECTED ('' otherwise) */
  reviewReason?: string
}

/** A card just created or sent back to review: PENDING, no refusal standing. */
export const PENDING_REVIEW = { reviewStatus: 'PENDING', reviewReason: '' } as const satisfies Required<Reviewed>

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

/** A definition's review as the console reads it: the status (PENDING when never recorded), the reason only while refused. */
export function reviewView(def: Reviewed): { reviewStatus: ReviewStatus; reviewReason?: string } {
  const reviewStatus = def.reviewStatus ?? 'PENDING'
  return reviewStatus === 'REJECTED' && def.reviewReason ? { reviewStatus, reviewReason: def.reviewReason } : { reviewStatus }
}
