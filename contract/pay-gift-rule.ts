// A pay-then-member rule's own checks (member-card-management §8.4.1, card/paygiftcard/add), as a pure
// function: the server's WeChat client refuses with the first problem (server/wechat/paygiftcard.ts) and
// the console's 买单送会员卡 form shows each as it is typed.

/** §8.4.1 note 6: "A single set of only 10 mchid". */
export const MAX_MCHIDS_PER_RULE = 10
/** WeChat stores timestamps as 32-bit seconds. */
const MAX_TIMESTAMP = 2147483647
const MAX_FEN = 100_000_000

export interface PayGiftRuleProblem {
  field: string
  rule: string
}

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

export function payGiftRuleProblems(rule: unknown): PayGiftRuleProblem[] {
  const out: PayGiftRuleProblem[] = []
  const fail = (field: string, r: string) => out.push({ field: `rule_info.${field}`, rule: r })
  if (!isObj(rule)) return [{ field: 'rule_info', rule: 'is required' }]
  if (rule.type !== 'RULE_TYPE_PAY_MEMBER_CARD') fail('type', 'must be RULE_TYPE_PAY_MEMBER_CARD')
  const b = isObj(rule.base_info) ? rule.base_info : undefined
  if (!b) fail('base_info', 'is required')
  else {
    const list = b.mchid_list
    if (!Array.isArray(list) || list.length < 1 || list.length > MAX_MCHIDS_PER_RULE)
      fail('base_info.mchid_list', `must hold 1 to ${MAX_MCHIDS_PER_RULE} entries`)
    else if (list.some((m) => typeof m !== 'string' || !/^\d{1,20}$/.test(m)))
      fail('base_info.mchid_list', 'holds merchant numbers (digits)')
    for (const k of ['begin_time', 'end_time'] as const) {
      if (!isInt(b[k]) || (b[k] as number) < 0 || (b[k] as number) > MAX_TIMESTAMP)
        fail(`base_info.${k}`, 'must be a whole number of seconds before 2038-01-19')
    }
    if (isInt(b.begin_time) && isInt(b.end_time) && b.end_time <= b.begin_time) fail('base_info.end_time', 'must be after begin_time')
  }
  // "Member_rule … is currently set to be filled in when you pay as a member": card_id, least_cost, max_cost are yes.
  const m = isObj(rule.member_rule) ? rule.member_rule : undefined
  if (!m) fail('member_rule', 'is required for RULE_TYPE_PAY_MEMBER_CARD')
  else {
    if (typeof m.card_id !== 'string' || !m.card_id) fail('member_rule.card_id', 'is required')
    for (const k of ['least_cost', 'max_cost'] as const)
      if (!isInt(m[k]) || (m[k] as number) < 0 || (m[k] as number) > MAX_FEN)
        fail(`member_rule.${k}`, `must be whole fen from 0 to ${MAX_FEN}`)
    if (isInt(m.least_cost) && isInt(m.max_cost) && m.max_cost < m.least_cost) fail('member_rule.max_cost', 'must not be below least_cost')
    if (m.jump_url !== undefined && m.app_brand_id !== undefined)
      fail('member_rule.app_brand_id', 'and jump_url are alternatives: give one')
    if (m.app_brand_pass !== undefined && m.app_brand_id === undefined) fail('member_rule.app_brand_pass', 'needs app_brand_id')
    if ('app_brand_user_name' in m) fail('member_rule.app_brand_user_name', 'is not a field of this API: use app_brand_id')
  }
  return out
}
