// WeChat's review of the cards the merchant creates, as each definition keeps it: a gift card's (gift_cards),
// a coupon's (coupons) and a member card's (member_cards); events/card-review.ts records the verdicts on
// whichever holds the card, each room records PENDING on its own at creation. WeChat reviews
// every card it creates ("创建卡券成功并通过审核后,商家可以...将卡券下发给用户", card-api-guide.zh.txt
// line 57) and pushes the verdict ("生成的卡券通过审核时,微信会把这个事件推送到开发者填写的URL",
// friend-coupons.zh.txt line 436): card_pass_check, or card_not_pass_check with its RefuseReason
// (server/wechat/events.ts). An edit WeChat answers with send_check true ("true为修改字段后重新提审,该卡券的
// 状态变为审核中", friend-coupons.zh.txt line 1614) puts the card back under review with no reason.
import type { ReviewStatus } from '../../../contract/console'

export type { ReviewStatus }

/** What a definition keeps of its review; a record from before reviews were kept has neither (PENDING). */
export interface Reviewed {
  reviewStatus?: ReviewStatus
  /** WeChat's RefuseReason, while the card stays REJECTED ('' otherwise) */
  reviewReason?: string
}

/** A card just created or sent back to review: PENDING, no refusal standing. */
export const PENDING_REVIEW = { reviewStatus: 'PENDING', reviewReason: '' } as const satisfies Required<Reviewed>

/** A definition's review as the console reads it: the status (PENDING when never recorded), the reason only while refused. */
export function reviewView(def: Reviewed): { reviewStatus: ReviewStatus; reviewReason?: string } {
  const reviewStatus = def.reviewStatus ?? 'PENDING'
  return reviewStatus === 'REJECTED' && def.reviewReason ? { reviewStatus, reviewReason: def.reviewReason } : { reviewStatus }
}
