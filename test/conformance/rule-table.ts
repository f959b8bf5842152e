// The rule table: every limit, errcode condition and state transition the five documents state that the
// local stack models, each with the document's own line (`doc`:`line`, `quote` is a part of that line,
// checked against the document when it is here). Each rule is run against the emulator (the errcode it
// answers, or the value a transition leaves) and, where the product's client checks it before sending,
// against the client (the field it names). Bodies start from the documents' own examples or the world's
// valid cards and change the one thing the rule is about.
import { callEmulator, type World } from './emulator-side'
import giftCardExample from '../fixtures/giftcard-create.example.json'
import { asTakenToday, example } from '../helpers/examples'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const G = 'gift-card-api.en.txt'
export const S = 'card-getting-started.en.txt'
export const M = 'member-card-management.en.txt'
export const C = 'card-api-guide.zh.txt'
export const F = 'friend-coupons.zh.txt'

export interface DocRule {
  doc: string
  line: number
  /** words of that line (parts joined by … each appear in it) */
  quote: string
  kind: 'limit' | 'errcode' | 'transition'
  endpoint: string
  /** the request: sent to the emulator and, when `client` is set, given to the client's method */
  body?: (w: World) => J | Promise<J>
  /** a transition or a value rule: what the emulator leaves, compared with `want` */
  run?: (w: World) => Promise<unknown>
  /** the emulator's errcode for `body`, or what `run` resolves with */
  want: unknown
  /** the client's verdict on `body`: 'sent', or the field it refuses */
  client?: 'sent' | string
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
const now = (w: World) => w.emu.platform.now()
const han = (n: number) => '卡'.repeat(n)

/** The gift-card fixture (gift-card-api §6.3's example), valid for a year from now, with one change. */
export function giftCard(w: World, edit: (body: J) => void = () => undefined): J {
  const c = clone(giftCardExample) as J
  c.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now(w) - 3600,
    end_timestamp: now(w) + 365 * 86400,
  }
  edit(c.card.general_card)
  return c
}

/** card-api-guide.zh.txt's complete 团购券 example, as another coupon type with that type's own field. */
function coupon(type: string, edit: (body: J) => void = () => undefined): J {
  const g = asTakenToday(example('card-api-guide.zh.txt:661')).card.groupon as J
  const own: J = {
    GROUPON: { deal_detail: g.deal_detail },
    CASH: { least_cost: 10000, reduce_cost: 1000 },
    DISCOUNT: { discount: 15 },
    GIFT: { gift: '可兑换音乐木盒一个' },
    GENERAL_COUPON: { default_detail: '音乐木盒' },
  }
  const body = { base_info: g.base_info, advanced_info: g.advanced_info, ...own[type] }
  edit(body)
  return { card: { card_type: type, [type.toLowerCase()]: body } }
}

/** friend-coupons.zh.txt's complete 代金券 example, valid from now. */
function friendCash(w: World, edit: (body: J) => void = () => undefined): J {
  const c = asTakenToday(example('friend-coupons.zh.txt:220'))
  c.card.cash.base_info.date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now(w) - 60, end_timestamp: now(w) + 30 * 86400 }
  edit(c.card.cash)
  return c
}

function page(w: World, edit: (p: J) => void): J {
  const p = clone(w.page)
  edit(p)
  return { page: p }
}

/** A code of `cardId` in alice's bag, in the given state. */
function codeIn(w: World, cardId: string, status: 'NORMAL' | 'GIFTING' | 'DELETE' | 'CONSUMED' | 'EXPIRE'): string {
  const code = w.freshCode(cardId)
  const c = w.emu.platform.code(cardId, code)!
  c.status = status
  return code
}

const errcode = async (w: World, endpoint: string, body: unknown) => (await callEmulator(w, endpoint, body)).errcode as number
/** Another person's openid (friend-coupons.zh.txt's example openid). */
const OTHER = 'obLatjjwDolFjRRd3doGIdwNqRXw'

/** A code of the friend coupon that alice has marked (card/code/mark). */
async function markedByAlice(w: World): Promise<string> {
  const code = w.freshCode(w.friend)
  await callEmulator(w, 'card/code/mark', { card_id: w.friend, code, openid: w.alice, is_mark: true })
  return code
}

function memberRule(w: World, mchids: string[], cardId = w.member): J {
  return {
    rule_info: {
      type: 'RULE_TYPE_PAY_MEMBER_CARD',
      base_info: { mchid_list: mchids, begin_time: now(w) - 60, end_time: now(w) + 86400 },
      member_rule: { card_id: cardId, least_cost: 1, max_cost: 100000 },
    },
  }
}

let mchSeq = 1900099000
const newMch = () => String(++mchSeq)

export const RULES: Record<string, DocRule> = {
  // ---------- gift-card-api.en.txt ----------
  'gift card logo on the CDN': {
    doc: G,
    line: 350,
    quote: 'the logo must be uploaded to the CDN first, otherwise the error is reported',
    kind: 'errcode',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.base_info.logo_url = 'http://example.com/logo.png')),
    want: 40141,
    client: 'card.general_card.base_info.logo_url',
  },
  'gift card face on the CDN': {
    doc: G,
    line: 206,
    quote: "upload the user's gift card logo and background image displayed in WeChat to the WeChat CDN first",
    kind: 'errcode',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.background_pic_url = 'https://example.com/face.jpg')),
    want: 40141,
    client: 'card.general_card.background_pic_url',
  },
  'gift card fixed_term 0 is the day of receipt': {
    doc: G,
    line: 363,
    quote: 'Complete 0 as valid on the day of receipt',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 })),
    want: 0,
    client: 'sent',
  },
  'gift card get_limit 0': {
    doc: G,
    line: 373,
    quote: 'get_limit For a maximum number of receipts per person, you must fill in 0.',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.base_info.get_limit = 1)),
    want: 40097,
    client: 'card.general_card.base_info.get_limit',
  },
  'gift card max_give_friend_times required': {
    doc: G,
    line: 351,
    quote: 'max_give_friend_times Maximum number of times a gift card can be given yes',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => delete b.base_info.max_give_friend_times),
    want: 47001,
    client: 'card.general_card.base_info.max_give_friend_times',
  },
  'gift card three slots': {
    doc: G,
    line: 343,
    quote:
      'Developers can only fill in supply_balance and custom_field1, custom_field2, and custom_field3 at most, otherwise an error is reported.',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) =>
      giftCard(w, (b) =>
        Object.assign(b, {
          supply_balance: true,
          custom_field1: { name: '等级' },
          custom_field2: { name: '积分' },
          custom_field3: { name: '优惠' },
        }),
      ),
    want: 40097,
    client: 'card.general_card.supply_balance',
  },
  'gift card notice ≤ 12': {
    doc: G,
    line: 357,
    quote: 'notice Using reminders, the number of characters is limited to 12 Chinese characters.',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.base_info.notice = han(13))),
    want: 40097,
    client: 'card.general_card.base_info.notice',
  },
  'gift card description ≤ 1000': {
    doc: G,
    line: 358,
    quote: 'up to 1000 Chinese characters',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => giftCard(w, (b) => (b.base_info.description = han(1001))),
    want: 40097,
    client: 'card.general_card.base_info.description',
  },
  'shelf banner on the CDN': {
    doc: G,
    line: 569,
    quote: 'banner_pic_url The banner image at the top of the theme page of the gift card shelf must be uploaded to the CDN first',
    kind: 'errcode',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => (p.banner_pic_url = 'http://img.com/banner_pic')),
    want: 40141,
    client: 'page.banner_pic_url',
  },
  'shelf theme picture on the CDN': {
    doc: G,
    line: 583,
    quote: 'theme_pic_url The cover image of the theme must be uploaded to the CDN first',
    kind: 'errcode',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => (p.theme_list[0].theme_pic_url = 'http://img.com/theme_pic')),
    want: 40141,
    client: 'page.theme_list[0].theme_pic_url',
  },
  'shelf card face on the CDN': {
    doc: G,
    line: 601,
    quote: 'background_pic_url The card surface picture, must first upload the picture to the CDN',
    kind: 'errcode',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => (p.theme_list[0].pic_item_list[0].background_pic_url = 'http://img.com/bg_pic1')),
    want: 40141,
    client: 'page.theme_list[0].pic_item_list[0].background_pic_url',
  },
  'shelf address required': {
    doc: G,
    line: 572,
    quote: 'address Business address yes',
    kind: 'limit',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => delete p.address),
    want: 47001,
    client: 'page.address',
  },
  'shelf cell_1 required': {
    doc: G,
    line: 576,
    quote: 'cell_1 Merchant custom links to carry out refunds, invoices, etc. yes',
    kind: 'limit',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => delete p.cell_1),
    want: 47001,
    client: 'page.cell_1',
  },
  'shelf category_index with categories': {
    doc: G,
    line: 588,
    quote: 'if the category_list is filled in, the serial number is required for each topic',
    kind: 'limit',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => (p.category_list = [{ title: '节日' }])),
    want: 47001,
    client: 'page.theme_list[0].category_index',
  },
  'shelf item title may be left out': {
    doc: G,
    line: 597,
    quote: 'title Trade name, not filled in, default card name',
    kind: 'limit',
    endpoint: 'card/giftcard/page/add',
    body: (w) => page(w, (p) => (p.theme_list[0].item_list = [{ card_id: w.gift }])),
    want: 0,
    client: 'sent',
  },
  'order batchget ≤ 31 days': {
    doc: G,
    line: 1361,
    quote: 'begin_time and end_time cannot span more than 31 days.',
    kind: 'limit',
    endpoint: 'card/giftcard/order/batchget',
    body: (w) => ({ begin_time: now(w) - 32 * 86400, end_time: now(w), sort_type: 'ASC', offset: 0, count: 2 }),
    want: 40097,
    client: 'begin_time..end_time',
  },
  'order batchget count ≤ 100': {
    doc: G,
    line: 1363,
    quote: 'The count cannot exceed 100.',
    kind: 'limit',
    endpoint: 'card/giftcard/order/batchget',
    body: (w) => ({ begin_time: now(w) - 86400, end_time: now(w), sort_type: 'ASC', offset: 0, count: 101 }),
    want: 40097,
    client: 'count',
  },
  'updateuser record_balance ≤ 14': {
    doc: G,
    line: 1628,
    quote: 'record_balance The merchant customizes the amount consumption record, no more than 14 Chinese characters.',
    kind: 'limit',
    endpoint: 'card/generalcard/updateuser',
    body: (w) => ({ card_id: w.gift, code: w.freshCode(w.gift), balance: 100, record_balance: han(15) }),
    want: 40097,
    client: 'record_balance',
  },
  'updateuser custom_field_value ≤ 4 characters': {
    doc: G,
    line: 1629,
    quote: 'limited to 4 characters and 12 bytes',
    kind: 'limit',
    endpoint: 'card/generalcard/updateuser',
    body: (w) => ({ card_id: w.gift, code: w.freshCode(w.gift), balance: 100, custom_field_value1: 'xxxxx' }),
    want: 40097,
    client: 'custom_field_value1',
  },
  'submch/bind needs an applied merchant number': {
    doc: G,
    line: 1109,
    quote: 'The merchant number must be the merchant number applied for Service Account, otherwise the error is reported',
    kind: 'errcode',
    endpoint: 'card/giftcard/pay/submch/bind',
    body: () => ({ sub_mch_id: '1900000999', wxa_appid: 'wx8638fbedaf138a87' }),
    want: 40097,
  },

  // ---------- card-api-guide.zh.txt ----------
  'title ≤ 9 Chinese characters': {
    doc: C,
    line: 753,
    quote: '卡券名,字数上限为9个汉字',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.title = han(10))),
    want: 40097,
    client: 'card.cash.base_info.title',
  },
  'brand_name ≤ 12': {
    doc: C,
    line: 752,
    quote: '商户名字,字数上限为12个汉字',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.brand_name = han(13))),
    want: 40097,
    client: 'card.cash.base_info.brand_name',
  },
  'notice ≤ 16': {
    doc: C,
    line: 755,
    quote: '卡券使用提醒,字数上限为16个汉字',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.notice = han(17))),
    want: 40097,
    client: 'card.cash.base_info.notice',
  },
  'description ≤ 1024': {
    doc: C,
    line: 756,
    quote: '卡券使用说明,字数上限为1024个汉字',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.description = han(1025))),
    want: 40097,
    client: 'card.cash.base_info.description',
  },
  'description of 1024 is taken': {
    doc: C,
    line: 756,
    quote: '卡券使用说明,字数上限为1024个汉字',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.description = han(1024))),
    want: 0,
    client: 'sent',
  },
  'colour from the table': {
    doc: C,
    line: 754,
    quote: '按色彩规范标注填写Color010-Color100',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.color = 'Color011')),
    want: 40097,
    client: 'card.cash.base_info.color',
  },
  'quantity ≤ 100000000': {
    doc: C,
    line: 758,
    quote: '卡券库存的数量,上限为100000000',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.sku.quantity = 100_000_001)),
    want: 40097,
    client: 'card.cash.base_info.sku.quantity',
  },
  'coupon fixed_term not 0': {
    doc: C,
    line: 763,
    quote: '不支持填写0',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 })),
    want: 40097,
    client: 'card.cash.base_info.date_info.fixed_term',
  },
  'use_limit at least 1': {
    doc: C,
    line: 791,
    quote: '每人可核销的数量限制',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.use_limit = 0)),
    want: 40097,
    client: 'card.cash.base_info.use_limit',
  },
  'deposit-code mode needs quantity 0': {
    doc: C,
    line: 770,
    quote: '填入该字段后,quantity字段须为0',
    kind: 'limit',
    endpoint: 'card/create',
    body: () =>
      coupon('GIFT', (b) => Object.assign(b.base_info, { use_custom_code: true, get_custom_code_mode: 'GET_CUSTOM_CODE_MODE_DEPOSIT' })),
    want: 40097,
    client: 'card.gift.base_info.sku.quantity',
  },
  'GROUPON needs deal_detail': {
    doc: C,
    line: 91,
    quote: '团购券专用,团购详情。',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('GROUPON', (b) => delete b.deal_detail),
    want: 47001,
    client: 'card.groupon.deal_detail',
  },
  'CASH needs reduce_cost': {
    doc: C,
    line: 114,
    quote: '代金券专用,表示减免金额。(单位为分)',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => delete b.reduce_cost),
    want: 47001,
    client: 'card.cash.reduce_cost',
  },
  'DISCOUNT below 100 percent': {
    doc: C,
    line: 135,
    quote: '折扣券专用,表示打折额度(百分比)。填30就是七折。',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('DISCOUNT', (b) => (b.discount = 100)),
    want: 40097,
    client: 'card.discount.discount',
  },
  'GIFT needs gift': {
    doc: C,
    line: 156,
    quote: '兑换券专用,填写兑换内容的名称。',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('GIFT', (b) => delete b.gift),
    want: 47001,
    client: 'card.gift.gift',
  },
  'GENERAL_COUPON needs default_detail': {
    doc: C,
    line: 177,
    quote: '优惠券专用,填写优惠详情。',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('GENERAL_COUPON', (b) => delete b.default_detail),
    want: 47001,
    client: 'card.general_coupon.default_detail',
  },
  'no web center_url': {
    doc: C,
    line: 777,
    quote: '注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => delete b.base_info.center_app_brand_user_name),
    want: 40097,
    client: 'card.cash.base_info.center_url',
  },
  'no web custom_url': {
    doc: C,
    line: 781,
    quote: '自定义跳转的URL。注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => delete b.base_info.custom_app_brand_user_name),
    want: 40097,
    client: 'card.cash.base_info.custom_url',
  },
  'no web promotion_url': {
    doc: C,
    line: 786,
    quote: '自定义营销场景入口跳转外链的地址链接。注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => delete b.base_info.promotion_app_brand_user_name),
    want: 40097,
    client: 'card.cash.base_info.promotion_url',
  },
  'custom_url_name ≤ 5': {
    doc: C,
    line: 780,
    quote: 'custom_url_name | 否 | string(15)',
    kind: 'limit',
    endpoint: 'card/create',
    body: () => coupon('CASH', (b) => (b.base_info.custom_url_name = han(6))),
    want: 40097,
    client: 'card.cash.base_info.custom_url_name',
  },
  'QR code expire_seconds 60–1800': {
    doc: C,
    line: 250,
    quote: '指定二维码的有效时间,范围是60 ~ 1800秒',
    kind: 'limit',
    endpoint: 'card/qrcode/create',
    body: (w) => ({ action_name: 'QR_CARD', expire_seconds: 59, action_info: { card: { card_id: w.gift } } }),
    want: 40097,
    client: 'expire_seconds',
  },
  'multi-card QR code ≤ 5 cards': {
    doc: C,
    line: 274,
    quote: '领取多张的二维码一次最多填入5个card_id,否则报错',
    kind: 'limit',
    endpoint: 'card/qrcode/create',
    body: (w) => ({
      action_name: 'QR_MULTIPLE_CARD',
      action_info: { multiple_card: { card_list: Array.from({ length: 6 }, () => ({ card_id: w.gift })) } },
    }),
    want: 40053,
    client: 'action_info.multiple_card.card_list',
  },
  'test whitelist ≤ 10': {
    doc: C,
    line: 296,
    quote: '两种字段设置白名单,总数上限为10个',
    kind: 'limit',
    endpoint: 'card/testwhitelist/set',
    body: () => ({ openid: Array.from({ length: 11 }, (_, i) => `o${i}`) }),
    want: 40097,
    client: 'openid',
  },
  'code/get of a code being given': {
    doc: C,
    line: 376,
    quote: "'can_consume': false,",
    kind: 'errcode',
    endpoint: 'card/code/get',
    run: async (w) => {
      const r = await callEmulator(w, 'card/code/get', { card_id: w.gift, code: codeIn(w, w.gift, 'GIFTING'), check_consume: true })
      return { errcode: r.errcode, can_consume: r.can_consume, user_card_status: r.user_card_status }
    },
    want: { errcode: 0, can_consume: false, user_card_status: 'GIFTING' },
  },

  // ---------- friend-coupons.zh.txt ----------
  'friend coupons are CASH or GIFT': {
    doc: F,
    line: 329,
    quote: 'card_type卡券类型,现仅支持代金券类型和兑换券类型,填写CASH或者GIFT',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => {
      const c = friendCash(w)
      return { card: { card_type: 'DISCOUNT', discount: { ...c.card.cash, discount: 10 } } }
    },
    want: 40097,
    client: 'card.card_type',
  },
  'friend coupon needs a store': {
    doc: F,
    line: 451,
    quote: '41025缺少location_list',
    kind: 'errcode',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.location_id_list = [])),
    want: 41025,
    client: 'card.cash.base_info.location_id_list',
  },
  'friend coupon ≤ 90 days': {
    doc: F,
    line: 449,
    quote: '40079有效期错误须将有效期设置为90天以内',
    kind: 'errcode',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.date_info.end_timestamp = b.base_info.date_info.begin_timestamp + 91 * 86400)),
    want: 40079,
    client: 'card.cash.base_info.date_info.end_timestamp',
  },
  'friend coupon by a fixed time range': {
    doc: F,
    line: 359,
    quote: '仅支持DATE_TYPE_FIX_TIME_RANGE',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 10, fixed_begin_term: 0 })),
    want: 40079,
    client: 'card.cash.base_info.date_info.type',
  },
  'friend coupon reduce_cost not 0': {
    doc: F,
    line: 331,
    quote: 'reduce_cost代金券专用,表示减免金额(单位为分),不可填0。',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.reduce_cost = 0)),
    want: 40097,
    client: 'card.cash.reduce_cost',
  },
  'friend coupon no custom code': {
    doc: F,
    line: 66,
    quote: '4、暂不支持商家自定义Code码;',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.use_custom_code = true)),
    want: 40097,
    client: 'card.cash.base_info.use_custom_code',
  },
  'friend coupon can_share false': {
    doc: F,
    line: 363,
    quote: '若创建朋友共享券此处应填入false,不可为空',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => delete b.base_info.can_share),
    want: 40097,
    client: 'card.cash.base_info.can_share',
  },
  'friend coupon no stock at creation': {
    doc: F,
    line: 461,
    quote: '不支持在创建的时候填入库存',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.sku = { quantity: 100 })),
    want: 40097,
    client: 'card.cash.base_info.sku.quantity',
  },
  'friend coupon needs pictures with text': {
    doc: F,
    line: 395,
    quote: '优惠券券开发者须至少传入一组图文列表',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => delete b.advanced_info.text_image_list),
    want: 40097,
    client: 'card.cash.advanced_info.text_image_list',
  },
  'consume_share_self_num ≤ 1': {
    doc: F,
    line: 411,
    quote: '限制传入1张,与consume_share_card_list字段互斥',
    kind: 'limit',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.advanced_info.consume_share_self_num = 2)),
    want: 40097,
    client: 'card.cash.advanced_info.consume_share_self_num',
  },
  'pictures from the CDN (40141)': {
    doc: F,
    line: 450,
    quote: '40141图片url错误须使用将图片上传至CDN后获得的url',
    kind: 'errcode',
    endpoint: 'card/create',
    body: (w) => friendCash(w, (b) => (b.base_info.logo_url = 'http://example.com/logo.png')),
    want: 40141,
    client: 'card.cash.base_info.logo_url',
  },
  'online consume needs the mark (40003)': {
    doc: F,
    line: 1440,
    quote: '40003Invalid opened,缺少openid核销时用户的卡券未处于展示(mark)状态',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    body: (w) => ({ card_id: w.friend, code: w.freshCode(w.friend), openid: w.alice }),
    want: 40003,
  },
  'mark held by another openid (40146)': {
    doc: F,
    line: 1338,
    quote: '用openid_a mark后,用openid_b mark会报错40146',
    kind: 'errcode',
    endpoint: 'card/code/mark',
    run: async (w) => errcode(w, 'card/code/mark', { card_id: w.friend, code: await markedByAlice(w), openid: OTHER, is_mark: true }),
    want: 40146,
  },
  'unmark by another openid (40416)': {
    doc: F,
    line: 1340,
    quote: '要求传入的openid和mark时一致,否则报错40416',
    kind: 'errcode',
    endpoint: 'card/code/mark',
    run: async (w) => errcode(w, 'card/code/mark', { card_id: w.friend, code: await markedByAlice(w), openid: OTHER, is_mark: false }),
    want: 40416,
  },
  'a mark lapses after 5 minutes': {
    doc: F,
    line: 1342,
    quote: '不调用接口解除mark的话,5分钟后自动解除',
    kind: 'transition',
    endpoint: 'card/code/mark',
    run: async (w) => {
      const code = await markedByAlice(w)
      await fetch(`${w.emu.url}/__emu/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 301 }) })
      return errcode(w, 'card/code/mark', { card_id: w.friend, code, openid: OTHER, is_mark: true })
    },
    want: 0,
  },
  'consume of a consumed code (40099)': {
    doc: F,
    line: 1445,
    quote: '40099Code已经被核销',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    body: (w) => ({ card_id: w.gift, code: codeIn(w, w.gift, 'CONSUMED') }),
    want: 40099,
  },
  'consume of a code being given (40078)': {
    doc: F,
    line: 1443,
    quote: '40078该Code已经被删除或者转赠中',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    body: (w) => ({ card_id: w.gift, code: codeIn(w, w.gift, 'GIFTING') }),
    want: 40078,
  },
  'consume of a deleted code (40127)': {
    doc: F,
    line: 1446,
    quote: '40127该Code已经被删除、置为失效或者转赠成功',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    body: (w) => ({ card_id: w.gift, code: codeIn(w, w.gift, 'DELETE') }),
    want: 40127,
  },
  'consume of an expired code (40079)': {
    doc: F,
    line: 1444,
    quote: '40079卡券过期',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    body: (w) => ({ card_id: w.gift, code: codeIn(w, w.gift, 'EXPIRE') }),
    want: 40079,
  },
  'code/get check_consume of a deleted code (40127)': {
    doc: F,
    line: 1179,
    quote: '"errcode": 40127,',
    kind: 'errcode',
    endpoint: 'card/code/get',
    body: (w) => ({ card_id: w.gift, code: codeIn(w, w.gift, 'DELETE'), check_consume: true }),
    want: 40127,
  },
  'a price order lives 60 s': {
    doc: F,
    line: 623,
    quote: '上一步获得的order_id须在60s内使用,否则确认兑换库存接口将会失效',
    kind: 'transition',
    endpoint: 'card/pay/confirm',
    run: async (w) => {
      const q = await callEmulator(w, 'card/pay/getpayprice', { card_id: w.friend, quantity: '1' })
      await fetch(`${w.emu.url}/__emu/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 61 }) })
      return errcode(w, 'card/pay/confirm', { card_id: w.friend, order_id: q.order_id, quantity: '1' })
    },
    want: 40097,
  },
  'a price order is used once': {
    doc: F,
    line: 555,
    quote: '仅对当前订单有效且仅可以使用一次',
    kind: 'transition',
    endpoint: 'card/pay/confirm',
    run: async (w) => {
      const q = await callEmulator(w, 'card/pay/getpayprice', { card_id: w.friend, quantity: '1' })
      const first = await errcode(w, 'card/pay/confirm', { card_id: w.friend, order_id: q.order_id, quantity: '1' })
      return [first, await errcode(w, 'card/pay/confirm', { card_id: w.friend, order_id: q.order_id, quantity: '1' })]
    },
    want: [0, 40097],
  },
  'coins: 0.6 a coupon with a threshold': {
    doc: F,
    line: 101,
    quote: '3)满减/买xx可用门槛,0.6券点/张',
    kind: 'limit',
    endpoint: 'card/pay/getpayprice',
    run: async (w) => (await callEmulator(w, 'card/pay/getpayprice', { card_id: w.friend, quantity: '10' })).price,
    want: '6',
  },
  'coins: 200 for a new account': {
    doc: F,
    line: 516,
    quote: '微信卡券对每一个新开通券点账户的商户奖励200个券点',
    kind: 'limit',
    endpoint: 'card/pay/activate',
    run: async (w) => (await callEmulator(w, 'card/pay/activate', undefined)).reward,
    want: 200,
  },
  'data cube ≤ 62 days (61501)': {
    doc: F,
    line: 1690,
    quote: '查询时间区间需<=62天,否则报错{errcode: 61501,errmsg: "date range error"}',
    kind: 'errcode',
    endpoint: 'datacube/getcardcardinfo',
    body: () => ({ begin_date: '2015-01-01', end_date: '2015-03-04', cond_source: 0 }),
    want: 61501,
    client: 'begin_date..end_date',
  },
  'data cube dates as 2015-06-15 (61500)': {
    doc: F,
    line: 1692,
    quote: '传入时间格式需严格参照示例填写”2015-06-15”,否则报错{errcode":61500,"errmsg":"date format error"}',
    kind: 'errcode',
    endpoint: 'datacube/getcardbizuininfo',
    body: () => ({ begin_date: '2015/06/15', end_date: '2015-06-30', cond_source: 0 }),
    want: 61500,
    client: 'begin_date',
  },
  'coin orders: nor_filter leaves a status out': {
    doc: F,
    line: 779,
    quote: 'nor_filterJSON结构ORDER_STATUS_QUANTITY_SUCC反选,不要拉取的订单',
    kind: 'limit',
    endpoint: 'card/pay/getorderlist',
    run: async (w) => {
      const all = ((await callEmulator(w, 'card/pay/getorderlist', { offset: 0, count: 50 })).order_list as J[]).length
      const rest = (
        await callEmulator(w, 'card/pay/getorderlist', { offset: 0, count: 50, nor_filter: { status: 'ORDER_STATUS_FINANCE_SUCC' } })
      ).order_list as J[]
      return rest.length < all && rest.every((o) => o.status !== 'ORDER_STATUS_FINANCE_SUCC')
    },
    want: true,
  },
  'coin orders: sort_info SORT_DESC': {
    doc: F,
    line: 788,
    quote: 'SORT_DESC 降序',
    kind: 'limit',
    endpoint: 'card/pay/getorderlist',
    run: async (w) => {
      const times = (
        (
          await callEmulator(w, 'card/pay/getorderlist', {
            offset: 0,
            count: 50,
            sort_info: { sort_key: 'SORT_BY_TIME', sort_type: 'SORT_DESC' },
          })
        ).order_list as J[]
      ).map((o) => o.create_time as number)
      return times.length > 1 && times.every((t, i) => i === 0 || t <= times[i - 1]!)
    },
    want: true,
  },
  'data cube: people apart from times': {
    doc: F,
    line: 1758,
    quote: 'receive_user领取人数',
    kind: 'limit',
    endpoint: 'datacube/getcardcardinfo',
    run: async (w) => {
      for (let i = 0; i < 2; i++) {
        const qr = await callEmulator(w, 'card/qrcode/create', { action_name: 'QR_CARD', action_info: { card: { card_id: w.member } } })
        await fetch(`${w.emu.url}/__emu/client/scanCardQr`, { method: 'POST', body: JSON.stringify({ user: 'bob', ticket: qr.ticket }) })
      }
      const today = new Date((now(w) + 8 * 3600) * 1000).toISOString().slice(0, 10)
      const row = (
        (await callEmulator(w, 'datacube/getcardcardinfo', { begin_date: today, end_date: today, cond_source: 0, card_id: w.member }))
          .list as J[]
      )[0]!
      return { receive_cnt: row.receive_cnt, receive_user: row.receive_user, card_type: row.card_type }
    },
    want: { receive_cnt: 2, receive_user: 1, card_type: undefined },
  },
  'a friend coupon is named by WeChat': {
    doc: F,
    line: 10,
    quote: '限制共享券代金券类型标题传入,统一命名为xxx元代金券,xxx为减免金额字段',
    kind: 'limit',
    endpoint: 'card/create',
    run: async (w) => {
      const req = friendCash(w, (b) => {
        delete b.advanced_info.use_condition
        b.reduce_cost = 1000
        b.base_info.title = '随便起的名字'
      })
      const id = (await callEmulator(w, 'card/create', req)).card_id as string
      return ((await callEmulator(w, 'card/get', { card_id: id })).card as J).cash.base_info.title
    },
    want: '10元代金券',
  },
  'an edit sends a refused card back to review': {
    doc: F,
    line: 1614,
    quote: 'send_check是否提交审核,false为修改后不会重新提审,true为修改字段后重新提审,该卡券的状态变为审核中。',
    kind: 'transition',
    endpoint: 'card/update',
    run: async (w) => {
      const o = w.emu.platform.o
      const seconds = o.reviewSeconds
      o.reviewSeconds = 3600
      try {
        const id = (
          await callEmulator(
            w,
            'card/create',
            giftCard(w, () => undefined),
          )
        ).card_id as string
        await fetch(`${w.emu.url}/__emu/review/reject`, {
          method: 'POST',
          body: JSON.stringify({ cardId: id, reason: '卡券标题含有违规内容' }),
        })
        const refused = ((await callEmulator(w, 'card/get', { card_id: id })).card as J).general_card.base_info.status
        const upd = await callEmulator(w, 'card/update', { card_id: id, general_card: { base_info: { notice: '使用时出示礼品卡' } } })
        const after = ((await callEmulator(w, 'card/get', { card_id: id })).card as J).general_card.base_info.status
        return [refused, upd.send_check, after]
      } finally {
        o.reviewSeconds = seconds
      }
    },
    want: ['CARD_STATUS_VERIFY_FAIL', true, 'CARD_STATUS_NOT_VERIFY'],
  },

  // ---------- member-card-management.en.txt ----------
  'pay-then-member: another subject (72001)': {
    doc: M,
    line: 315,
    quote: 'must be consistent with the Primary of current mch_id, otherwise error 72001',
    kind: 'errcode',
    endpoint: 'card/paygiftcard/add',
    run: async (w) => {
      const mch = newMch()
      w.emu.platform.foreignMchids = new Set([mch])
      try {
        return ((await callEmulator(w, 'card/paygiftcard/add', memberRule(w, [mch]))).fail_mchid_list as J[])[0]?.errcode
      } finally {
        w.emu.platform.foreignMchids = new Set()
      }
    },
    want: 72001,
  },
  'pay-then-member: member cards only (72003)': {
    doc: M,
    line: 317,
    quote: 'Only coupons of the member card type are supported, otherwise the error is reported: 72003',
    kind: 'errcode',
    endpoint: 'card/paygiftcard/add',
    body: (w) => memberRule(w, [newMch()], w.gift),
    want: 72003,
  },
  'pay-then-member: a mchid in another rule (72004)': {
    doc: M,
    line: 319,
    quote: 'otherwise the error is reported 72004',
    kind: 'errcode',
    endpoint: 'card/paygiftcard/add',
    run: async (w) => {
      const mch = newMch()
      await callEmulator(w, 'card/paygiftcard/add', memberRule(w, [mch]))
      return ((await callEmulator(w, 'card/paygiftcard/add', memberRule(w, [mch]))).fail_mchid_list as J[])[0]?.errcode
    },
    want: 72004,
  },
  'pay-then-member: ≤ 10 mchid a call': {
    doc: M,
    line: 320,
    quote: 'A single set of only 10 mchid, if more than 10 please call this interface multiple times.',
    kind: 'limit',
    endpoint: 'card/paygiftcard/add',
    body: (w) =>
      memberRule(
        w,
        Array.from({ length: 11 }, () => newMch()),
      ),
    want: 40097,
    client: 'rule_info.base_info.mchid_list',
  },
  'wx_activate excludes activate_url': {
    doc: M,
    line: 140,
    quote: 'This option is mutually exclusive with activate_url.',
    kind: 'limit',
    endpoint: 'card/update',
    body: (w) => ({ card_id: w.member, member_card: { wx_activate: true, activate_url: 'https://mp.weixin.qq.com' } }),
    want: 40097,
    client: 'member_card.wx_activate',
  },
  'custom_field name_type from the list': {
    doc: M,
    line: 146,
    quote: 'FIELD_NAME_TYPE_LEVEL LEVEL GRADE',
    kind: 'limit',
    endpoint: 'card/update',
    body: (w) => ({ card_id: w.member, member_card: { custom_field1: { name_type: 'FIELD_NAME_TYPE_GOLD' } } }),
    want: 40097,
    client: 'member_card.custom_field1.name_type',
  },
  'userinfo numbers every member': {
    doc: M,
    line: 28,
    quote: '"membership_number": "316510891298",',
    kind: 'limit',
    endpoint: 'card/membercard/userinfo/get',
    run: async (w) => {
      const r = await callEmulator(w, 'card/membercard/userinfo/get', { card_id: w.member, code: w.freshCode(w.member) })
      return [typeof r.membership_number === 'string' && r.membership_number !== '', ['MALE', 'FEMALE'].includes(r.sex as string)]
    },
    want: [true, true],
  },

  // ---------- card-getting-started.en.txt ----------
  'uploadimg takes pictures only': {
    doc: S,
    line: 65,
    quote: 'Buffer: The picture you choose',
    kind: 'limit',
    endpoint: 'cgi-bin/media/uploadimg',
    run: async (w) => {
      const form = new FormData()
      form.append('media', new Blob([Buffer.from('not a picture')]), 'x.txt')
      const res = (await (
        await fetch(`${w.emu.url}/cgi-bin/media/uploadimg?access_token=${await w.token()}`, { method: 'POST', body: form })
      ).json()) as J
      return res.errcode
    },
    want: 40005,
  },
  'consume only within the validity': {
    doc: S,
    line: 184,
    quote: 'Note: only support the audit through and in the validity of the card',
    kind: 'errcode',
    endpoint: 'card/code/consume',
    run: async (w) => {
      const t = now(w)
      const id = (
        await callEmulator(
          w,
          'card/create',
          giftCard(
            w,
            (b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: t + 86400, end_timestamp: t + 2 * 86400 }),
          ),
        )
      ).card_id as string
      return errcode(w, 'card/code/consume', { card_id: id, code: w.freshCode(id) })
    },
    want: 40079,
  },
}

export interface RuleOutcome {
  name: string
  rule: DocRule
  emulator: unknown
  client?: string
  pass: boolean
}
