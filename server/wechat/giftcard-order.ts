// card/giftcard/order/{get,batchget,refund} (gift-card-api §9, §12).
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface GiftCardOrderCard {
  card_id: string
  price: number
  code: string
  default_gifting_msg?: string
  background_pic_url?: string
  outer_img_id?: string
  accepter_openid?: string
  [field: string]: unknown
}

export interface GiftCardOrder {
  order_id: string
  page_id: string
  trans_id: string
  create_time: number
  pay_finish_time: number
  total_price: number
  open_id: string
  accepter_openid?: string
  card_list: GiftCardOrderCard[]
  outer_str?: string
  /** gift-card-api §9.1: "IsChatRoom": true — whether the order's cards were sent to a group (CamelCase as in the document) */
  IsChatRoom?: boolean
  [field: string]: unknown
}

export const BATCHGET_MAX_COUNT = 100
export const BATCHGET_MAX_DAYS = 31

export class GiftCardOrderApi {
  constructor(private readonly t: WxTransport) {}

  async get(orderId: string) {
    if (!orderId) new Rules('card/giftcard/order/get').fail('order_id', 'is required')
    return this.t.call<{ order: GiftCardOrder }>('card/giftcard/order/get', { body: { order_id: orderId }, idempotent: true })
  }

  async batchGet(req: { begin_time: number; end_time: number; sort_type: 'ASC' | 'DESC'; offset: number; count: number }) {
    const r: Rules = new Rules('card/giftcard/order/batchget')
    r.window('begin_time', req.begin_time, 'end_time', req.end_time, BATCHGET_MAX_DAYS)
    r.oneOf('sort_type', req.sort_type, ['ASC', 'DESC'])
    r.int('offset', req.offset, 0, Number.MAX_SAFE_INTEGER)
    r.int('count', req.count, 1, BATCHGET_MAX_COUNT)
    return this.t.call<{ total_count: number; order_list: GiftCardOrder[] }>('card/giftcard/order/batchget', {
      body: req,
      idempotent: true,
    })
  }

  async refund(orderId: string) {
    if (!orderId) new Rules('card/giftcard/order/refund').fail('order_id', 'is required')
    return this.t.call('card/giftcard/order/refund', { body: { order_id: orderId }, idempotent: true })
  }
}
