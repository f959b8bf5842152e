// The per-type rules of card-api-guide.zh.txt and friend-coupons.zh.txt, held on both sides: the
// product's client (contract/card-rules.ts through checkCardCreate, before anything is sent) and the
// WeChat emulator (its own reading, emulator/wechat/card-type-rules.ts). Each case quotes the line it
// stands on; the documents' complete examples are the base every case changes one thing of.
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { cardTypeProblems, couponDiscount, friendCouponTitle, termsOf } from '../../contract/card-rules'
import { checkCardCreate, type CardCreateRequest } from '../../server/wechat/card'
import { WxRuleError } from '../../server/wechat/errors'
import { asTakenToday, example } from '../helpers/examples'
import { api, startEmu, startReceiver, token, type Receiver } from '../helpers/emulator'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** card-api-guide.zh.txt's complete 团购券 example (《卡券创建接口POST报文示例》). */
const GROUPON = () => asTakenToday(example('card-api-guide.zh.txt:661'))
/** friend-coupons.zh.txt's complete 代金券 example. */
const FRIEND_CASH = () => asTakenToday(example('friend-coupons.zh.txt:220'))

/** The guide's base_info under another type, with that type's own field ("base_info … 所有卡券类型通用"). */
function ofType(type: string, fields: J): J {
  const g = GROUPON()
  const body = { base_info: g.card.groupon.base_info, advanced_info: g.card.groupon.advanced_info, ...fields }
  return { card: { card_type: type, [type.toLowerCase()]: body } }
}

const TYPES: Record<string, J> = {
  GROUPON: { deal_detail: '双人套餐' },
  CASH: { least_cost: 10000, reduce_cost: 1000 },
  DISCOUNT: { discount: 15 },
  GIFT: { gift: '可兑换音乐木盒一个' },
  GENERAL_COUPON: { default_detail: '音乐木盒' },
}

function clientRefusal(req: J): string | undefined {
  try {
    checkCardCreate(req as CardCreateRequest)
    return undefined
  } catch (err) {
    if (err instanceof WxRuleError) return err.field
    throw err
  }
}

let rx: Receiver
let emu: WechatEmulator
let tok: string
beforeAll(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
  tok = await token(emu)
})
afterAll(async () => {
  await emu.stop()
  await rx.close()
})
const emulatorErrcode = async (req: J) => (await api(emu, 'card/create', req, tok)).errcode

describe('the documents’ complete examples, under every type, are accepted by both sides', () => {
  test.each(Object.entries(TYPES))('%s', async (type, fields) => {
    const req = type === 'GROUPON' ? GROUPON() : ofType(type, fields)
    expect(clientRefusal(req)).toBeUndefined()
    expect(await emulatorErrcode(req)).toBe(0)
  })
  test('friend-coupons.zh.txt 代金券POST示例 (no title, notice or sku: WeChat names it and sells its stock for coins)', async () => {
    expect(clientRefusal(FRIEND_CASH())).toBeUndefined()
    expect(await emulatorErrcode(FRIEND_CASH())).toBe(0)
  })
})

interface Case {
  quote: string
  req: () => J
  field: string
  errcode: number
}

const friend =
  (edit: (c: J) => void): (() => J) =>
  () => {
    const c = FRIEND_CASH()
    edit(c)
    return c
  }
const typed =
  (type: string, edit: (body: J) => void): (() => J) =>
  () => {
    const c = ofType(type, { ...TYPES[type] })
    edit(c.card[type.toLowerCase()])
    return c
  }

const CASES: Record<string, Case> = {
  'GROUPON without deal_detail': {
    quote: 'deal_detail | 是 | string( 3072 ) | … | 团购券专用,团购详情。',
    req: typed('GROUPON', (b) => delete b.deal_detail),
    field: 'card.groupon.deal_detail',
    errcode: 47001,
  },
  'CASH without reduce_cost': {
    quote: 'reduce_cost | 是 | int | 10000 | 代金券专用,表示减免金额。(单位为分)',
    req: typed('CASH', (b) => delete b.reduce_cost),
    field: 'card.cash.reduce_cost',
    errcode: 47001,
  },
  'CASH with a negative least_cost': {
    quote: 'least_cost | 是 | int | 10000 | 代金券专用,表示起用金额(单位为分),如果无起用门槛则填0。',
    req: typed('CASH', (b) => (b.least_cost = -1)),
    field: 'card.cash.least_cost',
    errcode: 40097,
  },
  'DISCOUNT without discount': {
    quote: 'discount | 是 | int | 30 | 折扣券专用,表示打折额度(百分比)。填30就是七折。',
    req: typed('DISCOUNT', (b) => delete b.discount),
    field: 'card.discount.discount',
    errcode: 47001,
  },
  'DISCOUNT of 100 percent': {
    quote: 'discount | 是 | int | 30 | 折扣券专用,表示打折额度(百分比)。填30就是七折。',
    req: typed('DISCOUNT', (b) => (b.discount = 100)),
    field: 'card.discount.discount',
    errcode: 40097,
  },
  'GIFT without gift': {
    quote: 'gift | 是 | string(3072) | 可兑换音乐木盒一个。 | 兑换券专用,填写兑换内容的名称。',
    req: typed('GIFT', (b) => delete b.gift),
    field: 'card.gift.gift',
    errcode: 47001,
  },
  'GENERAL_COUPON without default_detail': {
    quote: 'default_detail | 是 | string(3072) | 音乐木盒。 | 优惠券专用,填写优惠详情。',
    req: typed('GENERAL_COUPON', (b) => delete b.default_detail),
    field: 'card.general_coupon.default_detail',
    errcode: 47001,
  },
  'a colour outside the guide’s table': {
    quote: 'Color010 | #63b359 … Color0102 | #5E6671',
    req: typed('CASH', (b) => (b.base_info.color = 'Color011')),
    field: 'card.cash.base_info.color',
    errcode: 40097,
  },
  'fixed_term 0': {
    quote: 'fixed_term | 是 | int | 15 | type为DATE_TYPE_FIX_TERM时专用,表示自领取后多少天内有效,不支持填写0。',
    req: typed('CASH', (b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 })),
    field: 'card.cash.base_info.date_info.fixed_term',
    errcode: 40097,
  },
  'a logo not on the CDN': {
    quote: '40141图片url错误须使用将图片上传至CDN后获得的url',
    req: friend((c) => (c.card.cash.base_info.logo_url = 'http://example.com/logo.png')),
    field: 'card.cash.base_info.logo_url',
    errcode: 40141,
  },
  'a web center_url without a Mini Program': {
    quote: 'center_url | 否 | string(128) | www.qq.com | … 注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代',
    req: typed('CASH', (b) => delete b.base_info.center_app_brand_user_name),
    field: 'card.cash.base_info.center_url',
    errcode: 40097,
  },
  'a web custom_url without a Mini Program': {
    quote: 'custom_url | 否 | string(128) | www.qq.com | 自定义跳转的URL。注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代',
    req: typed('GIFT', (b) => delete b.base_info.custom_app_brand_user_name),
    field: 'card.gift.base_info.custom_url',
    errcode: 40097,
  },
  'use_limit 0': {
    quote: 'use_limit | 否 | int | 100 | 每人可核销的数量限制,不填写默认为50。',
    req: typed('CASH', (b) => (b.base_info.use_limit = 0)),
    field: 'card.cash.base_info.use_limit',
    errcode: 40097,
  },
  'deposit-code mode with stock': {
    quote: '预存code模式的卡券须设置quantity为0,导入code后方可增加库存;',
    req: typed('GIFT', (b) => Object.assign(b.base_info, { use_custom_code: true, get_custom_code_mode: 'GET_CUSTOM_CODE_MODE_DEPOSIT' })),
    field: 'card.gift.base_info.sku.quantity',
    errcode: 40097,
  },
  'quantity above 100000000': {
    quote: 'quantity | 是 | int | 100000 | 卡券库存的数量,上限为100000000。',
    req: typed('CASH', (b) => (b.base_info.sku.quantity = 100_000_001)),
    field: 'card.cash.base_info.sku.quantity',
    errcode: 40097,
  },
  'a friend coupon of type DISCOUNT': {
    quote: 'card_type卡券类型,现仅支持代金券类型和兑换券类型,填写CASH或者GIFT',
    req: friend((c) => (c.card = { card_type: 'DISCOUNT', discount: { ...c.card.cash, discount: 10 } })),
    field: 'card.card_type',
    errcode: 40097,
  },
  'a friend coupon valid for 91 days': {
    quote: '40079有效期错误须将有效期设置为90天以内',
    req: friend((c) => (c.card.cash.base_info.date_info.end_timestamp = c.card.cash.base_info.date_info.begin_timestamp + 91 * 86400)),
    field: 'card.cash.base_info.date_info.end_timestamp',
    errcode: 40079,
  },
  'a friend coupon with no store': {
    quote: 'location_id_list门店位置ID,…朋友的券须至少传入一个可用poi_id,否则报错',
    req: friend((c) => (c.card.cash.base_info.location_id_list = [])),
    field: 'card.cash.base_info.location_id_list',
    errcode: 41025,
  },
  'a friend coupon with reduce_cost 0': {
    quote: 'reduce_cost代金券专用,表示减免金额(单位为分),不可填0。',
    req: friend((c) => (c.card.cash.reduce_cost = 0)),
    field: 'card.cash.reduce_cost',
    errcode: 40097,
  },
  'a friend coupon with custom codes': {
    quote: '4、暂不支持商家自定义Code码;',
    req: friend((c) => (c.card.cash.base_info.use_custom_code = true)),
    field: 'card.cash.base_info.use_custom_code',
    errcode: 40097,
  },
  'a friend coupon that can be shared': {
    quote: 'can_share是否支持分享到对话、朋友圈,与share_friends字段互斥,若创建朋友共享券此处应填入false,不可为空',
    req: friend((c) => delete c.card.cash.base_info.can_share),
    field: 'card.cash.base_info.can_share',
    errcode: 40097,
  },
  'a friend coupon with stock at creation': {
    quote: '朋友的券库存机制与普通券不同,…不支持在创建的时候填入库存。',
    req: friend((c) => (c.card.cash.base_info.sku = { quantity: 100 })),
    field: 'card.cash.base_info.sku.quantity',
    errcode: 40097,
  },
  'a friend coupon without pictures and text': {
    quote: 'text_image_list图文列表,显示在详情内页,优惠券券开发者须至少传入一组图文列表',
    req: friend((c) => delete c.card.cash.advanced_info.text_image_list),
    field: 'card.cash.advanced_info.text_image_list',
    errcode: 40097,
  },
  'consume_share_self_num 2': {
    quote: 'consume_share_self_num核销后送券的数量,可设置核销后送本卡券的数量,限制传入1张,与consume_share_card_list字段互斥',
    req: friend((c) => (c.card.cash.advanced_info.consume_share_self_num = 2)),
    field: 'card.cash.advanced_info.consume_share_self_num',
    errcode: 40097,
  },
  'consume_share_self_num with consume_share_card_list': {
    quote: 'consume_share_self_num … 与consume_share_card_list字段互斥',
    req: friend((c) => (c.card.cash.advanced_info.consume_share_card_list = [{ card_id: 'pbLatjpvp0Xq6jtgRRxCKtudkBz8k', num: 1 }])),
    field: 'card.cash.advanced_info.consume_share_self_num',
    errcode: 40097,
  },
}

describe('each rule is enforced by both sides', () => {
  test.each(Object.entries(CASES))('%s', async (_name, c) => {
    expect(c.quote.length).toBeGreaterThan(5)
    expect(clientRefusal(c.req())).toBe(c.field)
    expect(await emulatorErrcode(c.req())).toBe(c.errcode)
  })
})

test('the pure rules report every problem with the document’s words (for the console’s forms)', () => {
  const req = friend((c) => {
    c.card.cash.reduce_cost = 0
    c.card.cash.base_info.location_id_list = []
  })()
  const problems = cardTypeProblems(req)
  expect(problems.map((p) => p.field)).toEqual(['card.cash.reduce_cost', 'card.cash.base_info.location_id_list'])
  expect(problems[0]!.quote).toContain('不可填0')
})

test('"统一命名为xxx元代金券": WeChat names a friend coupon, whatever title was sent', async () => {
  const req = FRIEND_CASH()
  delete req.card.cash.advanced_info.use_condition
  req.card.cash.reduce_cost = 1000
  req.card.cash.base_info.title = '随便起的名字'
  expect(friendCouponTitle('CASH', req.card.cash)).toBe('10元代金券')
  const { card_id } = await api(emu, 'card/create', req, tok)
  expect(((await api(emu, 'card/get', { card_id }, tok)).card as J).cash.base_info.title).toBe('10元代金券')
  expect(friendCouponTitle('CASH', { reduce_cost: 5000, least_cost: 50000 })).toBe('全场满500减50')
  expect(friendCouponTitle('GIFT', { gift_name: '洗手液', gift_num: 1, gift_unit: '瓶' })).toBe('洗手液1瓶')
})

test('terms and the discount a coupon gives: 满 100 减 10 needs ¥100; 8.5 折 rounds down to whole fen', () => {
  const cash = termsOf('CASH', { least_cost: 10000, reduce_cost: 1000 })
  expect(cash).toEqual({ leastCost: 10000, reduceCost: 1000 })
  expect(couponDiscount('CASH', cash, 12000)).toEqual({ discount: 1000 })
  expect(couponDiscount('CASH', cash, 9999)).toEqual({ refused: expect.stringContaining('10000'), why: 'least' })
  // least_cost moved to advanced_info.use_condition ("注意:该字段移动到advanced_info内了").
  expect(termsOf('CASH', { reduce_cost: 500, advanced_info: { use_condition: { least_cost: 3000 } } })).toEqual({
    leastCost: 3000,
    reduceCost: 500,
  })
  expect(couponDiscount('DISCOUNT', { discount: 15 }, 999)).toEqual({ discount: 149 })
  // Worth the whole total or more: nothing would be left for WeChat Pay, so it is the counter's.
  expect(couponDiscount('CASH', { leastCost: 0, reduceCost: 5000 }, 3000)).toMatchObject({ why: 'coversAll' })
  expect(couponDiscount('CASH', { leastCost: 0, reduceCost: 3000 }, 3000)).toMatchObject({ why: 'coversAll' })
  expect(couponDiscount('CASH', { leastCost: 0, reduceCost: 2999 }, 3000)).toEqual({ discount: 2999 })
  expect(couponDiscount('GIFT', { gift: '木盒' }, 3000)).toEqual({ refused: expect.any(String), why: 'counter' })
})
