// card/paygiftcard/{add,delete,getbyid,batchget}: pay-then-member rules (member-card-management §8.4),
// in the document's shapes: app_brand_id / app_brand_pass, at most 10 mchid a call, integer rule_id,
// per-mchid failures in fail_mchid_list.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface PayGiftCardRule {
  type: 'RULE_TYPE_PAY_MEMBER_CARD'
  base_info: { mchid_list: string[]; begin_time: number; end_time: number }
  member_rule: { card_id: string; least_cost: number; max_cost: number; jump_url?: string; app_brand_id?: string; app_brand_pass?: string }
}

export interface StoredPayGiftCardRule extends PayGiftCardRule {
  base_info: PayGiftCardRule['base_info'] & { status: string; create_time: number; update_time: number }
}

/** One mchid the rule could not take: 72001 another subject, 72004 used by rule occupy_rule_id. */
export interface FailMchid {
  mchid: string
  errcode: number
  errmsg: string
  occupy_rule_id?: number
  occupy_appid?: string
}

/** §8.4.1 note 6: "A single set of only 10 mchid". */
export const MAX_MCHIDS_PER_RULE = 10

export function checkPayGiftRule(rule: PayGiftCardRule, r: Rules = new Rules('card/paygiftcard/add')): void {
  if (!rule || typeof rule !== 'object') r.fail('rule_info', 'is required')
  r.oneOf('rule_info.type', rule.type, ['RULE_TYPE_PAY_MEMBER_CARD'])
  if (!rule.base_info || typeof rule.base_info !== 'object') r.fail('rule_info.base_info', 'is required')
  r.count('rule_info.base_info.mchid_list', rule.base_info.mchid_list, 1, MAX_MCHIDS_PER_RULE)
  for (const m of rule.base_info.mchid_list) if (typeof m !== 'string' || !/^\d{1,20}$/.test(m)) r.fail('rule_info.base_info.mchid_list', 'holds merchant numbers (digits)')
  r.timestamp('rule_info.base_info.begin_time', rule.base_info.begin_time, true)
  r.timestamp('rule_info.base_info.end_time', rule.base_info.end_time, true)
  if (rule.base_info.end_time <= rule.base_info.begin_time) r.fail('rule_info.base_info.end_time', 'must be after begin_time')
  const m = rule.member_rule
  // "Member_rule … is currently set to be filled in when you pay as a member": card_id, least_cost, max_cost are yes.
  if (!m || typeof m !== 'object') r.fail('rule_info.member_rule', 'is required for RULE_TYPE_PAY_MEMBER_CARD')
  if (typeof m.card_id !== 'string' || !m.card_id) r.fail('rule_info.member_rule.card_id', 'is required')
  r.int('rule_info.member_rule.least_cost', m.least_cost, 0, 100_000_000)
  r.int('rule_info.member_rule.max_cost', m.max_cost, 0, 100_000_000)
  if (m.max_cost < m.least_cost) r.fail('rule_info.member_rule.max_cost', 'must not be below least_cost')
  if (m.jump_url !== undefined && m.app_brand_id !== undefined) r.fail('rule_info.member_rule.app_brand_id', 'and jump_url are alternatives: give one')
  if (m.app_brand_pass !== undefined && m.app_brand_id === undefined) r.fail('rule_info.member_rule.app_brand_pass', 'needs app_brand_id')
  if ('app_brand_user_name' in (m as object)) r.fail('rule_info.member_rule.app_brand_user_name', 'is not a field of this API: use app_brand_id')
}

const ruleId = (r: Rules, id: number) => r.int('rule_id', id, 1, Number.MAX_SAFE_INTEGER)

export class PayGiftCardApi {
  constructor(private readonly t: WxTransport) {}

  async add(rule: PayGiftCardRule) {
    checkPayGiftRule(rule)
    return this.t.call<{ rule_id: number; fail_mchid_list?: FailMchid[]; succ_mchid_list?: string[] }>('card/paygiftcard/add', { body: { rule_info: rule } })
  }

  async delete(id: number) {
    ruleId(new Rules('card/paygiftcard/delete'), id)
    return this.t.call('card/paygiftcard/delete', { body: { rule_id: id }, idempotent: true })
  }

  async getById(id: number) {
    ruleId(new Rules('card/paygiftcard/getbyid'), id)
    return this.t.call<{ rule_info: StoredPayGiftCardRule }>('card/paygiftcard/getbyid', { body: { rule_id: id }, idempotent: true })
  }

  /** effective true: only the rules in effect now. */
  async batchGet(req: { type: 'RULE_TYPE_PAY_MEMBER_CARD'; effective: boolean; offset: number; count: number }) {
    const r: Rules = new Rules('card/paygiftcard/batchget')
    r.oneOf('type', req.type, ['RULE_TYPE_PAY_MEMBER_CARD'])
    if (typeof req.effective !== 'boolean') r.fail('effective', 'must be true or false')
    r.int('offset', req.offset, 0, Number.MAX_SAFE_INTEGER)
    r.int('count', req.count, 1, 100)
    return this.t.call<{ rule_list: StoredPayGiftCardRule[]; total_count: number }>('card/paygiftcard/batchget', { body: req, idempotent: true })
  }
}
