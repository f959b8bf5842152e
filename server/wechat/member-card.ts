// card/generalcard/updateuser (the gift card's balance) and card/membercard/userinfo/get.
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
    for (const n of [1, 2, 3] as const) r.charsAndBytes(`custom_field_value${n}`, req[`custom_field_value${n}`], 4, 12)
    return this.t.call<{ result_bonus: number; result_balance: number; openid: string }>('card/generalcard/updateuser', { body: req, idempotent: true })
  }

  async userInfoGet(req: { card_id: string; code: string }) {
    return this.t.call<Record<string, unknown>>('card/membercard/userinfo/get', { body: req, idempotent: true })
  }
}
