// A pay-then-member rule (买单送会员卡, member-card-management §8.4.1) as a merchant fills it in: the
// member card, the WeChat Pay merchant numbers, the amount range in yuan and the dates, turned into
// card/paygiftcard/add's rule_info and judged by contract/pay-gift-rule.ts, the WeChat client's own check.
import { payGiftRuleProblems } from '../../contract/pay-gift-rule'
import { dateToSec, parseYuan } from './giftcard-form'

export interface PayGiftForm {
  cardId: string
  /** merchant numbers separated by commas or spaces */
  mchids: string
  leastCost: string
  maxCost: string
  beginDate: string
  endDate: string
}

export type PayGiftField = keyof PayGiftForm
export type PayGiftError = { kind: 'required' } | { kind: 'yuan' } | { kind: 'date' } | { kind: 'rule'; field: PayGiftField }

const FIELD_OF: Record<string, PayGiftField> = {
  'rule_info.base_info.mchid_list': 'mchids',
  'rule_info.base_info.begin_time': 'beginDate',
  'rule_info.base_info.end_time': 'endDate',
  'rule_info.member_rule.card_id': 'cardId',
  'rule_info.member_rule.least_cost': 'leastCost',
  'rule_info.member_rule.max_cost': 'maxCost',
}

export function payGiftRule(f: PayGiftForm) {
  return {
    type: 'RULE_TYPE_PAY_MEMBER_CARD' as const,
    base_info: {
      mchid_list: f.mchids.split(/[\s,，]+/).filter(Boolean),
      begin_time: dateToSec(f.beginDate) ?? -1,
      end_time: dateToSec(f.endDate, true) ?? -1,
    },
    member_rule: { card_id: f.cardId, least_cost: parseYuan(f.leastCost) ?? -1, max_cost: parseYuan(f.maxCost) ?? -1 },
  }
}

export function checkPayGiftForm(f: PayGiftForm): Partial<Record<PayGiftField, PayGiftError>> {
  const errors: Partial<Record<PayGiftField, PayGiftError>> = {}
  for (const k of Object.keys(f) as PayGiftField[]) if (!f[k].trim()) errors[k] = { kind: 'required' }
  for (const k of ['leastCost', 'maxCost'] as const) if (!errors[k] && parseYuan(f[k]) === undefined) errors[k] = { kind: 'yuan' }
  if (!errors.beginDate && dateToSec(f.beginDate) === undefined) errors.beginDate = { kind: 'date' }
  if (!errors.endDate && dateToSec(f.endDate, true) === undefined) errors.endDate = { kind: 'date' }
  for (const p of payGiftRuleProblems(payGiftRule(f))) {
    const k = FIELD_OF[p.field]
    if (k && !errors[k]) errors[k] = { kind: 'rule', field: k }
  }
  return errors
}
