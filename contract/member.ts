// The member function's answers (docs/functions-api.md, member), as the Mini Program and the server
// both see them. Types only: imported with `import type`, so nothing here reaches a bundle.

/** What our activation page asks for; phone always. */
export type ActivationField = 'phone' | 'name' | 'birthday'

/** One of the caller's member cards (member.mine). */
export interface MemberCardView {
  cardId: string
  code: string
  title: string
  /** '' until activated */
  membershipNumber: string
  activated: boolean
  /** points */
  bonus: number
  /** stored value, fen */
  balance: number
  /** the level's name, '' when the card has no levels */
  level: string
  status: string
  /** the benefits (prerogative) */
  prerogative: string
  supplyBonus: boolean
  supplyBalance: boolean
  activationFields: ActivationField[]
  backgroundPicUrl?: string
}

/** A member card the merchant offers (member.offered). */
export interface OfferedMemberCard {
  cardId: string
  title: string
  brandName: string
  prerogative: string
  supplyBonus: boolean
  supplyBalance: boolean
  levels: { name: string; minBonus: number }[]
  activationFields: ActivationField[]
  backgroundPicUrl?: string
}

/** A recharge's states; the last three once the merchant refunded it (merchant.orderRefund). */
export type RechargeStatus = 'CREATED' | 'PAID' | 'CREDITED' | 'REFUNDING' | 'REFUND_FAILED' | 'REFUNDED'

export interface PointsEntryView {
  entryId: string
  kind: 'activate' | 'earn' | 'adjust' | 'unearn'
  amount: number
  bonusAfter: number
  createdAt: number
  reason?: string
}
