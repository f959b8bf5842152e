// card/paygiftcard/{add,delete,getbyid,batchget}: pay-then-member rules (member-card-management).
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface PayGiftCardRule {
  type: 'RULE_TYPE_PAY_MEMBER_CARD'
  base_info: { mchid_list: string[]; begin_time: number; end_time: number }
  member_rule?: { card_id: string; least_cost: number; max_cost: number; jump_url?: string; app_brand_user_name?: string; app_brand_pass?: string }
}

export class PayGiftCardApi {
  constructor(private readonly t: WxTransport) {}

  async add(rule: PayGiftCardRule) {
    const r: Rules = new Rules('card/paygiftcard/add')
    r.oneOf('rule_info.type', rule?.type, ['RULE_TYPE_PAY_MEMBER_CARD'])
    r.count('rule_info.base_info.mchid_list', rule.base_info?.mchid_list, 1, 100)
    r.timestamp('rule_info.base_info.begin_time', rule.base_info.begin_time, true)
    r.timestamp('rule_info.base_info.end_time', rule.base_info.end_time, true)
    if (rule.base_info.end_time <= rule.base_info.begin_time) r.fail('rule_info.base_info.end_time', 'must be after begin_time')
    if (rule.member_rule) {
      r.int('rule_info.member_rule.least_cost', rule.member_rule.least_cost, 0, 100_000_000)
      r.int('rule_info.member_rule.max_cost', rule.member_rule.max_cost, 0, 100_000_000)
      if (rule.member_rule.max_cost < rule.member_rule.least_cost) r.fail('rule_info.member_rule.max_cost', 'must not be below least_cost')
    }
    return this.t.call<{ rule_id: string; fail_mchid_list?: unknown[]; succ_mchid_list?: string[] }>('card/paygiftcard/add', { body: { rule_info: rule } })
  }

  async delete(ruleId: string) {
    return this.t.call('card/paygiftcard/delete', { body: { rule_id: ruleId }, idempotent: true })
  }

  async getById(ruleId: string) {
    return this.t.call<{ rule_info: PayGiftCardRule & { rule_id: string } }>('card/paygiftcard/getbyid', { body: { rule_id: ruleId }, idempotent: true })
  }

  async batchGet(req: { type: 'RULE_TYPE_PAY_MEMBER_CARD'; effective: boolean; offset: number; count: number }) {
    const r: Rules = new Rules('card/paygiftcard/batchget')
    r.int('offset', req.offset, 0, Number.MAX_SAFE_INTEGER)
    r.int('count', req.count, 1, 100)
    return this.t.call<{ rule_list: unknown[]; total_count: number }>('card/paygiftcard/batchget', { body: req, idempotent: true })
  }
}
