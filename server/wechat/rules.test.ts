import { checkCardCreate, type CardCreateRequest } from './card'
import { WxRuleError } from './errors'
import { checkPage, type GiftCardPage } from './giftcard-page'
import { Rules } from './rules'
import { createWechatClient } from './client'
import { memoryStore } from '../../test/helpers/store'
import giftCardExample from '../../test/fixtures/giftcard-create.example.json'

// gift-card-api.en.txt §6.3, the document's example (the file the merchant CLI also takes).
const GIFT_CARD_EXAMPLE = giftCardExample as CardCreateRequest

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v))
const fieldOf = (fn: () => void) => {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(WxRuleError)
    return (err as WxRuleError).field
  }
  return 'accepted'
}
const base = (req: CardCreateRequest) => (req.card.general_card as { base_info: Record<string, unknown> }).base_info

test('the document’s gift card example passes', () => {
  expect(fieldOf(() => checkCardCreate(clone(GIFT_CARD_EXAMPLE)))).toBe('accepted')
})

test.each([
  ['title', '一二三四五六七八九十', 'card.general_card.base_info.title'],
  ['brand_name', '一二三四五六七八九十一二三', 'card.general_card.base_info.brand_name'],
  ['notice', '一二三四五六七八九十一二三', 'card.general_card.base_info.notice'],
  ['description', '字'.repeat(1001), 'card.general_card.base_info.description'],
  ['custom_url_name', '一二三四五六', 'card.general_card.base_info.custom_url_name'],
  ['color', 'Color011', 'card.general_card.base_info.color'],
  ['color', 'Color110', 'card.general_card.base_info.color'],
  ['code_type', 'CODE_TYPE_MAGIC', 'card.general_card.base_info.code_type'],
])('%s = %s is refused naming %s', (field, value, named) => {
  const req = clone(GIFT_CARD_EXAMPLE)
  base(req)[field] = value
  expect(fieldOf(() => checkCardCreate(req))).toBe(named)
})

test('a 9-character title and 27 ASCII characters pass; 28 ASCII do not', () => {
  const req = clone(GIFT_CARD_EXAMPLE)
  base(req).title = '一二三四五六七八九'
  expect(fieldOf(() => checkCardCreate(req))).toBe('accepted')
  base(req).title = 'x'.repeat(27)
  expect(fieldOf(() => checkCardCreate(req))).toBe('accepted')
  base(req).title = 'x'.repeat(28)
  expect(fieldOf(() => checkCardCreate(req))).toBe('card.general_card.base_info.title')
})

test('timestamps must be before 2038-01-19 and end after begin', () => {
  const req = clone(GIFT_CARD_EXAMPLE)
  ;(base(req).date_info as Record<string, number>).end_timestamp = 2147483648
  expect(fieldOf(() => checkCardCreate(req))).toBe('card.general_card.base_info.date_info.end_timestamp')
  ;(base(req).date_info as Record<string, number>).end_timestamp = 1397577600
  expect(fieldOf(() => checkCardCreate(req))).toBe('card.general_card.base_info.date_info.end_timestamp')
})

test('supply_balance and custom_field1..3 may use at most three slots; a price is required', () => {
  const req = clone(GIFT_CARD_EXAMPLE)
  ;(req.card.general_card as Record<string, unknown>).custom_field3 = { name: '积分', url: '' }
  expect(fieldOf(() => checkCardCreate(req))).toBe('card.general_card.supply_balance')
  const noPrice = clone(GIFT_CARD_EXAMPLE)
  delete base(noPrice).giftcard_info
  expect(fieldOf(() => checkCardCreate(noPrice))).toBe('card.general_card.base_info.giftcard_info')
})

test('the card body must match card_type', () => {
  const req = clone(GIFT_CARD_EXAMPLE) as unknown as { card: Record<string, unknown> }
  req.card.card_type = 'CASH'
  expect(fieldOf(() => checkCardCreate(req as unknown as CardCreateRequest))).toBe('card.cash')
})

test('shelf rules: category_index on every theme when categories exist', () => {
  const page: GiftCardPage = {
    page_title: '礼品卡',
    banner_pic_url: 'http://mmbiz.qpic.cn/banner',
    category_list: [{ title: '节日' }, { title: '生日' }],
    theme_list: [
      {
        theme_pic_url: 'http://mmbiz.qpic.cn/t',
        title: '主题',
        title_color: '#FB966E',
        item_list: [{ card_id: 'p1' }],
        pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/f', default_gifting_msg: '祝福语1' }],
        category_index: 0,
      },
    ],
    address: '广州市海珠区222号',
    service_phone: '020-12345678',
    biz_description: '退款指引',
    cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
    cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
  }
  expect(fieldOf(() => checkPage(page, new Rules('page/add')))).toBe('accepted')
  delete page.theme_list[0]!.category_index
  expect(fieldOf(() => checkPage(page, new Rules('page/add')))).toBe('page.theme_list[0].category_index')
  page.theme_list[0]!.category_index = 2
  expect(fieldOf(() => checkPage(page, new Rules('page/add')))).toBe('page.theme_list[0].category_index')
  page.theme_list[0]!.category_index = 0
  // line 601: "background_pic_url The card surface picture, must first upload the picture to the CDN"
  page.theme_list[0]!.pic_item_list[0]!.background_pic_url = 'http://example.com/face.jpg'
  expect(fieldOf(() => checkPage(page, new Rules('page/add')))).toBe('page.theme_list[0].pic_item_list[0].background_pic_url')
  // …unless it is on the CDN of the WeChat the client speaks to (the local stack's emulator serves one).
  page.theme_list[0]!.pic_item_list[0]!.background_pic_url = 'http://127.0.0.1:9999/__emu/cdn/x.jpg'
  expect(fieldOf(() => checkPage(page, new Rules('page/add', 'http://127.0.0.1:9999')))).toBe('accepted')
  // lines 596-599: item title/pic_url/desc are checked when given (the §7.2 example sends card_id and title only).
  page.theme_list[0]!.item_list[0] = { card_id: 'p1', title: '焦糖拿铁', pic_url: 'http://example.com/p.jpg' }
  expect(fieldOf(() => checkPage(page, new Rules('page/add', 'http://127.0.0.1:9999')))).toBe('page.theme_list[0].item_list[0].pic_url')
  page.theme_list[0]!.item_list[0] = { card_id: 'p1', title: '焦糖拿铁', desc: '' }
  expect(fieldOf(() => checkPage(page, new Rules('page/add', 'http://127.0.0.1:9999')))).toBe('page.theme_list[0].item_list[0].desc')
})

test('pictures on the CDN, jump links beside a Mini Program, fixed_term 0 for gift cards only', () => {
  const gift = () =>
    clone(GIFT_CARD_EXAMPLE) as unknown as CardCreateRequest & {
      card: { general_card: { base_info: Record<string, unknown>; background_pic_url?: string } }
    }
  // gift-card-api line 350: "the logo must be uploaded to the CDN first, otherwise the error is reported"
  const logo = gift()
  logo.card.general_card.base_info.logo_url = 'http://example.com/logo.png'
  expect(fieldOf(() => checkCardCreate(logo))).toBe('card.general_card.base_info.logo_url')
  const face = gift()
  face.card.general_card.background_pic_url = 'https://example.com/face.jpg'
  expect(fieldOf(() => checkCardCreate(face))).toBe('card.general_card.background_pic_url')
  // card-api-guide.zh.txt line 777: "center_url … 注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代"
  const web = gift()
  delete web.card.general_card.base_info.center_app_brand_user_name
  expect(fieldOf(() => checkCardCreate(web))).toBe('card.general_card.base_info.center_url')
  web.card.general_card.base_info.center_app_brand_user_name = 'gh_86a091e50ad4@app'
  expect(fieldOf(() => checkCardCreate(web))).toBe('accepted')
  // gift-card-api line 363: "Complete 0 as valid on the day of receipt" (a gift card) …
  const today = gift()
  today.card.general_card.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 }
  expect(fieldOf(() => checkCardCreate(today))).toBe('accepted')
  // … card-api-guide.zh.txt line 763: "不支持填写0" (every other type, member cards included).
  const member = gift() as unknown as { card: Record<string, unknown> }
  const body = {
    ...(member.card.general_card as Record<string, unknown>),
    sub_card_type: undefined,
    prerogative: '会员特权',
    supply_bonus: false,
    supply_balance: false,
  }
  member.card = { card_type: 'MEMBER_CARD', member_card: body }
  const bi = (body as unknown as { base_info: Record<string, unknown> }).base_info
  delete bi.giftcard_info
  delete bi.max_give_friend_times
  bi.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 }
  expect(fieldOf(() => checkCardCreate(member as unknown as CardCreateRequest))).toBe('card.member_card.base_info.date_info.fixed_term')
})

describe('limits checked by the client before sending', () => {
  const sent: string[] = []
  const fetchFn = (async (url: URL) => {
    sent.push(new URL(url).pathname)
    return new Response(JSON.stringify({ errcode: 0, access_token: 'T', expires_in: 7200 }))
  }) as unknown as typeof fetch
  let wx: ReturnType<typeof createWechatClient>
  beforeAll(async () => {
    wx = createWechatClient({ store: await memoryStore(), appid: 'wx1', secret: 's', apiBase: 'https://wx.test', fetch: fetchFn })
  })
  beforeEach(() => (sent.length = 0))

  const refused = async (p: Promise<unknown>, field: string) => {
    await expect(p).rejects.toMatchObject({ name: 'WxRuleError', field })
    expect(sent.filter((s) => s !== '/cgi-bin/stable_token')).toEqual([])
  }

  test('order batchget: window ≤ 31 days, count ≤ 100', async () => {
    await refused(
      wx.giftCardOrder.batchGet({ begin_time: 1472400000, end_time: 1472400000 + 31 * 86400 + 1, sort_type: 'ASC', offset: 0, count: 2 }),
      'begin_time..end_time',
    )
    await refused(
      wx.giftCardOrder.batchGet({ begin_time: 1472400000, end_time: 1472716604, sort_type: 'ASC', offset: 0, count: 101 }),
      'count',
    )
    await refused(
      wx.giftCardOrder.batchGet({ begin_time: 1472400000, end_time: 1472716604, sort_type: 'UP' as 'ASC', offset: 0, count: 2 }),
      'sort_type',
    )
    await wx.giftCardOrder.batchGet({ begin_time: 1472400000, end_time: 1472716604, sort_type: 'ASC', offset: 0, count: 2 })
    expect(sent).toContain('/card/giftcard/order/batchget')
  })

  test('data cube: YYYY-MM-DD, ≤ 62 days', async () => {
    await refused(wx.datacube.cardBizuinInfo({ begin_date: '2015/06/15', end_date: '2015-06-30', cond_source: 0 }), 'begin_date')
    await refused(wx.datacube.cardBizuinInfo({ begin_date: '2015-02-30', end_date: '2015-03-30', cond_source: 0 }), 'begin_date')
    await refused(wx.datacube.cardCardInfo({ begin_date: '2015-01-01', end_date: '2015-03-04', cond_source: 1 }), 'begin_date..end_date')
    await wx.datacube.cardBizuinInfo({ begin_date: '2015-01-01', end_date: '2015-03-03', cond_source: 0 })
  })

  test('QR codes: ≤ 5 cards, expire_seconds 60–1800; whitelist ≤ 10', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ card_id: `p${i}` }))
    await refused(
      wx.card.qrcodeCreate({ action_name: 'QR_MULTIPLE_CARD', action_info: { multiple_card: { card_list: six } } }),
      'action_info.multiple_card.card_list',
    )
    await refused(
      wx.card.qrcodeCreate({ action_name: 'QR_CARD', expire_seconds: 59, action_info: { card: { card_id: 'p' } } }),
      'expire_seconds',
    )
    await refused(
      wx.card.qrcodeCreate({ action_name: 'QR_CARD', expire_seconds: 1801, action_info: { card: { card_id: 'p' } } }),
      'expire_seconds',
    )
    await refused(wx.card.testWhitelistSet({ openid: Array.from({ length: 11 }, (_, i) => `o${i}`) }), 'openid')
  })

  test('updateuser: record_balance ≤ 14 Chinese characters, integer balance', async () => {
    await refused(
      wx.memberCard.generalCardUpdateUser({ code: '1', card_id: 'p', balance: 100, record_balance: '一'.repeat(15) }),
      'record_balance',
    )
    await refused(wx.memberCard.generalCardUpdateUser({ code: '1', card_id: 'p', balance: 1.5 }), 'balance')
  })
})
