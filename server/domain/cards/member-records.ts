// A member's record (membership number, activation, the form's values) and the member card as the
// person sees it: read by the sync (what WeChat shows) and by members.ts, which writes it.
import { createHash } from 'node:crypto'
import type { MemberCardView } from '../../../contract/member'
import type { StoredDoc } from '../../store/port'
import type { FormField } from '../../wechat/member-card'
import { levelFor, type MemberCardDoc } from '../catalog/member-cards'
import type { UserCardDoc } from './user-cards'

export interface MemberDoc extends StoredDoc {
  cardId: string
  code: string
  mpOpenid?: string
  membershipNumber: string
  activated: boolean
  activatedAt?: number
  phone?: string
  name?: string
  birthday?: string
  /** a level the merchant set (memberSetLevel); otherwise the level follows the points */
  level?: string
  /** the values WeChat's own form collected (wx_activate, submit_membercard_user_info) */
  wxForm?: FormField[]
  createdAt: number
  updatedAt: number
}

/** member.mine's card (contract/member.ts), its status as our records know it. */
export type MemberView = MemberCardView & { status: UserCardDoc['status'] }

/** A membership number for (card, code): deterministic, so a retried activation sends the same one (≤ 20 characters). */
export function membershipNumberFor(cardId: string, code: string): string {
  const n = BigInt(`0x${createHash('sha256').update(`${cardId}\n${code}`).digest('hex').slice(0, 15)}`) % 10n ** 12n
  return `8${n.toString().padStart(12, '0')}`
}

function levelOf(def: MemberCardDoc | null, card: UserCardDoc, m: MemberDoc | null): string {
  return m?.level || (def ? levelFor(def.levels, card.bonus ?? 0) : '')
}

export function toMemberView(def: MemberCardDoc | null, card: UserCardDoc, m: MemberDoc | null): MemberView {
  return {
    cardId: card.cardId,
    code: card.code,
    title: card.title || def?.title || '',
    membershipNumber: m?.membershipNumber ?? '',
    activated: !!m?.activated,
    bonus: card.bonus ?? 0,
    balance: card.balance,
    level: levelOf(def, card, m),
    status: card.status,
    prerogative: def?.prerogative ?? '',
    supplyBonus: !!def?.supplyBonus,
    supplyBalance: !!def?.supplyBalance,
    activationFields: def?.activationFields ?? ['phone'],
    ...((card.backgroundPicUrl ?? def?.backgroundPicUrl) ? { backgroundPicUrl: card.backgroundPicUrl ?? def?.backgroundPicUrl } : {}),
  }
}
