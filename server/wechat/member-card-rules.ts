// The member-card rules of member-card-management.en.txt, checked before WeChat is called: the
// member fields of card/create and card/update (§8.2), follow recommendations (§8.3). Pure functions,
// so the merchant console's forms can run them too.
import { bonusRuleProblems } from '../../contract/member-levels'
import { Rules } from './rules'

/** §8.2: custom_field name_type values. */
export const NAME_TYPES = [
  'FIELD_NAME_TYPE_LEVEL',
  'FIELD_NAME_TYPE_COUPON',
  'FIELD_NAME_TYPE_STAMP',
  'FIELD_NAME_TYPE_DISCOUNT',
  'FIELD_NAME_TYPE_ACHIEVEMEN',
  'FIELD_NAME_TYPE_MILEAGE',
] as const

/** The activation form's fields (card/membercard/activateuserform/set common_field_id_list). */
export const FORM_FLAGS = [
  'USER_FORM_INFO_FLAG_MOBILE',
  'USER_FORM_INFO_FLAG_SEX',
  'USER_FORM_INFO_FLAG_NAME',
  'USER_FORM_INFO_FLAG_BIRTHDAY',
  'USER_FORM_INFO_FLAG_IDCARD',
  'USER_FORM_INFO_FLAG_EMAIL',
  'USER_FORM_INFO_FLAG_LOCATION',
  'USER_FORM_INFO_FLAG_EDUCATION_BACKGRO',
  'USER_FORM_INFO_FLAG_INDUSTRY',
  'USER_FORM_INFO_FLAG_INCOME',
  'USER_FORM_INFO_FLAG_HABIT',
] as const

/** §8.2 "Support for modifying fields" (base_info) for a member card. */
export const UPDATABLE_BASE_FIELDS = [
  'title',
  'logo_url',
  'notice',
  'description',
  'service_phone',
  'color',
  'location_id_list',
  'use_all_locations',
  'center_title',
  'center_sub_title',
  'center_url',
  'custom_url_name',
  'custom_url',
  'custom_url_sub_title',
  'promotion_url_name',
  'promotion_url',
  'promotion_url_sub_title',
  'code_type',
  'pay_info',
  'get_limit',
  'can_share',
  'can_give_friend',
  'date_info',
  'center_app_brand_user_name',
  'center_app_brand_pass',
  'custom_app_brand_user_name',
  'custom_app_brand_pass',
  'promotion_app_brand_user_name',
  'promotion_app_brand_pass',
] as const

/** §8.2 "Changes to the membership card exclusive field" and §8.3's two recommendation cells. */
export const UPDATABLE_MEMBER_FIELDS = [
  'base_info',
  'background_pic_url',
  'supply_bonus',
  'bonus_cleared',
  'bonus_rules',
  'bonus_url',
  'balance_url',
  'supply_balance',
  'balance_rules',
  'prerogative',
  'wx_activate',
  'auto_activate',
  'activate_url',
  'custom_field1',
  'custom_field2',
  'custom_field3',
  'custom_cell1',
  'bonus_rule',
  'discount',
  'activate_msg_operation',
  'modify_msg_operation',
  'activate_app_brand_user_name',
  'activate_app_brand_pass',
] as const

export interface MemberCustomField {
  name_type?: (typeof NAME_TYPES)[number]
  name?: string
  url?: string
}

export interface BonusRule {
  cost_money_unit?: number
  increase_bonus?: number
  max_increase_bonus?: number
  init_increase_bonus?: number
  cost_bonus_unit?: number
  reduce_money?: number
  least_money_to_use_bonus?: number
  max_reduce_bonus?: number
}

export interface UrlCell {
  card_id_list?: string[]
  end_time?: number
  text?: string
  url?: string
  app_brand_id?: string
  app_brand_pass?: string
}

type Body = Record<string, unknown>

function customField(r: Rules, field: string, v: unknown): void {
  if (v === undefined) return
  if (typeof v !== 'object' || v === null) r.fail(field, 'must be an object')
  const f = v as MemberCustomField
  if (f.name_type !== undefined) r.oneOf(`${field}.name_type`, f.name_type, NAME_TYPES)
  else r.chinese(`${field}.name`, f.name, 5, true)
  if (f.url !== undefined && (typeof f.url !== 'string' || f.url.length > 128))
    r.fail(`${field}.url`, 'must be a link of at most 128 characters')
}

function bonusRule(r: Rules, v: unknown): void {
  // The rules are the console's too (contract/member-levels.ts); the first problem is the refusal.
  const [p] = bonusRuleProblems(v)
  if (p) r.fail(p.field, p.rule)
}

/** §8.3: at most 10 card ids; a url (or Mini Program) instead of card ids, never both (the url would win). */
function msgOperation(r: Rules, field: string, v: unknown): void {
  if (v === undefined) return
  const cell = (v as { url_cell?: UrlCell } | null)?.url_cell
  if (!cell || typeof cell !== 'object') r.fail(`${field}.url_cell`, 'is required')
  if (cell.card_id_list !== undefined) r.count(`${field}.url_cell.card_id_list`, cell.card_id_list, 1, 10)
  const hasLink = !!cell.url || !!cell.app_brand_id
  if (cell.card_id_list && hasLink)
    r.fail(`${field}.url_cell.url`, 'and card_id_list are mutually exclusive (WeChat would ignore card_id_list)')
  if (!cell.card_id_list && !hasLink) r.fail(`${field}.url_cell`, 'needs card_id_list, url or app_brand_id')
  r.timestamp(`${field}.url_cell.end_time`, cell.end_time)
}

/** Rules of a member card's own fields (create and update alike). `at` names the body, e.g. card.member_card. */
export function checkMemberFields(body: Body, at: string, r: Rules): void {
  if (body.wx_activate === true && body.activate_url) r.fail(`${at}.wx_activate`, 'is mutually exclusive with activate_url')
  if (body.wx_activate === true && body.auto_activate === true)
    r.fail(`${at}.auto_activate`, 'and wx_activate are alternatives: choose one way to activate')
  if (body.activate_url !== undefined && (typeof body.activate_url !== 'string' || body.activate_url.length > 128))
    r.fail(`${at}.activate_url`, 'must be a link of at most 128 characters')
  for (const n of [1, 2, 3]) customField(r, `${at}.custom_field${n}`, body[`custom_field${n}`])
  bonusRule(r, body.bonus_rule)
  msgOperation(r, `${at}.activate_msg_operation`, body.activate_msg_operation)
  msgOperation(r, `${at}.modify_msg_operation`, body.modify_msg_operation)
  if (body.discount !== undefined) r.int(`${at}.discount`, body.discount, 0, 100)
  const swipe = ((body.base_info as Body | undefined)?.pay_info as { swipe_card?: { is_swipe_card?: unknown } } | undefined)?.swipe_card
  if (swipe !== undefined && typeof swipe.is_swipe_card !== 'boolean')
    r.fail(`${at}.base_info.pay_info.swipe_card.is_swipe_card`, 'must be true or false')
}

/** card/create with card_type MEMBER_CARD. */
export function checkMemberCreate(body: Body, r: Rules = new Rules('card/create')): void {
  const at = 'card.member_card'
  r.chinese(`${at}.prerogative`, body.prerogative, 1000, true)
  for (const k of ['supply_bonus', 'supply_balance']) if (typeof body[k] !== 'boolean') r.fail(`${at}.${k}`, 'is required (true or false)')
  checkMemberFields(body, at, r)
}

/** The card as it stands, for the rules that compare (false→true only, extend-only dates). */
export interface MemberCardNow {
  supply_bonus?: boolean
  supply_balance?: boolean
  date_info?: { type?: string; begin_timestamp?: number; end_timestamp?: number }
}

/**
 * card/update of a member card (§8.2): only the fields the document lists ("Many developers will fill in
 * fields that do not support modification, such as brandname … resulting in unsuccessful updates");
 * supply_bonus / supply_balance only from false to true; the validity range only grows. Without `now`
 * the comparing rules are left to WeChat.
 */
export function checkMemberUpdate(patch: Body, now?: MemberCardNow, r: Rules = new Rules('card/update')): void {
  const at = 'member_card'
  for (const k of Object.keys(patch))
    if (!(UPDATABLE_MEMBER_FIELDS as readonly string[]).includes(k)) r.fail(`${at}.${k}`, 'cannot be changed with card/update')
  const bi = (patch.base_info ?? {}) as Body
  for (const k of Object.keys(bi))
    if (!(UPDATABLE_BASE_FIELDS as readonly string[]).includes(k)) r.fail(`${at}.base_info.${k}`, 'cannot be changed with card/update')
  r.chinese(`${at}.base_info.title`, bi.title, 9)
  r.chinese(`${at}.base_info.notice`, bi.notice, 16)
  for (const k of ['supply_bonus', 'supply_balance'] as const) {
    if (patch[k] !== undefined && typeof patch[k] !== 'boolean') r.fail(`${at}.${k}`, 'must be true or false')
    if (patch[k] === false && now?.[k] === true) r.fail(`${at}.${k}`, 'can only change from false to true')
  }
  const d = bi.date_info as MemberCardNow['date_info'] | undefined
  if (d !== undefined) {
    // "only supports changing the timestamp of type 1, does not support filling in 2"
    if (d.type !== undefined && d.type !== 'DATE_TYPE_FIX_TIME_RANGE')
      r.fail(`${at}.base_info.date_info.type`, 'only DATE_TYPE_FIX_TIME_RANGE (type 1) can be changed')
    r.timestamp(`${at}.base_info.date_info.begin_timestamp`, d.begin_timestamp)
    r.timestamp(`${at}.base_info.date_info.end_timestamp`, d.end_timestamp)
    const cur = now?.date_info
    if (cur && cur.type !== 'DATE_TYPE_FIX_TIME_RANGE')
      r.fail(`${at}.base_info.date_info`, 'only a card with a fixed range can change its dates')
    if (cur?.end_timestamp !== undefined && d.end_timestamp !== undefined && d.end_timestamp < cur.end_timestamp)
      r.fail(`${at}.base_info.date_info.end_timestamp`, 'can only be extended ("The end time only supports a later extension")')
    if (cur?.begin_timestamp !== undefined && d.begin_timestamp !== undefined && d.begin_timestamp > cur.begin_timestamp)
      r.fail(`${at}.base_info.date_info.begin_timestamp`, 'can only move earlier (the range only grows)')
  }
  checkMemberFields(patch, at, r)
}
