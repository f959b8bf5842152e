// A member card as a merchant fills it in: its texts, points (bonus_rule) and stored value, and its
// levels, turned into merchant.memberCardCreate's input (card/create MEMBER_CARD, member-card-management
// §8.2, plus `levels`). Levels and the points rule are judged by contract/member-levels.ts, the texts
// by contract/card-rules.ts baseInfoLimits: the same rules the merchant function applies.
import { baseInfoLimits } from '../../contract/card-rules'
import { bonusRuleProblems, levelProblems } from '../../contract/member-levels'
import { parseYuan, utf8Bytes } from './giftcard-form'

export interface MemberCardForm {
  title: string
  brandName: string
  logoUrl: string
  notice: string
  description: string
  prerogative: string
  supplyBonus: boolean
  /** yuan spent for `increaseBonus` points, e.g. "1" */
  costMoney: string
  increaseBonus: string
  /** points on activation */
  initBonus: string
  supplyBalance: boolean
  levels: { name: string; minBonus: string }[]
}

export type MemberField =
  'title' | 'brandName' | 'logoUrl' | 'notice' | 'description' | 'prerogative' | 'costMoney' | 'increaseBonus' | 'initBonus'
export type MemberFormError =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'image' }
  | { kind: 'yuan' }
  | { kind: 'number' }
  | { kind: 'levelName' }
  | { kind: 'levelBonus' }
  | { kind: 'bonusRule' }

export const MEMBER_REQUIRED: MemberField[] = ['title', 'brandName', 'logoUrl', 'notice', 'description', 'prerogative']

const whole = (s: string) => (/^\d{1,9}$/.test(s.trim()) ? Number(s) : undefined)

export function emptyMemberCardForm(): MemberCardForm {
  return {
    title: '',
    brandName: '',
    logoUrl: '',
    notice: '使用时向服务员出示此卡',
    description: '',
    prerogative: '',
    supplyBonus: true,
    costMoney: '1',
    increaseBonus: '1',
    initBonus: '0',
    supplyBalance: true,
    levels: [{ name: '普通', minBonus: '0' }],
  }
}

/** bonus_rule of the form (fen per unit), leaving out what cannot be read so the rule reports it. */
function bonusRuleOf(f: MemberCardForm): Record<string, number> | undefined {
  if (!f.supplyBonus) return undefined
  const cost = parseYuan(f.costMoney)
  const inc = whole(f.increaseBonus)
  const init = whole(f.initBonus)
  return {
    ...(cost !== undefined ? { cost_money_unit: cost } : {}),
    ...(inc !== undefined ? { increase_bonus: inc } : {}),
    ...(init !== undefined ? { init_increase_bonus: init } : {}),
  }
}

const levelsOf = (f: MemberCardForm) => f.levels.map((l) => ({ name: l.name.trim(), minBonus: whole(l.minBonus) ?? -1 }))

export function checkMemberCardForm(f: MemberCardForm): {
  fields: Partial<Record<MemberField, MemberFormError>>
  levels: ({ name?: MemberFormError; minBonus?: MemberFormError } | undefined)[]
} {
  const fields: Partial<Record<MemberField, MemberFormError>> = {}
  for (const k of MEMBER_REQUIRED) if (k !== 'logoUrl' && !f[k].trim()) fields[k] = { kind: 'required' }
  const limits = baseInfoLimits('MEMBER_CARD', false)
  const texts: [MemberField, number][] = [
    ['title', limits.title.max],
    ['brandName', limits.brand_name.max],
    ['notice', limits.notice.max],
    ['description', limits.description.max],
    ['prerogative', 1000],
  ]
  for (const [k, max] of texts) if (!fields[k] && utf8Bytes(f[k].trim()) > max * 3) fields[k] = { kind: 'tooLong', max }
  if (!/^https?:\/\//.test(f.logoUrl)) fields.logoUrl = { kind: 'image' }
  if (f.supplyBonus) {
    if (parseYuan(f.costMoney) === undefined) fields.costMoney = { kind: 'yuan' }
    if (whole(f.increaseBonus) === undefined) fields.increaseBonus = { kind: 'number' }
    if (whole(f.initBonus) === undefined) fields.initBonus = { kind: 'number' }
    const byField: Record<string, MemberField> = {
      'bonus_rule.cost_money_unit': 'costMoney',
      'bonus_rule.increase_bonus': 'increaseBonus',
      'bonus_rule.init_increase_bonus': 'initBonus',
    }
    for (const p of bonusRuleProblems(bonusRuleOf(f))) {
      const k = byField[p.field]
      if (k && !fields[k]) fields[k] = { kind: 'bonusRule' }
    }
  }
  const levels: ({ name?: MemberFormError; minBonus?: MemberFormError } | undefined)[] = f.levels.map(() => undefined)
  for (const p of levelProblems(levelsOf(f))) {
    const m = /^levels\[(\d+)\]\.(name|minBonus)$/.exec(p.field)
    if (!m) continue
    const i = Number(m[1])
    levels[i] = {
      ...levels[i],
      [m[2]!]: m[2] === 'name' ? (f.levels[i]!.name.trim() ? { kind: 'levelName' } : { kind: 'required' }) : { kind: 'levelBonus' },
    }
  }
  return { fields, levels }
}

export const memberFormHasErrors = (c: ReturnType<typeof checkMemberCardForm>) => Object.keys(c.fields).length > 0 || c.levels.some(Boolean)

/** merchant.memberCardCreate's input. Activation on the Mini Program's own page (member/pages/activate). */
export function memberCardInput(f: MemberCardForm, mpUsername?: string) {
  const levels = levelsOf(f)
  const rule = bonusRuleOf(f)
  return {
    card: {
      card_type: 'MEMBER_CARD',
      member_card: {
        base_info: {
          logo_url: f.logoUrl,
          brand_name: f.brandName.trim(),
          code_type: 'CODE_TYPE_QRCODE',
          title: f.title.trim(),
          color: 'Color010',
          notice: f.notice.trim(),
          description: f.description.trim(),
          date_info: { type: 'DATE_TYPE_PERMANENT' },
          sku: { quantity: 100000 },
          get_limit: 1,
          use_custom_code: false,
          can_give_friend: false,
        },
        supply_bonus: f.supplyBonus,
        supply_balance: f.supplyBalance,
        prerogative: f.prerogative.trim(),
        ...(rule ? { bonus_rule: rule } : {}),
        ...(mpUsername
          ? { activate_app_brand_user_name: mpUsername, activate_app_brand_pass: 'member/pages/activate/index' }
          : { auto_activate: true }),
        // The level shows in the card bag's first custom field (the merchant function asks for it with levels).
        ...(levels.length ? { custom_field1: { name_type: 'FIELD_NAME_TYPE_LEVEL' } } : {}),
      },
    },
    levels,
    activationFields: ['phone', 'name'] as ('phone' | 'name')[],
  }
}
