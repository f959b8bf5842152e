// Invoices, friend-coupon coins, data cube (61500/61501). Pay-then-member rules live in api-member.ts.
import { randomBytes } from 'node:crypto'
import { num, obj, str, type Body, type Endpoint } from './api'
import { cardOf } from './api-card'
import { WxError } from './platform'

const DATE = /^\d{4}-\d{2}-\d{2}$/

export const invoiceApi: Record<string, Endpoint> = {
  'card/invoice/setbizattr': {
    method: 'POST',
    handler: (p, b, q) => {
      switch (q.get('action')) {
        case 'set_pay_mch': {
          const info = obj(b, 'paymch_info')
          str(info, 'mchid')
          str(info, 's_pappid')
          p.s.invoice.paymch = info
          p.touch()
          return {}
        }
        case 'get_pay_mch':
          return { paymch_info: p.s.invoice.paymch ?? {} }
        case 'set_auth_field': {
          // §12.2.2.3: auth_field holds user_field and biz_field, both marked "yes".
          const field = obj(b, 'auth_field')
          obj(field, 'user_field')
          obj(field, 'biz_field')
          p.s.invoice.authField = field
          p.touch()
          return {}
        }
        case 'get_auth_field':
          // §12.2.2.3: `{"errcode": 0, "errmsg": "ok", "auth_field": {"user_field": …, "biz_field": …}}`.
          return { auth_field: p.s.invoice.authField ?? { user_field: {}, biz_field: {} } }
        default:
          throw new WxError(40097, 'invalid args: action must be set_pay_mch, get_pay_mch, set_auth_field or get_auth_field')
      }
    },
  },
  'card/invoice/getauthdata': {
    method: 'POST',
    handler: (p, b) => {
      str(b, 's_pappid')
      const data = p.s.invoice.authData[str(b, 'order_id')]
      if (!data) throw new WxError(72038, 'the order has no invoice authorization')
      return data
    },
  },
}

export const cardPayApi: Record<string, Endpoint> = {
  'card/pay/activate': {
    method: 'GET',
    handler: (p) => {
      if (!p.s.coins.activated) {
        p.s.coins.activated = true
        p.s.coins.free += 200
        p.touch()
      }
      return { reward: 200 }
    },
  },
  'card/pay/getcoinsinfo': {
    method: 'GET',
    handler: (p) => ({ free_coin: p.s.coins.free, pay_coin: p.s.coins.pay, total_coin: p.s.coins.free + p.s.coins.pay }),
  },
  'card/pay/getpayprice': {
    method: 'POST',
    handler: (p, b) => {
      const card = cardOf(p, str(b, 'card_id'))
      if (!card.isFriendCoupon) throw new WxError(40097, 'invalid args: only friend coupons are bought with coins')
      const quantity = num(b, 'quantity')
      // 0.1 coin a coupon; a price order lives 60 seconds.
      const price = quantity / 10
      const orderId = randomBytes(24).toString('base64url')
      p.s.coins.orders[orderId] = { order_id: orderId, card_id: card.card_id, quantity, price, expires: p.now() + 60, status: 'ORDER_STATUS_WAITING', order_type: 'ORDER_TYPE_SYS_ADD', create_time: p.now() }
      p.touch()
      return { order_id: orderId, price: String(price), free_coin: String(Math.min(price, p.s.coins.free)), pay_coin: String(Math.max(0, price - p.s.coins.free)) }
    },
  },
  'card/pay/confirm': {
    method: 'POST',
    handler: (p, b) => {
      const order = p.s.coins.orders[str(b, 'order_id')]
      if (!order || order.card_id !== str(b, 'card_id') || order.quantity !== num(b, 'quantity')) throw new WxError(40097, 'invalid args: no such price order for this card and quantity')
      if ((order.expires as number) < p.now()) throw new WxError(40097, 'invalid args: the price order has expired (60 s)')
      const price = order.price as number
      if (p.s.coins.free + p.s.coins.pay < price) throw new WxError(40097, 'invalid args: not enough coins')
      const fromFree = Math.min(price, p.s.coins.free)
      p.s.coins.free -= fromFree
      p.s.coins.pay -= price - fromFree
      order.status = 'ORDER_STATUS_SUCC'
      Object.assign(order, { pay_finish_time: p.now(), free_coin_count: String(fromFree), pay_coin_count: String(price - fromFree), desc: '兑换库存' })
      const card = cardOf(p, order.card_id as string)
      card.quantity += order.quantity as number
      card.totalQuantity += order.quantity as number
      p.touch()
      return {}
    },
  },
  'card/pay/recharge': {
    method: 'POST',
    handler: (p, b) => {
      const coins = num(b, 'coin_count')
      const orderId = randomBytes(12).toString('hex')
      // Paying the QR code is outside the emulator; the recharge is credited at once.
      p.s.coins.pay += coins
      p.s.coins.orders[orderId] = { order_id: orderId, status: 'ORDER_STATUS_SUCC', order_type: 'ORDER_TYPE_WXPAY', create_time: p.now(), pay_finish_time: p.now(), desc: '微信支付充值', free_coin_count: '0', pay_coin_count: String(coins) }
      p.touch()
      const qrcodeUrl = `weixin://wxpay/bizpayurl?pr=${orderId}`
      // qrcode_buffer is the QR code picture, base64; the emulator has no QR encoder, so it carries the
      // URL's bytes instead (the field is there, as documented; nothing scans it here).
      return { order_id: orderId, qrcode_url: qrcodeUrl, qrcode_buffer: Buffer.from(qrcodeUrl).toString('base64') }
    },
  },
  'card/pay/getorder': {
    method: 'POST',
    handler: (p, b) => {
      const o = p.s.coins.orders[str(b, 'order_id')]
      if (!o) throw new WxError(40097, 'invalid args: order_id')
      return { order_info: coinOrderView(o) }
    },
  },
  'card/pay/getorderlist': {
    method: 'POST',
    handler: (p, b) => {
      const all = Object.values(p.s.coins.orders)
      const offset = num(b, 'offset')
      return { order_list: all.slice(offset, offset + num(b, 'count')).map(coinOrderView), total_num: all.length }
    },
  },
}

/** A coin order as friend-coupons.zh.txt's getorder shows it (counts as strings, as its example does). */
function coinOrderView(o: Body): Body {
  return {
    order_id: o.order_id, status: o.status, create_time: o.create_time, pay_finish_time: o.pay_finish_time ?? 0, desc: o.desc ?? '',
    free_coin_count: o.free_coin_count ?? '0', pay_coin_count: o.pay_coin_count ?? '0', refund_free_coin_count: '0', refund_pay_coin_count: '0',
    openid: o.openid ?? '', order_type: o.order_type,
  }
}

function dateRange(b: Body): { begin: string; end: string } {
  const begin = str(b, 'begin_date')
  const end = str(b, 'end_date')
  if (!DATE.test(begin) || !DATE.test(end) || Number.isNaN(Date.parse(begin)) || Number.isNaN(Date.parse(end))) throw new WxError(61500, 'date format error')
  const days = (Date.parse(end) - Date.parse(begin)) / 86400000 + 1
  if (days < 1 || days > 62) throw new WxError(61501, 'date range error')
  return { begin, end }
}

export const datacubeApi: Record<string, Endpoint> = {
  'datacube/getcardbizuininfo': {
    method: 'POST',
    handler: (p, b) => {
      const { begin, end } = dateRange(b)
      const byDay: Record<string, { view: number; receive: number; verify: number; given: number; expire: number }> = {}
      for (const days of Object.values(p.s.cube)) {
        for (const [day, c] of Object.entries(days)) {
          if (day < begin || day > end) continue
          const t = (byDay[day] ??= { view: 0, receive: 0, verify: 0, given: 0, expire: 0 })
          for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += c[k]
        }
      }
      return { list: Object.entries(byDay).sort().map(([ref_date, c]) => ({ ref_date, view_cnt: c.view, view_user: c.view, receive_cnt: c.receive, receive_user: c.receive, verify_cnt: c.verify, verify_user: c.verify, given_cnt: c.given, given_user: c.given, expire_cnt: c.expire, expire_user: c.expire })) }
    },
  },
  'datacube/getcardcardinfo': {
    method: 'POST',
    handler: (p, b) => {
      const { begin, end } = dateRange(b)
      const only = str(b, 'card_id', false)
      const out: Body[] = []
      for (const [cardId, days] of Object.entries(p.s.cube)) {
        if (only && cardId !== only) continue
        for (const [day, c] of Object.entries(days)) {
          if (day >= begin && day <= end) out.push({ ref_date: day, card_id: cardId, card_type: p.s.cards[cardId]?.card_type === 'GENERAL_CARD' ? 0 : 1, view_cnt: c.view, view_user: c.view, receive_cnt: c.receive, receive_user: c.receive, verify_cnt: c.verify, verify_user: c.verify, given_cnt: c.given, given_user: c.given, expire_cnt: c.expire, expire_user: c.expire })
        }
      }
      return { list: out }
    },
  },
}
