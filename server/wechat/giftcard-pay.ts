// Payment access for gift cards (gift-card-api §8): pay whitelist, sub-merchant bind, Mini Program bind.
import { Rules } from './rules'
import type { WxTransport } from './transport'

/** A WeChat Pay merchant number: digits. */
const MCH_NUMBER = /^\d{6,20}$/

export class GiftCardPayApi {
  constructor(private readonly t: WxTransport) {}

  /**
   * Returns the URL the merchant opens to confirm the gift-card payment feature.
   * gift-card-api §8.1.1: `"sub_mch_id": "1900015421"//微信支付子商户号` — the field is sub_mch_id (the
   * sub-merchant number), not mchid.
   */
  async whitelistAdd(subMchId: string) {
    if (!MCH_NUMBER.test(subMchId ?? ''))
      new Rules('card/giftcard/pay/whitelist/add').fail('sub_mch_id', 'must be a merchant number (digits)')
    return this.t.call<{ url: string }>('card/giftcard/pay/whitelist/add', { body: { sub_mch_id: subMchId }, idempotent: true })
  }

  async submchBind(req: { sub_mch_id: string; wxa_appid: string }) {
    const r: Rules = new Rules('card/giftcard/pay/submch/bind')
    if (!MCH_NUMBER.test(req.sub_mch_id ?? '')) r.fail('sub_mch_id', 'must be a merchant number (digits)')
    if (!/^wx[0-9a-f]{16}$/.test(req.wxa_appid ?? '')) r.fail('wxa_appid', 'must be a Mini Program appid')
    return this.t.call('card/giftcard/pay/submch/bind', { body: req, idempotent: true })
  }

  async wxaSet(req: { wxa_appid: string; page_id: string }) {
    const r: Rules = new Rules('card/giftcard/wxa/set')
    if (!/^wx[0-9a-f]{16}$/.test(req.wxa_appid ?? '')) r.fail('wxa_appid', 'must be a Mini Program appid')
    if (!req.page_id) r.fail('page_id', 'is required')
    return this.t.call('card/giftcard/wxa/set', { body: req, idempotent: true })
  }
}
