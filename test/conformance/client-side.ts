// The client's side of the conformance run: what each API's method does with a document's request
// example (sends exactly that JSON, or refuses it naming a field), and which reply fields its types
// declare. The key lists are checked by the compiler against the methods' reply types: a field added
// to or dropped from a type without updating the list here fails the type check.
import type { WechatClient } from '../../server/wechat/client'
import { WxRuleError } from '../../server/wechat/errors'

type AnyFn = (...a: never[]) => Promise<unknown>
type Reply<F extends AnyFn> = Omit<Awaited<ReturnType<F>>, 'errcode' | 'errmsg'>
/** Every key of T, and no other (an object literal's excess keys are refused). */
const keys = <T>(k: Record<keyof T, true>): string[] => Object.keys(k)

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** How the product's client sends each API, given a document's request JSON. */
export const CLIENT_CALLS: Record<string, (wx: WechatClient, ex: J) => Promise<unknown>> = {
  'card/create': (wx, ex) => wx.card.create(ex as never),
  'card/update': (wx, ex) => wx.card.update(ex as never),
  'card/qrcode/create': (wx, ex) => wx.card.qrcodeCreate(ex as never),
  'card/testwhitelist/set': (wx, ex) => wx.card.testWhitelistSet(ex),
  'card/code/get': (wx, ex) => wx.code.get(ex as never),
  'card/code/consume': (wx, ex) => wx.code.consume(ex as never),
  'card/code/decrypt': (wx, ex) => wx.code.decrypt(ex.encrypt_code),
  'card/code/mark': (wx, ex) => wx.code.mark(ex as never),
  'card/generalcard/updateuser': (wx, ex) => wx.memberCard.generalCardUpdateUser(ex as never),
  'card/membercard/userinfo/get': (wx, ex) => wx.memberCard.userInfoGet(ex as never),
  'card/giftcard/page/add': (wx, ex) => wx.giftCardPage.add(ex.page),
  'card/giftcard/page/get': (wx, ex) => wx.giftCardPage.get(ex.page_id),
  'card/giftcard/page/update': (wx, ex) => wx.giftCardPage.update(ex.page),
  'card/giftcard/page/batchget': (wx) => wx.giftCardPage.batchGet(),
  'card/giftcard/maintain/set': (wx, ex) => wx.giftCardPage.maintainSet(ex as never),
  'card/giftcard/pay/whitelist/add': (wx, ex) => wx.giftCardPay.whitelistAdd(ex.sub_mch_id),
  'card/giftcard/pay/submch/bind': (wx, ex) => wx.giftCardPay.submchBind(ex as never),
  'card/giftcard/wxa/set': (wx, ex) => wx.giftCardPay.wxaSet(ex as never),
  'card/giftcard/order/get': (wx, ex) => wx.giftCardOrder.get(ex.order_id),
  'card/giftcard/order/batchget': (wx, ex) => wx.giftCardOrder.batchGet(ex as never),
  'card/giftcard/order/refund': (wx, ex) => wx.giftCardOrder.refund(ex.order_id),
  'card/invoice/setbizattr?action=set_pay_mch': (wx, ex) => wx.invoice.setPayMch(ex.paymch_info),
  'card/invoice/setbizattr?action=get_pay_mch': (wx) => wx.invoice.getPayMch(),
  'card/invoice/setbizattr?action=set_auth_field': (wx, ex) => wx.invoice.setAuthField(ex.auth_field),
  'card/invoice/setbizattr?action=get_auth_field': (wx) => wx.invoice.getAuthField(),
  'card/invoice/getauthdata': (wx, ex) => wx.invoice.getAuthData(ex as never),
  'card/paygiftcard/add': (wx, ex) => wx.payGiftCard.add(ex.rule_info),
  'card/paygiftcard/delete': (wx, ex) => wx.payGiftCard.delete(ex.rule_id),
  'card/paygiftcard/getbyid': (wx, ex) => wx.payGiftCard.getById(ex.rule_id),
  'card/paygiftcard/batchget': (wx, ex) => wx.payGiftCard.batchGet(ex as never),
  'card/pay/activate': (wx) => wx.cardPay.activate(),
  // The methods take numbers and send them as the documents' examples do (strings).
  'card/pay/getpayprice': (wx, ex) => wx.cardPay.getPayPrice({ card_id: ex.card_id, quantity: Number(ex.quantity) }),
  'card/pay/getcoinsinfo': (wx) => wx.cardPay.getCoinsInfo(),
  'card/pay/confirm': (wx, ex) => wx.cardPay.confirm({ card_id: ex.card_id, order_id: ex.order_id, quantity: Number(ex.quantity) }),
  'card/pay/recharge': (wx, ex) => wx.cardPay.recharge(ex.coin_count),
  'card/pay/getorder': (wx, ex) => wx.cardPay.getOrder(ex.order_id),
  'card/pay/getorderlist': (wx, ex) =>
    wx.cardPay.getOrderList({ ...ex, begin_time: Number(ex.begin_time), end_time: Number(ex.end_time) } as never),
  'datacube/getcardbizuininfo': (wx, ex) => wx.datacube.cardBizuinInfo(ex as never),
  'datacube/getcardcardinfo': (wx, ex) => wx.datacube.cardCardInfo(ex as never),
  'cgi-bin/ticket/getticket?type=wx_card': (wx) => wx.basics.cardTicket(),
}

/** 'untyped': the client reads the reply as a plain record (any field is kept). */
type Declared = string[] | 'untyped'

/** The reply fields each client method's type declares, top level and the nested objects that matter. */
export const REPLY_KEYS: Record<string, { top: Declared; nested?: Record<string, Declared> }> = {
  'card/create': { top: keys<Reply<WechatClient['card']['create']>>({ card_id: true }) },
  'card/update': { top: keys<Reply<WechatClient['card']['update']>>({ send_check: true }) },
  'card/qrcode/create': {
    top: keys<Reply<WechatClient['card']['qrcodeCreate']>>({ ticket: true, expire_seconds: true, url: true, show_qrcode_url: true }),
  },
  'card/testwhitelist/set': { top: [] },
  'card/code/get': {
    top: keys<Reply<WechatClient['code']['get']>>({
      openid: true,
      can_consume: true,
      user_card_status: true,
      card: true,
      order_id: true,
      background_pic_url: true,
      mark_openid: true,
      use_count: true,
    }),
    nested: {
      card: keys<Reply<WechatClient['code']['get']>['card']>({
        card_id: true,
        begin_time: true,
        end_time: true,
        balance: true,
        bonus: true,
        code: true,
        card_number: true,
      }),
    },
  },
  'card/code/consume': { top: keys<Reply<WechatClient['code']['consume']>>({ card: true, openid: true }) },
  'card/code/decrypt': { top: keys<Reply<WechatClient['code']['decrypt']>>({ code: true }) },
  'card/code/mark': { top: [] },
  'card/generalcard/updateuser': {
    top: keys<Reply<WechatClient['memberCard']['generalCardUpdateUser']>>({ result_bonus: true, result_balance: true, openid: true }),
  },
  'card/membercard/userinfo/get': { top: 'untyped' },
  'card/giftcard/page/add': { top: keys<Reply<WechatClient['giftCardPage']['add']>>({ page_id: true }) },
  'card/giftcard/page/get': { top: keys<Reply<WechatClient['giftCardPage']['get']>>({ page: true }) },
  'card/giftcard/page/update': { top: [] },
  'card/giftcard/page/batchget': { top: keys<Reply<WechatClient['giftCardPage']['batchGet']>>({ page_id_list: true }) },
  'card/giftcard/maintain/set': {
    top: keys<Reply<WechatClient['giftCardPage']['maintainSet']>>({ control_info: true }),
    nested: {
      control_info: keys<Reply<WechatClient['giftCardPage']['maintainSet']>['control_info']>({
        biz_control_type: true,
        system_biz_control_type: true,
        list: true,
      }),
    },
  },
  'card/giftcard/pay/whitelist/add': { top: keys<Reply<WechatClient['giftCardPay']['whitelistAdd']>>({ url: true }) },
  'card/giftcard/pay/submch/bind': { top: [] },
  'card/giftcard/wxa/set': { top: [] },
  'card/giftcard/order/get': {
    top: keys<Reply<WechatClient['giftCardOrder']['get']>>({ order: true }),
    // GiftCardOrder keeps unknown fields ([field: string]); these are the ones it names.
    nested: {
      order: [
        'order_id',
        'page_id',
        'trans_id',
        'create_time',
        'pay_finish_time',
        'total_price',
        'open_id',
        'accepter_openid',
        'card_list',
        'outer_str',
        'IsChatRoom',
      ],
    },
  },
  'card/giftcard/order/batchget': { top: keys<Reply<WechatClient['giftCardOrder']['batchGet']>>({ total_count: true, order_list: true }) },
  'card/giftcard/order/refund': { top: [] },
  'card/invoice/setbizattr?action=set_pay_mch': { top: [] },
  'card/invoice/setbizattr?action=get_pay_mch': { top: keys<Reply<WechatClient['invoice']['getPayMch']>>({ paymch_info: true }) },
  'card/invoice/setbizattr?action=set_auth_field': { top: [] },
  'card/invoice/setbizattr?action=get_auth_field': {
    top: keys<Reply<WechatClient['invoice']['getAuthField']>>({ auth_field: true }),
    nested: { auth_field: keys<Reply<WechatClient['invoice']['getAuthField']>['auth_field']>({ user_field: true, biz_field: true }) },
  },
  'card/invoice/getauthdata': {
    top: keys<Reply<WechatClient['invoice']['getAuthData']>>({ invoice_status: true, auth_time: true, user_auth_info: true }),
  },
  'card/paygiftcard/add': {
    top: keys<Reply<WechatClient['payGiftCard']['add']>>({ rule_id: true, fail_mchid_list: true, succ_mchid_list: true }),
  },
  'card/paygiftcard/delete': { top: [] },
  'card/paygiftcard/getbyid': { top: keys<Reply<WechatClient['payGiftCard']['getById']>>({ rule_info: true }) },
  'card/paygiftcard/batchget': { top: keys<Reply<WechatClient['payGiftCard']['batchGet']>>({ rule_list: true, total_count: true }) },
  'card/pay/activate': { top: keys<Reply<WechatClient['cardPay']['activate']>>({ reward: true }) },
  'card/pay/getpayprice': {
    top: keys<Reply<WechatClient['cardPay']['getPayPrice']>>({ order_id: true, price: true, free_coin: true, pay_coin: true }),
  },
  'card/pay/getcoinsinfo': {
    top: keys<Reply<WechatClient['cardPay']['getCoinsInfo']>>({ free_coin: true, pay_coin: true, total_coin: true }),
  },
  'card/pay/confirm': { top: [] },
  'card/pay/recharge': { top: keys<Reply<WechatClient['cardPay']['recharge']>>({ order_id: true, qrcode_url: true, qrcode_buffer: true }) },
  'card/pay/getorder': { top: keys<Reply<WechatClient['cardPay']['getOrder']>>({ order_info: true }) },
  'card/pay/getorderlist': { top: keys<Reply<WechatClient['cardPay']['getOrderList']>>({ order_list: true, total_num: true }) },
  'datacube/getcardbizuininfo': { top: keys<Reply<WechatClient['datacube']['cardBizuinInfo']>>({ list: true }) },
  'datacube/getcardcardinfo': { top: keys<Reply<WechatClient['datacube']['cardCardInfo']>>({ list: true }) },
  'cgi-bin/ticket/getticket?type=wx_card': { top: keys<Reply<WechatClient['basics']['cardTicket']>>({ ticket: true, expires_in: true }) },
  'cgi-bin/media/uploadimg': { top: keys<Reply<WechatClient['media']['uploadImg']>>({ url: true }) },
}

export type ClientVerdict = 'sent' | `sent differently: ${string}` | `refused: ${string}` | 'no client method'

/** What the client does with a request example: sends it as written, sends something else, or refuses it. */
export async function clientVerdict(
  makeClient: (onSend: (path: string, body: unknown) => void) => WechatClient,
  endpoint: string,
  example: J,
): Promise<ClientVerdict> {
  const call = CLIENT_CALLS[endpoint]
  if (!call) return 'no client method'
  let sent: unknown = undefined
  const wx = makeClient((path, body) => {
    if (!path.startsWith('cgi-bin/stable_token')) sent = body
  })
  try {
    await call(wx, example)
  } catch (err) {
    if (err instanceof WxRuleError) return `refused: ${err.field}`
    throw err
  }
  // GET APIs and the setbizattr "pass {}" ones send no body or {}; compare what there is.
  const expected = JSON.stringify(example)
  const got = sent === undefined ? '{}' : JSON.stringify(sent)
  return got === expected || sameJson(sent ?? {}, example) ? 'sent' : `sent differently: ${got.slice(0, 160)}`
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
      .filter((k) => (a as J)[k] !== undefined)
      .sort()
    const kb = Object.keys(b)
      .filter((k) => (b as J)[k] !== undefined)
      .sort()
    return ka.join() === kb.join() && ka.every((k) => sameJson((a as J)[k], (b as J)[k]))
  }
  return a === b
}

/** The documented reply fields the client's type does not declare ('' when it declares them all). */
export function undeclaredReplyFields(endpoint: string, reply: J): string[] {
  const spec = REPLY_KEYS[endpoint]
  if (!spec) return ['(no client method)']
  if (spec.top === 'untyped') return []
  const missing: string[] = []
  for (const k of Object.keys(reply)) {
    if (k === 'errcode' || k === 'errmsg') continue
    if (!spec.top.includes(k)) missing.push(k)
    const nested = spec.nested?.[k]
    const v = reply[k]
    if (nested && nested !== 'untyped' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const n of Object.keys(v)) if (!nested.includes(n)) missing.push(`${k}.${n}`)
    }
  }
  return missing
}
