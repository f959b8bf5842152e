// card/pay/*: the friend-coupon coin account (friend-coupons.zh.txt). A price quote from getpayprice
// is an order that expires after 60 seconds; confirm spends coins for it.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export class CardPayApi {
  constructor(private readonly t: WxTransport) {}

  async activate() {
    return this.t.call<{ reward: number }>('card/pay/activate', { method: 'GET', idempotent: true })
  }

  async getPayPrice(req: { card_id: string; quantity: number }) {
    new Rules('card/pay/getpayprice').int('quantity', req.quantity, 1, 100_000)
    // The document's example sends quantity as a string.
    return this.t.call<{ order_id: string; price: string; free_coin: string; pay_coin: string }>('card/pay/getpayprice', {
      body: { card_id: req.card_id, quantity: String(req.quantity) },
      idempotent: true,
    })
  }

  async getCoinsInfo() {
    return this.t.call<{ free_coin: number; pay_coin: number; total_coin: number }>('card/pay/getcoinsinfo', {
      method: 'GET',
      idempotent: true,
    })
  }

  async confirm(req: { card_id: string; order_id: string; quantity: number }) {
    new Rules('card/pay/confirm').int('quantity', req.quantity, 1, 100_000)
    // As getpayprice: the document's example sends quantity as a string ("quantity": "1").
    return this.t.call('card/pay/confirm', { body: { card_id: req.card_id, order_id: req.order_id, quantity: String(req.quantity) } })
  }

  async recharge(coinCount: number) {
    new Rules('card/pay/recharge').int('coin_count', coinCount, 1, 100_000_000)
    return this.t.call<{ order_id: string; qrcode_url: string; qrcode_buffer?: string }>('card/pay/recharge', {
      body: { coin_count: coinCount },
    })
  }

  async getOrder(orderId: string) {
    return this.t.call<{ order_info: Record<string, unknown> }>('card/pay/getorder', { body: { order_id: orderId }, idempotent: true })
  }

  async getOrderList(req: {
    offset: number
    count: number
    order_type?: string
    nor_filter?: { status: string }
    sort_info?: { sort_key: string; sort_type: string }
    begin_time?: number
    end_time?: number
  }) {
    const r: Rules = new Rules('card/pay/getorderlist')
    r.int('offset', req.offset, 0, Number.MAX_SAFE_INTEGER)
    r.int('count', req.count, 1, 50)
    r.timestamp('begin_time', req.begin_time)
    r.timestamp('end_time', req.end_time)
    // The document's example sends the times as strings ("begin_time": "1440420538").
    const body = {
      ...req,
      ...(req.begin_time !== undefined ? { begin_time: String(req.begin_time) } : {}),
      ...(req.end_time !== undefined ? { end_time: String(req.end_time) } : {}),
    }
    return this.t.call<{ order_list: unknown[]; total_num: number }>('card/pay/getorderlist', { body, idempotent: true })
  }
}
