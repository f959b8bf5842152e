// Issue #16's items, each held to the line of the document it follows, on both sides: the product's
// client (its rules and typed replies) and the emulator (raw HTTP, no product code). The quoted line
// is the test's reason; line numbers are those of /work/shared/reference (gift-card-api.en.txt unless
// named otherwise).
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { cellJumpUrl } from '../../emulator/wechat/client'
import type { CardCreateRequest } from '../../server/wechat/card'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { WxApiError, WxRuleError } from '../../server/wechat/errors'
import type { GiftCardPage } from '../../server/wechat/giftcard-page'
import example from '../fixtures/giftcard-create.example.json'
import { api, http, startEmu, startReceiver, token, until, type Receiver } from '../helpers/emulator'
import type { Json } from '../helpers/stack'
import { memoryStore } from '../helpers/store'

let rx: Receiver
let emu: WechatEmulator
let tok: string
let wx: WechatClient

beforeEach(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
  tok = await token(emu)
  wx = createWechatClient({
    store: await memoryStore(),
    appid: emu.platform.o.saAppid,
    secret: emu.platform.o.saSecret,
    apiBase: emu.url,
    retry: { attempts: 1 },
  })
})
afterEach(async () => {
  await emu.stop()
  await rx.close()
})

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

function giftCard(base: Json = {}): CardCreateRequest {
  const c = clone(example) as Json
  const now = Math.floor(Date.now() / 1000)
  c.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now - 3600,
    end_timestamp: now + 365 * 86400,
  }
  Object.assign(c.card.general_card.base_info, base)
  return c as CardCreateRequest
}

/** The §7.2 shelf with every field it marks "yes". */
function shelf(cardId: string, extra: Partial<GiftCardPage> = {}): GiftCardPage {
  return {
    page_title: '礼品卡',
    banner_pic_url: 'http://mmbiz.qpic.cn/b',
    support_buy_for_self: true,
    theme_list: [
      {
        theme_pic_url: 'http://mmbiz.qpic.cn/t',
        title: '主题',
        title_color: '#FB966E',
        item_list: [{ card_id: cardId }],
        pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/f', default_gifting_msg: '祝福语1' }],
      },
    ],
    address: '广州市海珠区222号',
    service_phone: '020-12345678',
    biz_description: '退款指引',
    cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
    cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
    ...extra,
  }
}

async function shelfWithCard(extra: Partial<GiftCardPage> = {}): Promise<{ cardId: string; pageId: string }> {
  const { card_id } = await wx.card.create(giftCard())
  const { page_id } = await wx.giftCardPage.add(shelf(card_id, extra))
  return { cardId: card_id, pageId: page_id }
}

const buy = (body: Json) => http(emu, 'POST', '/__emu/giftcard/buy', body)

const ruleField = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (err instanceof WxRuleError) return err.field
    throw err
  }
  return 'sent'
}

describe('§8.1.1 card/giftcard/pay/whitelist/add takes sub_mch_id', () => {
  // line 1062: "sub_mch_id": "1900015421"//微信支付子商户号
  test('the client sends sub_mch_id and gets the confirmation url; the emulator refuses mchid with 47001', async () => {
    const r = await wx.giftCardPay.whitelistAdd('1900015421')
    expect(r.url).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//)
    expect(emu.platform.s.payWhitelist).toHaveProperty('1900015421')
    expect((await api(emu, 'card/giftcard/pay/whitelist/add', { mchid: '1900015421' }, tok)).errcode).toBe(47001)
    expect(await ruleField(wx.giftCardPay.whitelistAdd('abc'))).toBe('sub_mch_id')
  })
})

describe('§12.2.2.3 get_auth_field answers auth_field { user_field, biz_field }', () => {
  // line 2083: Return: {"errcode": 0, "errmsg": "ok", "auth_field": { "user_field": {…}, "biz_field " : {…} } }
  test('what set_auth_field stored comes back nested under auth_field, on the wire and in the client’s type', async () => {
    const fields = {
      user_field: { show_title: 1, show_phone: 1, show_email: 1, custom_field: [{ key: 'field1' }] },
      biz_field: { show_title: 1, show_tax_no: 1, custom_field: [{ key: 'field2' }] },
    }
    await wx.invoice.setAuthField(fields)
    const raw = (await http(emu, 'POST', `/card/invoice/setbizattr?action=get_auth_field&access_token=${tok}`, {})).json
    expect(raw).toEqual({ errcode: 0, errmsg: 'ok', auth_field: fields })
    expect((await wx.invoice.getAuthField()).auth_field.biz_field?.show_tax_no).toBe(1)
  })

  // line 1964-1965: user_field Object yes / biz_field Object yes (set_auth_field)
  test('set_auth_field without biz_field: 47001 at the emulator', async () => {
    expect(
      (
        await http(emu, 'POST', `/card/invoice/setbizattr?action=set_auth_field&access_token=${tok}`, {
          auth_field: { user_field: { show_title: 1 } },
        })
      ).json.errcode,
    ).toBe(47001)
  })
})

describe('§11.4 card/code/get answers a gift card’s balance, code, card_number, order_id, background_pic_url', () => {
  // lines 1735-1743: "balance": 1, "code": "027691806183", "card_number": "027691806183" … "order_id": …, "background_pic_url": …
  test('a card bought on the shelf: the client’s typed reply carries every field reconciliation needs', async () => {
    const { cardId, pageId } = await shelfWithCard()
    const order = (
      await buy({
        user: 'bob',
        pageId,
        items: [{ cardId, backgroundPicUrl: 'http://mmbiz.qpic.cn/face-2', message: '生日快乐' }],
        forSelf: true,
      })
    ).json.order as Json
    const code = order.card_list[0].code as string
    const r = await wx.code.get({ card_id: cardId, code })
    expect(r.card).toMatchObject({ card_id: cardId, balance: 10000, code, card_number: code })
    expect(r.order_id).toBe(order.order_id)
    expect(r.background_pic_url).toBe('http://mmbiz.qpic.cn/face-2')
    // line 1754: card_number "if not set, is the same as the code"
    expect(r.card.card_number).toBe(r.card.code)
  })
})

describe('§7.6 card/giftcard/maintain/set answers control_info', () => {
  // lines 1015-1022: "control_info": { "biz_control_type": …, "system_biz_control_type": …, "list": [{ "page_id", "page_control_type", "system_page_control_type" }] }
  test('taking one shelf down shows it under the merchant’s control; taking all down, the AppID’s', async () => {
    const { pageId } = await shelfWithCard()
    const one = await wx.giftCardPage.maintainSet({ page_id: pageId, maintain: true })
    expect(one.control_info).toEqual({
      biz_control_type: 'E_PAGE_CONTROL_NORMAL',
      system_biz_control_type: 'E_PAGE_CONTROL_NORMAL',
      list: [{ page_id: pageId, page_control_type: 'E_PAGE_CONTROL_BIZ', system_page_control_type: 'E_PAGE_CONTROL_NORMAL' }],
    })
    expect((await wx.giftCardPage.maintainSet({ all: true, maintain: true })).control_info.biz_control_type).toBe('E_PAGE_CONTROL_BIZ')
  })
})

describe('§9.1 order/get has IsChatRoom; §12.2.2.4 AppId is the Service Account’s; §12.2.1 a second refund', () => {
  // line 1210: "IsChatRoom": true
  test('an order sent to a group reads IsChatRoom true, one bought for oneself false', async () => {
    const { cardId, pageId } = await shelfWithCard()
    const group = (await buy({ user: 'bob', pageId, items: [{ cardId }], toChatRoom: true })).json.order as Json
    const self = (await buy({ user: 'bob', pageId, items: [{ cardId }], forSelf: true })).json.order as Json
    expect((await wx.giftCardOrder.get(group.order_id)).order.IsChatRoom).toBe(true)
    expect((await wx.giftCardOrder.get(self.order_id)).order.IsChatRoom).toBe(false)
  })

  // line 2130: AppId String AppId for Service Account to receive event push
  test('user_authorize_invoice carries the Service Account’s AppId, not the invoice platform’s s_pappid', async () => {
    const { cardId, pageId } = await shelfWithCard()
    const order = (await buy({ user: 'bob', pageId, items: [{ cardId }], forSelf: true })).json.order as Json
    await wx.invoice.setPayMch({ mchid: '1234', s_pappid: 'wxabcd' })
    expect((await http(emu, 'POST', '/__emu/client/authorizeInvoice', { user: 'bob', orderId: order.order_id })).status).toBe(200)
    await until(() => rx.bodies.some((b) => b.includes('user_authorize_invoice')), 'user_authorize_invoice')
    const xml = rx.bodies.find((b) => b.includes('user_authorize_invoice'))!
    expect(xml).toContain(`<AppId><![CDATA[${emu.platform.o.saAppid}]]></AppId>`)
  })

  // §12.2.1 documents no errcode for refunding twice (lines 1780-1810): the second is a no-op, ok.
  test('refunding an order twice: both answer errcode 0, and the cards stay gone', async () => {
    const { cardId, pageId } = await shelfWithCard()
    const order = (await buy({ user: 'bob', pageId, items: [{ cardId }], forSelf: true })).json.order as Json
    expect((await wx.giftCardOrder.refund(order.order_id)).errcode).toBe(0)
    expect((await api(emu, 'card/giftcard/order/refund', { order_id: order.order_id }, tok)).errcode).toBe(0)
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toEqual([])
  })
})

describe('the emulator’s inventions, removed', () => {
  // line 568: support_buy_for_self … if filled in true support, default to false
  test('buying for oneself is refused on a shelf that does not say support_buy_for_self: true', async () => {
    const { cardId, pageId } = await shelfWithCard({ support_buy_for_self: undefined })
    const r = await buy({ user: 'bob', pageId, items: [{ cardId }], forSelf: true })
    expect(r.status).toBe(400)
    expect(r.json.errMsg).toMatch(/support_buy_for_self/)
    expect((await buy({ user: 'bob', pageId, items: [{ cardId }], toChatRoom: false })).status).toBe(200)
  })

  // §10.3 (lines 1460-1490): accepting pushes giftcard_user_accept; no user_get_card is described.
  test('a friend accepting a shelf order pushes giftcard_user_accept and no user_get_card', async () => {
    const { cardId, pageId } = await shelfWithCard()
    const order = (await buy({ user: 'bob', pageId, items: [{ cardId }], toChatRoom: false })).json.order as Json
    expect((await http(emu, 'POST', '/__emu/giftcard/accept', { user: 'alice', orderId: order.order_id })).status).toBe(200)
    await until(() => rx.bodies.some((b) => b.includes('giftcard_user_accept')), 'giftcard_user_accept')
    await emu.platform.settle()
    expect(rx.bodies.filter((b) => b.includes('user_get_card'))).toEqual([])
    expect((await wx.giftCardOrder.get(order.order_id)).order.accepter_openid).toBe(emu.users.get('alice')!.saOpenid)
  })

  // card-getting-started line 203: api_ticket … valid for 7200 s, and repeated requests remain unchanged within 7200 s
  test('the api_ticket is the same on every request within 7200 s, and a new one after', async () => {
    const get = async () => (await http(emu, 'GET', `/cgi-bin/ticket/getticket?type=wx_card&access_token=${await token(emu)}`)).json
    const first = await get()
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 3600 })
    const again = await get()
    expect(again.ticket).toBe(first.ticket)
    expect(again.expires_in).toBeLessThanOrEqual(3600)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 3600 })
    expect((await get()).ticket).not.toBe(first.ticket)
  })
})

describe('§6.3 and §11.2 rules, on both sides', () => {
  // line 373: get_limit For a maximum number of receipts per person, you must fill in 0.
  test('a gift card with get_limit 1: the client names the field, the emulator answers 40097', async () => {
    const card = giftCard({ get_limit: 1 })
    expect(await ruleField(wx.card.create(card))).toBe('card.general_card.base_info.get_limit')
    expect((await api(emu, 'card/create', card, tok)).errcode).toBe(40097)
  })

  // line 351: max_give_friend_times Maximum number of times a gift card can be given yes
  test('a gift card without max_give_friend_times: the client names the field, the emulator answers 47001', async () => {
    const card = giftCard({ max_give_friend_times: undefined })
    expect(await ruleField(wx.card.create(card))).toBe('card.general_card.base_info.max_give_friend_times')
    expect((await api(emu, 'card/create', card, tok)).errcode).toBe(47001)
  })

  // line 353: "CODE_TYPE_TEXT," … "CODE_TYPE_ONLY_BARCODE," (five code types for gift cards)
  test('a code_type outside the enum, or CODE_TYPE_NONE on a gift card: 40097 at the emulator, the field at the client', async () => {
    for (const code_type of ['CODE_TYPE_MAGIC', 'CODE_TYPE_NONE']) {
      const card = giftCard({ code_type })
      expect(await ruleField(wx.card.create(card))).toBe('card.general_card.base_info.code_type')
      expect((await api(emu, 'card/create', card, tok)).errcode).toBe(40097)
    }
  })

  // line 1629: custom_field_value1 … limited to 4 characters and 12 bytes.
  test.each([
    ['xxxx', true],
    ['一二三四', true],
    ['xxxxx', false],
    ['一二三四五', false],
  ])('custom_field_value1 %s accepted: %s', async (value, ok) => {
    const { card_id } = await wx.card.create(giftCard())
    const code = '123412341234'
    emu.platform.putCode({ card_id, code, status: 'NORMAL', openid: 'o1', balance: 0, bonus: 0, receivedAt: 0 })
    const req = { card_id, code, custom_field_value1: value }
    expect(await ruleField(wx.memberCard.generalCardUpdateUser(req))).toBe(ok ? 'sent' : 'custom_field_value1')
    expect((await api(emu, 'card/generalcard/updateuser', req, tok)).errcode).toBe(ok ? 0 : 40097)
  })

  // lines 572-577, 585, 603: address, service_phone, biz_description, cell_1, cell_2 … yes; title_color … yes; default_gifting_msg … yes
  test.each([
    ['address', (p: Json) => delete p.address],
    ['service_phone', (p: Json) => delete p.service_phone],
    ['biz_description', (p: Json) => delete p.biz_description],
    ['cell_1', (p: Json) => delete p.cell_1],
    ['cell_2.url', (p: Json) => delete p.cell_2.url],
    ['theme_list[0].title_color', (p: Json) => delete p.theme_list[0].title_color],
    ['theme_list[0].pic_item_list[0].default_gifting_msg', (p: Json) => delete p.theme_list[0].pic_item_list[0].default_gifting_msg],
  ])('a shelf without %s: the client names it, the emulator answers 47001', async (field, drop) => {
    const { card_id } = await wx.card.create(giftCard())
    const page = shelf(card_id) as Json
    drop(page)
    expect(await ruleField(wx.giftCardPage.add(page as GiftCardPage))).toBe(`page.${field}`)
    expect((await api(emu, 'card/giftcard/page/add', { page }, tok)).errcode).toBe(47001)
  })
})

describe('§7.2 note 3 / §14.2 the cell jump protocol', () => {
  // lines 671-677: "The url in the cell, the jump brings in order_id and openid in the GET parameter"
  test('the document’s own example is reproduced exactly', () => {
    expect(cellJumpUrl('https://mp.weixin.qq.com', 'Z2y2rY4UxUZYitvVGA', 'oAAAAAKe1ri5AAaAiB50-Ak6Vs1w')).toBe(
      'https://mp.weixin.qq.com/?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w',
    )
  })

  test('the buyer tapping a cell gets the cell’s url with the order and their openid; a stranger is refused', async () => {
    const { cardId, pageId } = await shelfWithCard({ cell_2: { title: '申请退款', url: 'http://127.0.0.1:10086/#/pages/order/index' } })
    const order = (await buy({ user: 'bob', pageId, items: [{ cardId }], forSelf: true })).json.order as Json
    const r = await http(emu, 'POST', '/__emu/giftcard/cell', { user: 'bob', orderId: order.order_id, cell: 2 })
    expect(r.json.url).toBe(
      `http://127.0.0.1:10086/?order_id=${order.order_id}&openid=${emu.users.get('bob')!.saOpenid}#/pages/order/index`,
    )
    expect((await http(emu, 'POST', '/__emu/giftcard/cell', { user: 'carol', orderId: order.order_id, cell: 2 })).status).toBe(400)
  })
})

describe('cgi-bin/media/uploadimg: pictures on the (emulated) CDN first', () => {
  // gift-card-api line 206: upload the … logo and background image … to the WeChat CDN first, and after obtaining the url, the logo_url field and the background_pic_url field
  const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1a1e8d40000000049454e44ae426082',
    'hex',
  )

  test('the client uploads a PNG; the URL it gets serves the same bytes as image/png, usable as logo_url', async () => {
    const { url } = await wx.media.uploadImg(PNG, 'logo.png')
    expect(url).toMatch(new RegExp(`^${emu.url}/__emu/cdn/[0-9a-f]{40}\\.png$`))
    const res = await fetch(url)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true)
    expect((await wx.card.create(giftCard({ logo_url: url }))).card_id).toMatch(/^p/)
  })

  test('not a JPEG or PNG: the client refuses before sending; the emulator answers 40005; no picture: 41005', async () => {
    expect(await ruleField(wx.media.uploadImg(Buffer.from('GIF89a....'), 'x.gif'))).toBe('media')
    const form = new FormData()
    form.append('media', new Blob([Buffer.from('not a picture')]), 'x.txt')
    const bad = await fetch(`${emu.url}/cgi-bin/media/uploadimg?access_token=${tok}`, { method: 'POST', body: form })
    expect(((await bad.json()) as Json).errcode).toBe(40005)
    const none = await fetch(`${emu.url}/cgi-bin/media/uploadimg?access_token=${tok}`, { method: 'POST', body: new FormData() })
    expect(((await none.json()) as Json).errcode).toBe(41005)
  })
})

describe('45103: APIs WeChat has retired', () => {
  test('a card type marked retired answers 45103 at card/create; the client surfaces it as a WxApiError', async () => {
    const e2 = await startEmu(rx, { retiredApis: ['card/create:GROUPON'] })
    const t2 = await token(e2)
    const groupon = {
      card: {
        card_type: 'GROUPON',
        groupon: { deal_detail: '双人套餐', base_info: { ...(giftCard().card.general_card as Json) }.base_info },
      },
    }
    expect(await api(e2, 'card/create', groupon, t2)).toEqual({ errcode: 45103, errmsg: 'This API has been unsupported' })
    expect((await api(e2, 'card/create', giftCard(), t2)).errcode).toBe(0)
    expect((await http(e2, 'POST', '/__emu/retired', { apis: ['card/pay/activate'] })).json).toEqual({ apis: ['card/pay/activate'] })
    const c2 = createWechatClient({
      store: await memoryStore(),
      appid: e2.platform.o.saAppid,
      secret: e2.platform.o.saSecret,
      apiBase: e2.url,
    })
    const err = await c2.cardPay.activate().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WxApiError)
    expect((err as WxApiError).errcode).toBe(45103)
    await e2.stop()
  })
})
