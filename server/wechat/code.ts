// card/code/*: get, consume, decrypt, mark, update, unavailable.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export type UserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE'

/**
 * gift-card-api §11.4: besides the status, a gift card's code answers its balance, its code and the
 * card number shown on its face (card.balance, card.code, card.card_number), the order it was bought
 * in (order_id) and its face (background_pic_url): what reconciliation needs. Cards that are not gift
 * cards may leave the gift-card fields out.
 */
export interface CodeGetReply {
  openid: string
  can_consume: boolean
  user_card_status: UserCardStatus
  card: { card_id: string; begin_time: number; end_time: number; balance?: number; bonus?: number; code?: string; card_number?: string }
  order_id?: string
  background_pic_url?: string
  /** friend coupons (friend-coupons.zh.txt): who holds the mark, and how often they used this card_id */
  mark_openid?: string
  use_count?: number
}

export class CodeApi {
  constructor(private readonly t: WxTransport) {}

  async get(req: { code: string; card_id?: string; check_consume?: boolean }) {
    return this.t.call<CodeGetReply>('card/code/get', { body: req, idempotent: true })
  }

  /** Consumes a code; pass `openid` for friend coupons, which must be marked first. */
  async consume(req: { code: string; card_id?: string; openid?: string }) {
    return this.t.call<{ card: { card_id: string }; openid: string }>('card/code/consume', { body: req })
  }

  /** Decrypts the encrypt_code from wx.addCard or a jump URL (decode the URL exactly once first). */
  async decrypt(encryptCode: string) {
    if (!encryptCode) new Rules('card/code/decrypt').fail('encrypt_code', 'is required')
    return this.t.call<{ code: string }>('card/code/decrypt', { body: { encrypt_code: encryptCode }, idempotent: true })
  }

  async mark(req: { code: string; card_id: string; openid: string; is_mark: boolean }) {
    return this.t.call('card/code/mark', { body: req, idempotent: true })
  }

  async update(req: { code: string; card_id?: string; new_code: string }) {
    return this.t.call('card/code/update', { body: req })
  }

  async unavailable(req: { code: string; card_id?: string; reason?: string }) {
    return this.t.call('card/code/unavailable', { body: req, idempotent: true })
  }
}
