// Member cards the merchant offers (member-card-management.en.txt): created and updated through
// WeChat with the document's fields, and remembered here with what the product needs — points rule
// (bonus_rule), stored value, levels, the activation fields — so that updates are checked against the
// card as it stands (supply_* false→true only, dates extended only) before WeChat sees them.
import { levelProblems } from '../../../contract/member-levels'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import type { CardBody, CardCreateRequest } from '../../wechat/card'
import type { WechatClient } from '../../wechat/client'
import { checkMemberUpdate, type BonusRule } from '../../wechat/member-card-rules'
import { Rules } from '../../wechat/rules'
import { clock } from '../../clock'
import { PENDING_REVIEW, reviewView, type Reviewed } from './review'

/** A level a member reaches at `minBonus` points; its name (≤ 4 characters) shows in custom_field1. */
export interface MemberLevel {
  name: string
  minBonus: number
}

/** The fields our activation page asks for (phone is always asked). */
export const ACTIVATION_FIELDS = ['phone', 'name', 'birthday'] as const
export type ActivationField = (typeof ACTIVATION_FIELDS)[number]

/** A member card the merchant created; its review (review.ts) as WeChat's pushes left it. */
export interface MemberCardDoc extends StoredDoc, Reviewed {
  cardId: string
  title: string
  brandName: string
  prerogative: string
  supplyBonus: boolean
  supplyBalance: boolean
  bonusRule: BonusRule
  levels: MemberLevel[]
  /** the activation page asks for these; phone always */
  activationFields: ActivationField[]
  wxActivate: boolean
  autoActivate: boolean
  dateInfo: { type?: string; begin_timestamp?: number; end_timestamp?: number }
  backgroundPicUrl?: string
  /** offered to consumers (member.join) */
  offered: boolean
  createdAt: number
  updatedAt: number
}

export interface MemberCardInput {
  card: CardCreateRequest['card']
  levels?: MemberLevel[]
  activationFields?: ActivationField[]
}

function checkLevels(levels: MemberLevel[]): MemberLevel[] {
  // The rules are the console's too (contract/member-levels.ts); the first problem is the refusal.
  const [p] = levelProblems(levels)
  if (p) new Rules('levels').fail(p.field, p.rule)
  return [...levels].sort((a, b) => a.minBonus - b.minBonus).map((l) => ({ name: l.name, minBonus: l.minBonus }))
}

function checkActivationFields(fields: ActivationField[] | undefined): ActivationField[] {
  const list = fields ?? ['phone']
  const r = new Rules('activationFields')
  for (const f of list) r.oneOf('activationFields', f, ACTIVATION_FIELDS)
  return [...new Set<ActivationField>(['phone', ...list])]
}

/** Creates the card in WeChat (checkCardCreate runs the member rules) and remembers it. */
export async function createMemberCard(store: Store, wx: WechatClient, input: MemberCardInput): Promise<{ cardId: string }> {
  if (input.card?.card_type !== 'MEMBER_CARD') throw new AppError(ErrCode.INVALID_ARGUMENT, 'card.card_type must be MEMBER_CARD')
  const levels = checkLevels(input.levels ?? [])
  const activationFields = checkActivationFields(input.activationFields)
  const body = input.card.member_card as CardBody
  if (levels.length && (body?.custom_field1 as { name_type?: string } | undefined)?.name_type !== 'FIELD_NAME_TYPE_LEVEL') {
    throw new AppError(
      ErrCode.INVALID_ARGUMENT,
      'levels need card.member_card.custom_field1 with name_type FIELD_NAME_TYPE_LEVEL (the level shows there)',
    )
  }
  const { card_id } = await wx.card.create({ card: input.card })
  const bi = body.base_info
  const now = clock.now()
  await store.set<MemberCardDoc>(Collections.memberCards, {
    _id: card_id,
    cardId: card_id,
    title: bi.title,
    brandName: bi.brand_name ?? '',
    prerogative: String(body.prerogative ?? ''),
    supplyBonus: body.supply_bonus === true,
    supplyBalance: body.supply_balance === true,
    bonusRule: (body.bonus_rule ?? {}) as BonusRule,
    levels,
    activationFields,
    wxActivate: body.wx_activate === true,
    autoActivate: body.auto_activate === true,
    dateInfo: { type: bi.date_info.type, begin_timestamp: bi.date_info.begin_timestamp, end_timestamp: bi.date_info.end_timestamp },
    ...(body.background_pic_url ? { backgroundPicUrl: body.background_pic_url } : {}),
    offered: true,
    ...PENDING_REVIEW,
    createdAt: now,
    updatedAt: now,
  })
  return { cardId: card_id }
}

export async function memberCardDef(store: Store, cardId: string): Promise<MemberCardDoc | null> {
  return store.get<MemberCardDoc>(Collections.memberCards, cardId)
}

export async function requireMemberCard(store: Store, cardId: string): Promise<MemberCardDoc> {
  const def = await memberCardDef(store, cardId)
  if (!def) throw new AppError(ErrCode.NOT_FOUND, `no member card ${cardId}`)
  return def
}

/**
 * card/update of a member card: checked against the card as it stands, then sent, then remembered.
 * `levels` / `activationFields` are ours only (WeChat does not hold them).
 */
export async function updateMemberCard(
  store: Store,
  wx: WechatClient,
  cardId: string,
  patch: Record<string, unknown>,
  extra: { levels?: MemberLevel[]; activationFields?: ActivationField[]; offered?: boolean } = {},
) {
  const def = await requireMemberCard(store, cardId)
  const levels = extra.levels ? checkLevels(extra.levels) : undefined
  const activationFields = extra.activationFields ? checkActivationFields(extra.activationFields) : undefined
  let sendCheck = false
  if (Object.keys(patch).length) {
    checkMemberUpdate(patch, { supply_bonus: def.supplyBonus, supply_balance: def.supplyBalance, date_info: def.dateInfo })
    sendCheck = (await wx.card.update({ card_id: cardId, member_card: patch })).send_check === true
  }
  const bi = (patch.base_info ?? {}) as { title?: string; date_info?: MemberCardDoc['dateInfo'] }
  await store.update(Collections.memberCards, cardId, {
    ...(bi.title ? { title: bi.title } : {}),
    ...(patch.supply_bonus === true ? { supplyBonus: true } : {}),
    ...(patch.supply_balance === true ? { supplyBalance: true } : {}),
    ...(patch.bonus_rule ? { bonusRule: patch.bonus_rule as BonusRule } : {}),
    ...(typeof patch.prerogative === 'string' ? { prerogative: patch.prerogative } : {}),
    ...(bi.date_info ? { dateInfo: { ...def.dateInfo, ...bi.date_info } } : {}),
    ...(levels ? { levels } : {}),
    ...(activationFields ? { activationFields } : {}),
    ...(typeof extra.offered === 'boolean' ? { offered: extra.offered } : {}),
    // send_check true: WeChat reviews the card again, so a refusal no longer stands (review.ts).
    ...(sendCheck ? PENDING_REVIEW : {}),
    updatedAt: clock.now(),
  })
  return { cardId, sendCheck }
}

/** The merchant's member cards, newest first: our records, each with its review as the console reads it (review.ts). */
export async function listMemberCards(store: Store) {
  const defs = await store.find<MemberCardDoc>(
    Collections.memberCards,
    {},
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 200 },
  )
  return { cards: defs.map(({ reviewStatus, reviewReason, ...def }) => ({ ...def, ...reviewView({ reviewStatus, reviewReason }) })) }
}

/** The level a number of points reaches (the highest whose minBonus it meets), or '' without levels. */
export function levelFor(levels: MemberLevel[], bonus: number): string {
  let name = ''
  for (const l of levels) if (bonus >= l.minBonus) name = l.name
  return name
}

/**
 * Points a payment of `fen` earns by bonus_rule: increase_bonus per full cost_money_unit, at most
 * max_increase_bonus at a time (member-card-management §8.2 bonus_rule).
 */
export function pointsForSpend(rule: BonusRule, fen: number): number {
  if (!rule.cost_money_unit || !rule.increase_bonus || fen <= 0) return 0
  const earned = Math.floor(fen / rule.cost_money_unit) * rule.increase_bonus
  return rule.max_increase_bonus ? Math.min(earned, rule.max_increase_bonus) : earned
}
