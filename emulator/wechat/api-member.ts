// Member cards (member-card-management.en.txt): activation, the activation form, member info
// (§8.1 userinfo/get), points and stored value (updateuser), the member rules of card/update (§8.2,
// §8.3), pay-then-member rules (§8.4) and the client side: a WeChat Pay payment that matches a rule
// delivers the card, the one-click activation form (wx_activate) and restoring a deleted member card.
//
// Where the documents say nothing of an errcode, the emulator answers 40097 (invalid args) naming the
// field, as WeChat does for other argument errors.
import { list, num, obj, str, type Body, type Endpoint } from './api'
import { baseInfo, cardOf } from './cards'
import { profileSex } from './identity'
import { WxError, type Platform } from './platform'
import type { EmuCard, EmuCode, EmuUser } from './state'

const MAX_TS = 2147483647
/** §8.2: custom_field name_type values. */
export const NAME_TYPES = [
  'FIELD_NAME_TYPE_LEVEL',
  'FIELD_NAME_TYPE_COUPON',
  'FIELD_NAME_TYPE_STAMP',
  'FIELD_NAME_TYPE_DISCOUNT',
  'FIELD_NAME_TYPE_ACHIEVEMEN',
  'FIELD_NAME_TYPE_MILEAGE',
]
/** §8.2 "Support for modifying fields": the base_info fields card/update accepts for a member card. */
const UPDATABLE_BASE = new Set([
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
  // the Mini Program variants of the jump fields (card-api-guide)
  'center_app_brand_user_name',
  'center_app_brand_pass',
  'custom_app_brand_user_name',
  'custom_app_brand_pass',
  'promotion_app_brand_user_name',
  'promotion_app_brand_pass',
])
/** §8.2 "Changes to the membership card exclusive field", plus the §8.3 follow recommendations. */
const UPDATABLE_MEMBER = new Set([
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
])
const FORM_FLAGS = new Set([
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
])

const bad = (field: string, why: string) => new WxError(40097, `invalid args: ${field} ${why}`)

function memberCard(p: Platform, cardId: string): EmuCard {
  const card = cardOf(p, cardId)
  if (card.card_type !== 'MEMBER_CARD') throw bad('card_id', 'is not a member card')
  return card
}

function memberCode(p: Platform, b: Body): { card: EmuCard; code: EmuCode } {
  const card = memberCard(p, str(b, 'card_id'))
  const code = p.findCode(str(b, 'code'), card.card_id)
  return { card, code }
}

function checkCustomField(field: string, v: unknown): void {
  if (v === undefined) return
  if (typeof v !== 'object' || v === null) throw bad(field, 'must be an object')
  const f = v as Body
  if (f.name_type !== undefined && !NAME_TYPES.includes(String(f.name_type)))
    throw bad(`${field}.name_type`, `must be one of ${NAME_TYPES.join(', ')}`)
  if (f.name_type === undefined && typeof f.name !== 'string') throw bad(field, 'needs name_type or name')
}

function checkBonusRule(v: unknown): void {
  if (v === undefined) return
  if (typeof v !== 'object' || v === null) throw bad('bonus_rule', 'must be an object')
  for (const [k, n] of Object.entries(v as Body)) {
    if (!Number.isInteger(n) || (n as number) < 0) throw bad(`bonus_rule.${k}`, 'must be a non-negative integer')
  }
}

/** §8.3 url_cell: at most 10 card ids; url / app_brand_id are the alternative to card_id_list. */
function checkMsgOperation(field: string, v: unknown): void {
  if (v === undefined) return
  const cell = (v as Body | null)?.url_cell as Body | undefined
  if (!cell || typeof cell !== 'object') throw bad(`${field}.url_cell`, 'is required')
  const ids = cell.card_id_list
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > 10)) throw bad(`${field}.url_cell.card_id_list`, 'holds up to 10 card_id')
  if (cell.end_time !== undefined && (!Number.isInteger(cell.end_time) || (cell.end_time as number) > MAX_TS))
    throw bad(`${field}.url_cell.end_time`, 'must be a timestamp before 2038-01-19')
  if (!ids && !cell.url && !cell.app_brand_id) throw bad(`${field}.url_cell`, 'needs card_id_list, url or app_brand_id')
}

/** Rules of a member card's own fields, shared by card/create and card/update. */
export function checkMemberFields(body: Body): void {
  if (body.wx_activate === true && body.activate_url) throw bad('wx_activate', 'is mutually exclusive with activate_url')
  for (const n of [1, 2, 3]) checkCustomField(`custom_field${n}`, body[`custom_field${n}`])
  checkBonusRule(body.bonus_rule)
  checkMsgOperation('activate_msg_operation', body.activate_msg_operation)
  checkMsgOperation('modify_msg_operation', body.modify_msg_operation)
  if (body.discount !== undefined && (!Number.isInteger(body.discount) || (body.discount as number) < 0 || (body.discount as number) > 100))
    throw bad('discount', 'must be an integer 0 to 100')
}

/** card/create for MEMBER_CARD: the member fields a card needs (card-api-guide 会员卡字段). */
export function checkMemberCreate(body: Body): void {
  if (typeof body.prerogative !== 'string' || !body.prerogative) throw new WxError(47001, 'data format error: prerogative is required')
  for (const k of ['supply_bonus', 'supply_balance'])
    if (typeof body[k] !== 'boolean') throw new WxError(47001, `data format error: ${k} is required (true or false)`)
  checkMemberFields(body)
}

/** §8.2 card/update for a member card: only the listed fields, supply_* false→true only, dates extended only. */
export function checkMemberUpdate(card: EmuCard, patch: Body): void {
  for (const k of Object.keys(patch)) if (!UPDATABLE_MEMBER.has(k)) throw bad(k, 'cannot be changed with card/update')
  const bi = (patch.base_info ?? {}) as Body
  for (const k of Object.keys(bi)) if (!UPDATABLE_BASE.has(k)) throw bad(`base_info.${k}`, 'cannot be changed with card/update')
  for (const k of ['supply_bonus', 'supply_balance']) {
    if (patch[k] === false && card.body[k] === true) throw bad(k, 'can only change from false to true')
  }
  if (bi.date_info !== undefined) {
    const d = bi.date_info as Body
    const cur = (baseInfo(card).date_info ?? {}) as Body
    if (d.type !== undefined && d.type !== 'DATE_TYPE_FIX_TIME_RANGE' && d.type !== 1)
      throw bad('base_info.date_info.type', 'only the fixed range (type 1) can be changed')
    if (cur.type !== 'DATE_TYPE_FIX_TIME_RANGE') throw bad('base_info.date_info', 'only a card with a fixed range can change its dates')
    if (d.end_timestamp !== undefined && num(d, 'end_timestamp') < num(cur, 'end_timestamp'))
      throw bad('base_info.date_info.end_timestamp', 'can only be extended')
    if (d.begin_timestamp !== undefined && num(d, 'begin_timestamp') > num(cur, 'begin_timestamp'))
      throw bad('base_info.date_info.begin_timestamp', 'can only be moved earlier (the range only grows)')
  }
  checkMemberFields({ ...card.body, ...patch })
}

function nonNegativeInt(b: Body, k: string): number | undefined {
  if (b[k] === undefined) return undefined
  const n = num(b, k)
  if (!Number.isInteger(n) || n < 0) throw bad(k, 'must be a non-negative integer')
  return n
}

/** "n Chinese characters": UTF-8 bytes. */
function maxChinese(b: Body, k: string, n: number): string {
  const v = str(b, k, false)
  if (Buffer.byteLength(v) > n * 3) throw bad(k, `exceeds ${n} Chinese characters`)
  return v
}

function checkFieldValues(b: Body, c: EmuCode): void {
  for (const n of [1, 2, 3]) {
    const k = `custom_field_value${n}`
    const init = `init_custom_field_value${n}`
    for (const key of [k, init]) {
      const v = str(b, key, false)
      if ([...v].length > 4 || Buffer.byteLength(v) > 12) throw bad(key, 'exceeds 4 characters and 12 bytes')
      if (b[key] !== undefined) c.customFieldValues = { ...c.customFieldValues, [k]: v }
    }
  }
}

function applyBonus(card: EmuCard, c: EmuCode, set: number | undefined, add: number | undefined, field: string): number {
  if (set === undefined && add === undefined) return 0
  if (card.body.supply_bonus !== true) throw bad(field, 'needs a card with supply_bonus')
  const next = set ?? c.bonus + add!
  if (next < 0) throw bad(field, 'would make the points negative')
  const delta = next - c.bonus
  c.bonus = next
  return delta
}

function applyBalance(card: EmuCard, c: EmuCode, set: number | undefined, add: number | undefined, field: string): number {
  if (set === undefined && add === undefined) return 0
  if (card.body.supply_balance !== true) throw bad(field, 'needs a card with supply_balance')
  const next = set ?? c.balance + add!
  if (next < 0) throw bad(field, 'would make the balance negative')
  const delta = next - c.balance
  c.balance = next
  return delta
}

function signedInt(b: Body, k: string): number | undefined {
  if (b[k] === undefined) return undefined
  const n = num(b, k)
  if (!Number.isInteger(n)) throw bad(k, 'must be an integer')
  return n
}

export const memberCardApi: Record<string, Endpoint> = {
  'card/membercard/activate': {
    method: 'POST',
    handler: (p, b) => {
      const { card, code: c } = memberCode(p, b)
      if (c.status !== 'NORMAL') throw new WxError(40127, `invalid user-card status: ${c.status}`)
      const number = str(b, 'membership_number')
      if (Buffer.byteLength(number) > 20) throw bad('membership_number', 'exceeds 20 characters')
      if (c.activated) {
        // A retry of the same activation (a lost reply) is answered as before; another number is refused.
        if (c.membershipNumber === number) return {}
        throw new WxError(40097, 'invalid args: the card is already activated with another membership_number')
      }
      const bonus = nonNegativeInt(b, 'init_bonus')
      const balance = nonNegativeInt(b, 'init_balance')
      applyBonus(card, c, bonus, undefined, 'init_bonus')
      applyBalance(card, c, balance, undefined, 'init_balance')
      maxChinese(b, 'init_bonus_record', 14)
      maxChinese(b, 'init_balance_record', 14)
      checkFieldValues(b, c)
      const pic = str(b, 'background_pic_url', false)
      if (pic) c.backgroundPicUrl = pic
      c.activated = true
      c.membershipNumber = number
      p.touch()
      return {}
    },
  },
  'card/membercard/activateuserform/set': {
    method: 'POST',
    handler: (p, b) => {
      const card = memberCard(p, str(b, 'card_id'))
      const forms: Body = {}
      for (const k of ['required_form', 'optional_form']) {
        const f = obj(b, k, false)
        const flags = list(f, 'common_field_id_list', false) as string[]
        for (const flag of flags) if (!FORM_FLAGS.has(flag)) throw bad(`${k}.common_field_id_list`, `has an unknown field ${flag}`)
        forms[k] = { common_field_id_list: flags, custom_field_list: list(f, 'custom_field_list', false) }
      }
      card.body = { ...card.body, activate_form: forms }
      p.touch()
      return {}
    },
  },
  'card/membercard/userinfo/get': {
    method: 'POST',
    handler: (p, b) => {
      const { code: c } = memberCode(p, b)
      const u = Object.values(p.s.users).find((x) => x.saOpenid === c.openid)
      const info = c.userInfo ?? { common_field_list: [], custom_field_list: [] }
      // §8.1's example (lines 26-31) answers every member a nickname, a membership_number and a sex: the
      // gender the member gave in the activation form, else their WeChat profile's; the number the
      // merchant activated the card with, else (one-click activation, where WeChat numbers the card) its code.
      const sex = info.common_field_list.find((f) => f.name === 'USER_FORM_INFO_FLAG_SEX')?.value || (u ? profileSex(u.name) : 'MALE')
      return {
        openid: c.openid,
        nickname: u?.name ?? '',
        membership_number: c.membershipNumber || c.code,
        bonus: c.bonus,
        balance: c.balance,
        sex,
        user_info: info,
        user_card_status: c.status,
        has_active: !!c.activated,
      }
    },
  },
  'card/membercard/updateuser': {
    method: 'POST',
    handler: (p, b) => {
      const { card, code: c } = memberCode(p, b)
      if (c.status !== 'NORMAL') throw new WxError(40127, `invalid user-card status: ${c.status}`)
      const bonus = nonNegativeInt(b, 'bonus')
      const addBonus = signedInt(b, 'add_bonus')
      const balance = nonNegativeInt(b, 'balance')
      const addBalance = signedInt(b, 'add_balance')
      if (bonus !== undefined && addBonus !== undefined) throw bad('bonus', 'and add_bonus are mutually exclusive')
      if (balance !== undefined && addBalance !== undefined) throw bad('balance', 'and add_balance are mutually exclusive')
      const recordBonus = maxChinese(b, 'record_bonus', 14)
      const recordBalance = maxChinese(b, 'record_balance', 14)
      // Validate everything before changing anything: a refused call changes nothing.
      const trial = { ...c }
      checkFieldValues(b, trial)
      const bonusDelta = applyBonus(card, trial, bonus, addBonus, bonus !== undefined ? 'bonus' : 'add_bonus')
      const balanceDelta = applyBalance(card, trial, balance, addBalance, balance !== undefined ? 'balance' : 'add_balance')
      Object.assign(c, trial)
      if (recordBonus) c.recordBonus = recordBonus
      if (recordBalance) c.recordBalance = recordBalance
      const pic = str(b, 'background_pic_url', false)
      if (pic) c.backgroundPicUrl = pic
      p.touch()
      if (bonusDelta !== 0 || balanceDelta !== 0) {
        p.push(
          'update_member_card',
          { CardId: c.card_id, UserCardCode: c.code, ModifyBonus: String(bonusDelta), ModifyBalance: String(balanceDelta) },
          c.openid,
        )
      }
      return { result_bonus: c.bonus, result_balance: c.balance, openid: c.openid }
    },
  },
}

// ---------- pay-then-member rules (§8.4) ----------

interface PayRule extends Body {
  rule_id: number
  type: string
  base_info: { mchid_list: string[]; begin_time: number; end_time: number; status: string; create_time: number; update_time: number }
  member_rule: { card_id: string; least_cost: number; max_cost: number; jump_url?: string; app_brand_id?: string; app_brand_pass?: string }
}

const rules = (p: Platform) => Object.values(p.s.payGiftRules) as PayRule[]

function ruleView(r: PayRule): Body {
  const { rule_id: _id, ...info } = r
  void _id
  return info
}

function ruleIdOf(b: Body): number {
  const id = num(b, 'rule_id')
  if (!Number.isInteger(id) || id <= 0) throw bad('rule_id', 'must be a positive integer')
  return id
}

export const payGiftCardApi: Record<string, Endpoint> = {
  'card/paygiftcard/add': {
    method: 'POST',
    handler: (p, b) => {
      const rule = obj(b, 'rule_info')
      if (str(rule, 'type') !== 'RULE_TYPE_PAY_MEMBER_CARD') throw bad('type', 'must be RULE_TYPE_PAY_MEMBER_CARD')
      const base = obj(rule, 'base_info')
      const mchids = (list(base, 'mchid_list') as unknown[]).map(String)
      // §8.4.1 note 6: "A single set of only 10 mchid, if more than 10 please call this interface multiple times."
      if (mchids.length < 1 || mchids.length > 10) throw bad('base_info.mchid_list', 'holds 1 to 10 mchid per call')
      const begin = num(base, 'begin_time')
      const end = num(base, 'end_time')
      if (begin > MAX_TS || end > MAX_TS) throw bad('base_info.end_time', 'must be before 2038-01-19')
      if (end <= begin) throw bad('base_info.end_time', 'must be after begin_time')
      const member = obj(rule, 'member_rule')
      const cardId = str(member, 'card_id')
      const card = p.s.cards[cardId]
      if (!card || card.status === 'CARD_STATUS_DELETE') throw new WxError(72002, 'the card_id does not belong to the calling appid')
      if (card.card_type !== 'MEMBER_CARD') throw new WxError(72003, 'only member cards can be given after payment')
      const least = num(member, 'least_cost')
      const max = num(member, 'max_cost')
      if (!Number.isInteger(least) || least < 0) throw bad('member_rule.least_cost', 'must be non-negative fen')
      if (!Number.isInteger(max) || max < least) throw bad('member_rule.max_cost', 'must be fen not below least_cost')
      if (member.jump_url !== undefined && member.app_brand_id !== undefined)
        throw bad('member_rule.app_brand_id', 'and jump_url are alternatives: give one')
      // Each mchid succeeds or fails on its own (fail_mchid_list). member-card-management line 315: "The
      // ticket AppID primary of the card_id set by this rule must be consistent with the Primary of current
      // mch_id, otherwise error 72001" — a subject (主体) question, not the gift-card pay whitelist's: the
      // emulator knows a mchid of another subject only when told (POST /__emu/mchids/foreign). 72004: line
      // 319 "mchid has not been set by other AppID before, otherwise the error is reported 72004".
      const succ: string[] = []
      const fail: Body[] = []
      for (const m of mchids) {
        const taken = rules(p).find((r) => r.base_info.mchid_list.includes(m))
        if (p.foreignMchids.has(m))
          fail.push({
            mchid: m,
            errcode: 72001,
            errmsg: 'the mchid and the card belong to different subjects',
            occupy_rule_id: 0,
            occupy_appid: '',
          })
        else if (taken)
          fail.push({
            mchid: m,
            errcode: 72004,
            errmsg: 'the mchid is used by another rule',
            occupy_rule_id: taken.rule_id,
            occupy_appid: p.o.saAppid,
          })
        else succ.push(m)
      }
      if (succ.length === 0) return { rule_id: 0, succ_mchid_list: [], fail_mchid_list: fail }
      p.s.seq++
      const ruleId = 1_000_000 + p.s.seq
      const now = p.now()
      const stored: PayRule = {
        rule_id: ruleId,
        type: 'RULE_TYPE_PAY_MEMBER_CARD',
        base_info: { mchid_list: succ, begin_time: begin, end_time: end, status: 'RULE_STATUS_OK', create_time: now, update_time: now },
        member_rule: {
          card_id: cardId,
          least_cost: least,
          max_cost: max,
          ...(member.jump_url !== undefined ? { jump_url: str(member, 'jump_url') } : {}),
          ...(member.app_brand_id !== undefined ? { app_brand_id: str(member, 'app_brand_id') } : {}),
          ...(member.app_brand_pass !== undefined ? { app_brand_pass: str(member, 'app_brand_pass') } : {}),
        },
      }
      p.s.payGiftRules[String(ruleId)] = stored
      p.touch()
      return { rule_id: ruleId, succ_mchid_list: succ, fail_mchid_list: fail }
    },
  },
  'card/paygiftcard/delete': {
    method: 'POST',
    handler: (p, b) => {
      const id = String(ruleIdOf(b))
      if (!p.s.payGiftRules[id]) throw bad('rule_id', 'names no rule')
      delete p.s.payGiftRules[id]
      p.touch()
      return {}
    },
  },
  'card/paygiftcard/getbyid': {
    method: 'POST',
    handler: (p, b) => {
      const rule = p.s.payGiftRules[String(ruleIdOf(b))] as PayRule | undefined
      if (!rule) throw bad('rule_id', 'names no rule')
      return { rule_info: ruleView(rule) }
    },
  },
  'card/paygiftcard/batchget': {
    method: 'POST',
    handler: (p, b) => {
      if (str(b, 'type') !== 'RULE_TYPE_PAY_MEMBER_CARD') throw bad('type', 'must be RULE_TYPE_PAY_MEMBER_CARD')
      const now = p.now()
      // effective true: only the rules in effect now; false: every rule.
      const all = rules(p).filter((r) => b.effective !== true || (r.base_info.begin_time <= now && now < r.base_info.end_time))
      const offset = num(b, 'offset')
      const count = num(b, 'count')
      if (!Number.isInteger(count) || count < 1 || count > 100) throw bad('count', 'must be 1 to 100')
      return { rule_list: all.slice(offset, offset + count).map(ruleView), total_count: all.length }
    },
  },
}

// ---------- the client side ----------

/**
 * A WeChat Pay payment of `fee` fen to `mchid` by `user` (emulated). A rule in effect for that mchid
 * whose [least_cost, max_cost] holds the fee gives the member card — once: "sent only once to a new
 * user and not repeated if the user has received … a membership card" (§8.4.1). The card is then in the
 * bag as if the person took it from the message: a new code, and a user_get_card push.
 */
export function payWithWechatPay(p: Platform, u: EmuUser, mchid: string, fee: number): Body {
  if (!Number.isInteger(fee) || fee <= 0) throw bad('fee', 'must be positive fen')
  const now = p.now()
  const transactionId = `42${String(now)}${String(++p.s.seq).padStart(8, '0')}`
  const rule = rules(p).find(
    (r) =>
      r.base_info.mchid_list.includes(mchid) &&
      r.base_info.begin_time <= now &&
      now < r.base_info.end_time &&
      fee >= r.member_rule.least_cost &&
      fee <= r.member_rule.max_cost,
  )
  if (!rule) return { transactionId, memberCard: null }
  const cardId = rule.member_rule.card_id
  const card = p.s.cards[cardId]
  if (!card || card.status === 'CARD_STATUS_DELETE') return { transactionId, memberCard: null }
  if (p.bagOf(u).some((c) => c.card_id === cardId)) return { transactionId, memberCard: null, alreadyMember: true }
  if (card.quantity < 1) return { transactionId, memberCard: null, outOfStock: true }
  card.quantity--
  const code = p.newCode()
  p.putCode({ card_id: cardId, code, status: 'NORMAL', openid: u.saOpenid, balance: 0, bonus: 0, outerStr: '', receivedAt: now })
  p.cube(cardId, 'receive', u.saOpenid)
  p.push(
    'user_get_card',
    {
      CardId: cardId,
      IsGiveByFriend: '0',
      UserCardCode: code,
      FriendUserName: '',
      OuterId: '0',
      OldUserCardCode: '',
      OuterStr: '',
      IsRestoreMemberCard: '0',
      UnionId: u.unionid,
    },
    u.saOpenid,
  )
  return { transactionId, memberCard: { cardId, code, ruleId: rule.rule_id } }
}

/**
 * The one-click activation form (wx_activate): the person fills the card's form in WeChat; WeChat
 * keeps the values (userinfo/get user_info), activates the card and pushes submit_membercard_user_info.
 */
export function submitMemberForm(p: Platform, u: EmuUser, cardId: string, code: string, fields: Record<string, string>): Body {
  const card = memberCard(p, cardId)
  const c = p.code(cardId, code)
  if (!c || c.openid !== u.saOpenid || c.status !== 'NORMAL') throw new WxError(40056, 'invalid serial code')
  const form = (card.body.activate_form ?? {}) as { required_form?: { common_field_id_list?: string[] } }
  for (const flag of form.required_form?.common_field_id_list ?? [])
    if (!fields[flag]) throw bad(flag, 'is required by the card’s activation form')
  for (const flag of Object.keys(fields)) if (!FORM_FLAGS.has(flag)) throw bad(flag, 'is not a form field')
  c.userInfo = { common_field_list: Object.entries(fields).map(([name, value]) => ({ name, value: String(value) })), custom_field_list: [] }
  if (card.body.wx_activate === true) {
    c.activated = true
    c.membershipNumber = c.membershipNumber ?? c.code
  }
  p.touch()
  p.push('submit_membercard_user_info', { CardId: cardId, UserCardCode: code }, u.saOpenid)
  return { activated: !!c.activated }
}

/**
 * A member card the person deleted and takes again comes back under its old code with its points and
 * balance (user_get_card IsRestoreMemberCard=1). Returns the restored code, if any.
 */
export function restoreMemberCard(p: Platform, u: EmuUser, cardId: string): EmuCode | undefined {
  const card = p.s.cards[cardId]
  if (card?.card_type !== 'MEMBER_CARD') return undefined
  const old = p.bagOf(u).find((c) => c.card_id === cardId && c.status === 'DELETE')
  if (!old) return undefined
  old.status = 'NORMAL'
  p.touch()
  p.push(
    'user_get_card',
    {
      CardId: cardId,
      IsGiveByFriend: '0',
      UserCardCode: old.code,
      FriendUserName: '',
      OuterId: '0',
      OldUserCardCode: '',
      OuterStr: '',
      IsRestoreMemberCard: '1',
      UnionId: u.unionid,
    },
    u.saOpenid,
  )
  return old
}
