// The member function's actions (docs/functions-api.md, member, #13): the consumer's member cards.
import * as v from 'valibot'
import type { MemberCardView, OfferedMemberCard, PointsEntryView, RechargeStatus } from '../member'
import { defineActions } from './define'
import { CARD_ID, CODE, int, NONE, RENEW_TICKET, REQUEST_ID, str, typed } from './fields'
import { cardList, entry, payment } from './views'

/** China mainland mobile numbers: 11 digits starting 1[3-9]. */
export const PHONE = /^1[3-9]\d{9}$/
/** One recharge is at most ¥50,000 (a stored-value card is not a bank account). */
export const MAX_RECHARGE_FEN = 5_000_000

/** A real date, written YYYY-MM-DD, not after `now` and not before 1900. */
export function checkBirthday(s: string, now = new Date()): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const t = Date.parse(`${s}T00:00:00Z`)
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) return false
  return t <= now.getTime() && Number(s.slice(0, 4)) >= 1900
}

export const member = defineActions('member', {
  /** Member cards the merchant offers (the join page). */
  offered: { input: NONE, answer: v.object({ cards: v.array(typed<OfferedMemberCard>()) }) },
  join: { input: v.object({ cardId: CARD_ID, renewTicket: RENEW_TICKET }), answer: cardList },
  activate: {
    input: v.object({
      phone: v.pipe(str({ max: 11 }), v.regex(PHONE, 'must be an 11-digit mobile number starting with 1')),
      name: v.optional(
        v.pipe(
          str({ max: 20 }),
          v.trim(),
          v.check((n) => n.length > 0 && !/[\d<>]/.test(n), 'must be 1 to 20 characters, no digits'),
        ),
      ),
      birthday: v.optional(
        v.pipe(
          str({ max: 10 }),
          v.check((b) => checkBirthday(b), 'must be a real past date as YYYY-MM-DD'),
        ),
      ),
      cardId: CARD_ID,
      code: CODE,
    }),
    answer: v.object({ membershipNumber: v.string() }),
  },
  mine: { input: NONE, answer: v.object({ members: v.array(typed<MemberCardView>()) }) },
  /** Points and stored-value history of one of the caller's member cards. */
  history: {
    input: v.object({ cardId: CARD_ID, code: CODE }),
    answer: v.object({ points: v.array(typed<PointsEntryView>()), balance: v.array(entry) }),
  },
  recharge: {
    input: v.object({ cardId: CARD_ID, code: CODE, amount: int({ min: 1, max: MAX_RECHARGE_FEN }), requestId: REQUEST_ID }),
    answer: v.object({ orderId: v.string(), status: typed<RechargeStatus>(), payment: v.optional(payment) }),
  },
  getRecharge: {
    input: v.object({ orderId: str({ max: 32, pattern: /^[A-Z0-9]+$/ }) }),
    answer: v.object({
      recharge: v.object({
        orderId: v.string(),
        status: typed<RechargeStatus>(),
        amount: v.number(),
        cardId: v.string(),
        code: v.string(),
      }),
    }),
  },
})
