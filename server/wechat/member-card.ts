// card/generalcard/updateuser (the gift card's balance) and the member-card endpoints of
// member-card-management.en.txt: activate, the activation form, userinfo/get, updateuser.
import { FORM_FLAGS } from './member-card-rules'
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface UpdateUserRequest {
  code: string
  card_id: string
  background_pic_url?: string
  /** the FULL balance in fen, shown as given (not a delta) */
  balance?: number
  /** the line shown in the balance history, ≤ 14 Chinese characters */
  record_balance?: string
  bonus?: number
  record_bonus?: string
  custom_field_value1?: string
  custom_field_value2?: string
  custom_field_value3?: string
  can_give_friend?: boolean
}

export interface MemberActivateRequest {
  card_id: string
  code: string
  membership_number: string
  background_pic_url?: string
  activate_begin_time?: number
  activate_end_time?: number
  init_bonus?: number
  init_bonus_record?: string
  init_balance?: number
  init_balance_record?: string
  init_custom_field_value1?: string
  init_custom_field_value2?: string
  init_custom_field_value3?: string
}

/** Sets FULL values (bonus, balance): a retry or a late duplicate cannot add twice. add_bonus/add_balance are deliberately not offered. */
export interface MemberUpdateUserRequest {
  card_id: string
  code: string
  background_pic_url?: string
  bonus?: number
  record_bonus?: string
  balance?: number
  record_balance?: string
  custom_field_value1?: string
  custom_field_value2?: string
  custom_field_value3?: string
  notify_optional?: {
    is_notify_bonus?: boolean
    is_notify_balance?: boolean
    is_notify_custom_field1?: boolean
    is_notify_custom_field2?: boolean
    is_notify_custom_field3?: boolean
  }
}

export interface FormField {
  name: string
  value: string
}

export interface MemberUserInfo {
  openid: string
  nickname: string
  membership_number: string
  bonus: number
  balance?: number
  sex: string
  user_info: { common_field_list: FormField[]; custom_field_list: FormField[] }
  user_card_status: string
  has_active?: boolean
}

export interface ActivateUserForm {
  card_id: string
  required_form?: { common_field_id_list?: string[]; custom_field_list?: string[] }
  optional_form?: { common_field_id_list?: string[]; custom_field_list?: string[] }
}

function fieldValues(r: Rules, req: Record<string, unknown>, prefix: string): void {
  // §11.2 (gift-card-api): custom field values are "limited to 4 characters and 12 bytes".
  for (const n of [1, 2, 3]) r.charsAndBytes(`${prefix}${n}`, req[`${prefix}${n}`], 4, 12)
}

export class MemberCardApi {
  constructor(private readonly t: WxTransport) {}

  /** Idempotent by nature: it sets values, never adds. */
  async generalCardUpdateUser(req: UpdateUserRequest) {
    const r: Rules = new Rules('card/generalcard/updateuser')
    if (!req.code) r.fail('code', 'is required')
    if (!req.card_id) r.fail('card_id', 'is required')
    r.int('balance', req.balance, 0, 100_000_000_000, false)
    r.int('bonus', req.bonus, 0, 100_000_000_000, false)
    r.chinese('record_balance', req.record_balance, 14)
    r.chinese('record_bonus', req.record_bonus, 14)
    // §11.2: custom_field_value1..3 are "limited to 4 characters and 12 bytes" (the document's own
    // example, "xxxxx", breaks it: the conformance fixture pins that).
    fieldValues(r, req as unknown as Record<string, unknown>, 'custom_field_value')
    return this.t.call<{ result_bonus: number; result_balance: number; openid: string }>('card/generalcard/updateuser', {
      body: req,
      idempotent: true,
    })
  }

  /** card/membercard/userinfo/get (§8.1): the member's activation data, points and balance. */
  async userInfoGet(req: { card_id: string; code: string }) {
    const r: Rules = new Rules('card/membercard/userinfo/get')
    if (!req?.card_id) r.fail('card_id', 'is required')
    if (!req.code) r.fail('code', 'is required')
    return this.t.call<MemberUserInfo>('card/membercard/userinfo/get', { body: req, idempotent: true })
  }

  /** card/membercard/activate: activates a member card with our membership number (activate_url cards). */
  async activate(req: MemberActivateRequest) {
    const r: Rules = new Rules('card/membercard/activate')
    if (!req.card_id) r.fail('card_id', 'is required')
    if (!req.code) r.fail('code', 'is required')
    if (!req.membership_number || req.membership_number.length > 20) r.fail('membership_number', 'is required, at most 20 characters')
    r.int('init_bonus', req.init_bonus, 0, 100_000_000, false)
    r.int('init_balance', req.init_balance, 0, 100_000_000_000, false)
    r.chinese('init_bonus_record', req.init_bonus_record, 14)
    r.chinese('init_balance_record', req.init_balance_record, 14)
    r.timestamp('activate_begin_time', req.activate_begin_time)
    r.timestamp('activate_end_time', req.activate_end_time)
    fieldValues(r, req as unknown as Record<string, unknown>, 'init_custom_field_value')
    // The same number again answers as before (WeChat keeps the first activation).
    return this.t.call<Record<string, never>>('card/membercard/activate', { body: req, idempotent: true })
  }

  /** card/membercard/activateuserform/set: the fields WeChat's own activation form asks for (wx_activate). */
  async activateUserFormSet(req: ActivateUserForm) {
    const r: Rules = new Rules('card/membercard/activateuserform/set')
    if (!req.card_id) r.fail('card_id', 'is required')
    for (const k of ['required_form', 'optional_form'] as const) {
      for (const flag of req[k]?.common_field_id_list ?? []) r.oneOf(`${k}.common_field_id_list`, flag, FORM_FLAGS)
    }
    return this.t.call('card/membercard/activateuserform/set', { body: req, idempotent: true })
  }

  /** card/membercard/updateuser with FULL bonus and balance: idempotent, so a retry never adds twice. */
  async memberCardUpdateUser(req: MemberUpdateUserRequest) {
    const r: Rules = new Rules('card/membercard/updateuser')
    if (!req.code) r.fail('code', 'is required')
    if (!req.card_id) r.fail('card_id', 'is required')
    r.int('bonus', req.bonus, 0, 100_000_000_000, false)
    r.int('balance', req.balance, 0, 100_000_000_000, false)
    r.chinese('record_bonus', req.record_bonus, 14)
    r.chinese('record_balance', req.record_balance, 14)
    const raw = req as unknown as Record<string, unknown>
    if ('add_bonus' in raw || 'add_balance' in raw)
      r.fail('add_bonus', 'is not used: send the full bonus and balance (a retried add would count twice)')
    fieldValues(r, raw, 'custom_field_value')
    return this.t.call<{ result_bonus: number; result_balance: number; openid: string }>('card/membercard/updateuser', {
      body: req,
      idempotent: true,
    })
  }
}
