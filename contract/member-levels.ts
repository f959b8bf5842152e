// A member card's levels and its points rule (bonus_rule, member-card-management §8.2), as pure
// functions: the merchant function refuses with the first problem (server/domain/catalog/member-cards.ts,
// server/wechat/member-card-rules.ts) and the console's member-card form shows each as it is typed.

import { utf8Length } from './card-rules'

export interface MemberLevelInput {
  name: string
  minBonus: number
}

export interface MemberRuleProblem {
  /** levels[1].name, bonus_rule.cost_money_unit … */
  field: string
  rule: string
}

/** A level's name shows in the card bag's custom_field1: at most 4 characters (12 UTF-8 bytes). */
export const LEVEL_NAME_CHARS = 4
export const MAX_LEVELS = 10
const MAX = 100_000_000

const isWhole = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX

export function levelProblems(levels: unknown): MemberRuleProblem[] {
  if (!Array.isArray(levels) || levels.length > MAX_LEVELS)
    return [{ field: 'levels', rule: `must be a list of at most ${MAX_LEVELS} levels` }]
  const out: MemberRuleProblem[] = []
  levels.forEach((l: Partial<MemberLevelInput> | null, i) => {
    const name = l?.name
    if (typeof name !== 'string' || !name) out.push({ field: `levels[${i}].name`, rule: 'is required' })
    else if ([...name].length > LEVEL_NAME_CHARS || utf8Length(name) > LEVEL_NAME_CHARS * 3)
      out.push({ field: `levels[${i}].name`, rule: `must be at most ${LEVEL_NAME_CHARS} characters (${LEVEL_NAME_CHARS * 3} UTF-8 bytes)` })
    if (!isWhole(l?.minBonus, 0)) out.push({ field: `levels[${i}].minBonus`, rule: `must be an integer from 0 to ${MAX}` })
  })
  return out
}

/** bonus_rule: whole numbers; a rule that earns points per money unit needs both halves, and a unit of at least 1 fen. */
export function bonusRuleProblems(rule: unknown): MemberRuleProblem[] {
  if (rule === undefined) return []
  if (typeof rule !== 'object' || rule === null) return [{ field: 'bonus_rule', rule: 'must be an object' }]
  const out: MemberRuleProblem[] = []
  const b = rule as Record<string, unknown>
  for (const [k, n] of Object.entries(b))
    if (!isWhole(n, 0)) out.push({ field: `bonus_rule.${k}`, rule: `must be an integer from 0 to ${MAX}` })
  if ((b.cost_money_unit === undefined) !== (b.increase_bonus === undefined))
    out.push({ field: 'bonus_rule.increase_bonus', rule: 'and cost_money_unit go together' })
  if (b.cost_money_unit === 0) out.push({ field: 'bonus_rule.cost_money_unit', rule: 'must be at least 1 fen' })
  return out
}
