// Invoices, friend-coupon coins, data cube (61500/61501). Pay-then-member rules live in api-member.ts.
import { randomBytes } from 'node:crypto'
import { num, obj, str, type Body, type Endpoint } from './api'
import { cardOf } from './cards'
import { coinTenthsPerCoupon } from './card-type-rules'
import { WxError, type Platform } from './platform'
import type { CubeCounter, EmuState } from './state'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** getcardcardinfo: "card_type … 0:折扣券,1:代金券,2:礼品券,3:优惠券,4:团购券". */
const CUBE_CARD_TYPE: Record<string, number> = { DISCOUNT: 0, CASH: 1, GIFT: 2, GENERAL_COUPON: 3, GROUPON: 4 }

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

/** Coins are kept as numbers of coins; sums are done in tenths (the smallest price is 0.2) so they stay exact. */
const tenths = (coins: number) => Math.round(coins * 10)
const coins = (t: number) => t / 10

/** "券点流水详情事件推送: 当券点发生变动时,微信服务器会将本次变动的类型、券点数额以及时间等信息推送给开发者服务器。" */
function pushCoinChange(p: Platform, o: Body): void {
  p.push('card_pay_order', {
    OrderId: String(o.order_id),
    Status: String(o.status),
    CreateOrderTime: String(o.create_time ?? 0),
    PayFinishTime: String(o.pay_finish_time ?? 0),
    Desc: String(o.desc ?? ''),
    FreeCoinCount: String(o.free_coin_count ?? '0'),
    PayCoinCount: String(o.pay_coin_count ?? '0'),
    RefundFreeCoinCount: '0',
    RefundPayCoinCount: '0',
    OrderType: String(o.order_type),
    Memo: '',
    ReceiptInfo: '',
  })
}

export const cardPayApi: Record<string, Endpoint> = {
  'card/pay/activate': {
    method: 'GET',
    handler: (p) => {
      if (!p.s.coins.activated) {
        p.s.coins.activated = true
        p.s.coins.free += 200
        const id = randomBytes(12).toString('hex')
        // "微信卡券对每一个新开通券点账户的商户奖励200个券点" — an ORDER_TYPE_SYS_ADD (平台赠送) entry.
        const o = {
          order_id: id,
          status: 'ORDER_STATUS_FINANCE_SUCC',
          order_type: 'ORDER_TYPE_SYS_ADD',
          create_time: p.now(),
          pay_finish_time: p.now(),
          desc: '平台赠送',
          free_coin_count: '200',
          pay_coin_count: '0',
        }
        p.s.coins.orders[id] = o
        p.touch()
        pushCoinChange(p, o)
      }
      return { reward: 200 }
    },
  },
  'card/pay/getcoinsinfo': {
    method: 'GET',
    handler: (p) => ({
      free_coin: p.s.coins.free,
      pay_coin: p.s.coins.pay,
      total_coin: coins(tenths(p.s.coins.free) + tenths(p.s.coins.pay)),
    }),
  },
  'card/pay/getpayprice': {
    method: 'POST',
    handler: (p, b) => {
      const card = cardOf(p, str(b, 'card_id'))
      if (!card.isFriendCoupon) throw new WxError(40097, 'invalid args: only friend coupons are bought with coins')
      const quantity = num(b, 'quantity')
      if (!Number.isInteger(quantity) || quantity < 1) throw new WxError(40097, 'invalid args: quantity must be a positive integer')
      // "1)无门槛类型,保持0.2券点/张; 2)指定品类可用/不可用门槛,0.4券点/张; 3)满减/买xx可用门槛,0.6券点/张"
      const price = quantity * coinTenthsPerCoupon(card.body)
      const fromFree = Math.min(price, tenths(p.s.coins.free))
      const orderId = randomBytes(24).toString('base64url')
      // "仅对当前订单有效且仅可以使用一次,60s内可用于兑换库存。"
      p.s.coins.orders[orderId] = {
        order_id: orderId,
        card_id: card.card_id,
        quantity,
        priceTenths: price,
        expires: p.now() + 60,
        status: 'ORDER_STATUS_WAITING',
        order_type: 'ORDER_TYPE_REDUCE',
        create_time: p.now(),
      }
      p.touch()
      return {
        order_id: orderId,
        price: String(coins(price)),
        free_coin: String(coins(fromFree)),
        pay_coin: String(coins(price - fromFree)),
      }
    },
  },
  'card/pay/confirm': {
    method: 'POST',
    handler: (p, b) => {
      const order = p.s.coins.orders[str(b, 'order_id')]
      if (
        !order ||
        order.order_type !== 'ORDER_TYPE_REDUCE' ||
        order.card_id !== str(b, 'card_id') ||
        order.quantity !== num(b, 'quantity')
      )
        throw new WxError(40097, 'invalid args: no such price order for this card and quantity')
      // "order_id … 仅可以使用一次": a second confirm adds nothing and charges nothing.
      if (order.status !== 'ORDER_STATUS_WAITING') throw new WxError(40097, 'invalid args: the price order has already been used')
      if ((order.expires as number) < p.now()) throw new WxError(40097, 'invalid args: the price order has expired (60 s)')
      const price = order.priceTenths as number
      const free = tenths(p.s.coins.free)
      const paid = tenths(p.s.coins.pay)
      if (free + paid < price) throw new WxError(40097, 'invalid args: not enough coins')
      const fromFree = Math.min(price, free)
      p.s.coins.free = coins(free - fromFree)
      p.s.coins.pay = coins(paid - (price - fromFree))
      Object.assign(order, {
        status: 'ORDER_STATUS_QUANTITY_SUCC',
        pay_finish_time: p.now(),
        free_coin_count: String(coins(fromFree)),
        pay_coin_count: String(coins(price - fromFree)),
        desc: '券点兑换库存',
      })
      const card = cardOf(p, order.card_id as string)
      card.quantity += order.quantity as number
      card.totalQuantity += order.quantity as number
      p.touch()
      pushCoinChange(p, order)
      return {}
    },
  },
  'card/pay/recharge': {
    method: 'POST',
    handler: (p, b) => {
      const count = num(b, 'coin_count')
      if (!Number.isInteger(count) || count < 1) throw new WxError(40097, 'invalid args: coin_count must be a positive integer')
      const orderId = randomBytes(12).toString('hex')
      // The order waits for the merchant to pay the QR code (the emulator's /__emu/coins/pay, or
      // scanning it as a person does); the coins arrive then.
      p.s.coins.orders[orderId] = {
        order_id: orderId,
        status: 'ORDER_STATUS_WAITING',
        order_type: 'ORDER_TYPE_WXPAY',
        create_time: p.now(),
        desc: '微信支付充值',
        free_coin_count: '0',
        pay_coin_count: String(count),
      }
      p.touch()
      const qrcodeUrl = `weixin://wxpay/bizpayurl?pr=${orderId}`
      // qrcode_buffer is the QR code picture's bytes; the emulator has no QR encoder, so it carries the
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
    // friend-coupons.zh.txt lines 772-790: begin_time "默认1周前", end_time "默认为当前时间" (timestamps,
    // sent as strings in the example), order_type, nor_filter.status "不要拉取的订单状态", sort_info
    // (SORT_BY_TIME; SORT_ASC 升序, SORT_DESC 降序), offset "默认为0", count.
    handler: (p, b) => {
      const now = p.now()
      // friend-coupons.zh.txt 查询券点流水详情接口: begin_time "默认1周前", end_time "默认为当前时间"; its example
      // sends them as strings of digits, so those are taken as numbers too.
      const timeOf = (k: string): number | undefined => {
        if (b[k] === undefined) return undefined
        const n = Number(b[k])
        if (!Number.isInteger(n) || n < 0) throw new WxError(40097, `invalid args: ${k} must be a Unix time in seconds`)
        return n
      }
      const begin = timeOf('begin_time') ?? now - 7 * 86400
      const end = timeOf('end_time') ?? now
      if (end < begin) throw new WxError(40097, 'invalid args: end_time is before begin_time')
      const notStatus = (obj(b, 'nor_filter', false).status as string | undefined) ?? ''
      const sort = obj(b, 'sort_info', false)
      if (sort.sort_key !== undefined && sort.sort_key !== 'SORT_BY_TIME')
        throw new WxError(40097, 'invalid args: sort_info.sort_key must be SORT_BY_TIME')
      if (sort.sort_type !== undefined && sort.sort_type !== 'SORT_ASC' && sort.sort_type !== 'SORT_DESC')
        throw new WxError(40097, 'invalid args: sort_info.sort_type must be SORT_ASC or SORT_DESC')
      const all = Object.values(p.s.coins.orders)
        .filter((o) => !b.order_type || o.order_type === b.order_type)
        .filter((o) => o.status !== notStatus)
        .filter((o) => Number(o.create_time) >= begin && Number(o.create_time) <= end)
        // ties by order_id, so that paging by offset over one window is stable
        .sort(
          (x, y) =>
            (Number(x.create_time) - Number(y.create_time)) * (sort.sort_type === 'SORT_DESC' ? -1 : 1) ||
            String(x.order_id).localeCompare(String(y.order_id)),
        )
      const offset = num(b, 'offset', false)
      return { order_list: all.slice(offset, offset + num(b, 'count')).map(coinOrderView), total_num: all.length }
    },
  },
}

/** Pays a recharge order's QR code (what the merchant does with WeChat Pay): the coins are credited once. */
export function payRecharge(p: Platform, orderId: string): Body {
  const o = p.s.coins.orders[orderId]
  if (!o || o.order_type !== 'ORDER_TYPE_WXPAY') throw new WxError(40097, 'invalid args: no such recharge order')
  if (o.status === 'ORDER_STATUS_WAITING') {
    p.s.coins.pay = coins(tenths(p.s.coins.pay) + tenths(Number(o.pay_coin_count)))
    Object.assign(o, { status: 'ORDER_STATUS_FINANCE_SUCC', pay_finish_time: p.now() })
    p.touch()
    pushCoinChange(p, o)
  }
  return coinOrderView(o)
}

/** A coin order as friend-coupons.zh.txt's getorder shows it (counts as strings, as its example does). */
function coinOrderView(o: Body): Body {
  return {
    order_id: o.order_id,
    status: o.status,
    create_time: o.create_time,
    pay_finish_time: o.pay_finish_time ?? 0,
    desc: o.desc ?? '',
    free_coin_count: o.free_coin_count ?? '0',
    pay_coin_count: o.pay_coin_count ?? '0',
    refund_free_coin_count: '0',
    refund_pay_coin_count: '0',
    openid: o.openid ?? '',
    order_type: o.order_type,
  }
}

function dateRange(b: Body): { begin: string; end: string } {
  const begin = str(b, 'begin_date')
  const end = str(b, 'end_date')
  if (!DATE.test(begin) || !DATE.test(end) || Number.isNaN(Date.parse(begin)) || Number.isNaN(Date.parse(end)))
    throw new WxError(61500, 'date format error')
  const days = (Date.parse(end) - Date.parse(begin)) / 86400000 + 1
  if (days < 1 || days > 62) throw new WxError(61501, 'date range error')
  return { begin, end }
}

/** One cube row's counters: "xxx_cnt" times and "xxx_user" distinct people (friend-coupons.zh.txt lines 1755-1764). */
type CubeDay = EmuState['cube'][string][string]
const COUNTERS: CubeCounter[] = ['view', 'receive', 'verify', 'given', 'expire']

function cubeRow(days: CubeDay[]): Body {
  const row: Body = {}
  for (const k of COUNTERS) {
    row[`${k}_cnt`] = days.reduce((n, d) => n + d[k], 0)
    row[`${k}_user`] = new Set(days.flatMap((d) => d.users?.[k] ?? [])).size
  }
  return row
}

export const datacubeApi: Record<string, Endpoint> = {
  'datacube/getcardbizuininfo': {
    method: 'POST',
    handler: (p, b) => {
      const { begin, end } = dateRange(b)
      const byDay: Record<string, CubeDay[]> = {}
      for (const days of Object.values(p.s.cube)) {
        for (const [day, c] of Object.entries(days)) if (day >= begin && day <= end) (byDay[day] ??= []).push(c)
      }
      return {
        list: Object.entries(byDay)
          .sort()
          .map(([ref_date, days]) => ({ ref_date, ...cubeRow(days) })),
      }
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
        // "card_type … 0:折扣券,1:代金券,2:礼品券,3:优惠券,4:团购券" (line 1754): the table numbers the five
        // coupon types only; a gift card or member card has no number there, so its row carries none
        // (rather than passing for 0, 折扣券).
        const type = CUBE_CARD_TYPE[p.s.cards[cardId]?.card_type ?? '']
        for (const [day, c] of Object.entries(days)) {
          if (day >= begin && day <= end)
            out.push({ ref_date: day, card_id: cardId, ...(type === undefined ? {} : { card_type: type }), ...cubeRow([c]) })
        }
      }
      return { list: out }
    },
  },
}
