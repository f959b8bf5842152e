// card/paygiftcard/{add,delete,getbyid,batchget}: pay-then-member rules (member-card-management §8.4),
// in the document's shapes: app_brand_id / app_brand_pass, at most 10 mchid a call, integer rule_id,
// per-mchid failures in fail_mchid_list.
import { MAX_MCHIDS_PER_RULE, payGiftRuleProblems } from '../../contract/pay-gift-rule'
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

export { MAX_MCHIDS_PER_RULE }

/** The rule's checks live in contract/pay-gift-rule.ts (the console's form runs them too); the first problem is the refusal. */
export function checkPayGiftRule(rule: PayGiftCardRule, r: Rules = new Rules('card/paygiftcard/add')): void {
  const [p] = payGiftRuleProblems(rule)
  if (p) r.fail(p.field, p.rule)
}

const ruleId = (r: Rules, id: number) => r.int('rule_id', id, 1, Number.MAX_SAFE_INTEGER)

export class PayGiftCardApi {
  constructor(private readonly t: WxTransport) {}

  async add(rule: PayGiftCardRule) {
    checkPayGiftRule(rule)
    return this.t.call<{ rule_id: number; fail_mchid_list?: FailMchid[]; succ_mchid_list?: string[] }>('card/paygiftcard/add', {
      body: { rule_info: rule },
    })
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
    return this.t.call<{ rule_list: StoredPayGiftCardRule[]; total_count: number }>('card/paygiftcard/batchget', {
      body: req,
      idempotent: true,
    })
  }
}
