// Issue 29's deviations, held on the emulator's side by raw HTTP: each test quotes the document line it
// checks (the client's side of the same rules is in server/wechat/rules.test.ts and card-rules.test.ts).
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import giftCardExample from '../fixtures/giftcard-create.example.json'
import { asTakenToday, example } from '../helpers/examples'
import { api, emulatorPerTest, http, token, until, type Receiver } from '../helpers/emulator'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

// Cards wait an hour for review here, so that a review can be refused before it passes.
const per = emulatorPerTest({ reviewSeconds: 3600 })
let rx: Receiver
let emu: WechatEmulator
let tok: string
beforeEach(() => {
  ;[rx, emu, tok] = [per.rx(), per.emu(), per.token()]
})

const now = () => emu.platform.now()
function giftCard(edit: (body: J) => void = () => undefined): J {
  const c = JSON.parse(JSON.stringify(giftCardExample)) as J
  c.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now() - 3600,
    end_timestamp: now() + 86400 * 30,
  }
  edit(c.card.general_card)
  return c
}
async function created(req: J): Promise<string> {
  const r = await api(emu, 'card/create', req, tok)
  expect(r.errcode).toBe(0)
  return r.card_id as string
}
const approve = async () => http(emu, 'POST', '/__emu/clock', { advanceSeconds: 3600 })
const pushed = (event: string) => rx.bodies.filter((b) => b.includes(`<Event><![CDATA[${event}]]></Event>`))
/** A code of the card held by alice, in the given state. */
function code(cardId: string, status: 'NORMAL' | 'GIFTING' | 'DELETE', n = 1): string {
  const c = `77${String(n).padStart(10, '0')}`
  emu.platform.putCode({
    card_id: cardId,
    code: c,
    status,
    openid: emu.users.get('alice')!.saOpenid,
    balance: 100,
    bonus: 0,
    receivedAt: now(),
  })
  return c
}

describe('1. pictures come from the CDN', () => {
  test('gift-card-api line 350 "the logo must be uploaded to the CDN first, otherwise the error is reported": 40141', async () => {
    expect(
      (
        await api(
          emu,
          'card/create',
          giftCard((b) => (b.base_info.logo_url = 'http://example.com/logo.png')),
          tok,
        )
      ).errcode,
    ).toBe(40141)
    expect(
      (
        await api(
          emu,
          'card/create',
          giftCard((b) => (b.background_pic_url = 'http://example.com/face.jpg')),
          tok,
        )
      ).errcode,
    ).toBe(40141)
    // the emulator's own CDN (what cgi-bin/media/uploadimg answers) stands for mmbiz.qpic.cn
    expect(
      (
        await api(
          emu,
          'card/create',
          giftCard((b) => (b.base_info.logo_url = `${emu.url}/mmbiz_jpg/demo-face-red/0`)),
          tok,
        )
      ).errcode,
    ).toBe(0)
  })

  test('line 569 "banner_pic_url … must be uploaded to the CDN first": a shelf with a picture elsewhere is 40141', async () => {
    const cardId = await created(giftCard())
    const page = (banner: string) => ({
      page: {
        page_title: '礼品卡',
        banner_pic_url: banner,
        theme_list: [
          {
            theme_pic_url: 'http://mmbiz.qpic.cn/t',
            title: '主题',
            title_color: '#FB966E',
            item_list: [{ card_id: cardId, title: '焦糖拿铁' }],
            pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/f', default_gifting_msg: '祝福语1' }],
          },
        ],
        address: '广州市海珠区222号',
        service_phone: '020-12345678',
        biz_description: '退款指引',
        cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
        cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
      },
    })
    expect((await api(emu, 'card/giftcard/page/add', page('http://example.com/banner.jpg'), tok)).errcode).toBe(40141)
    expect((await api(emu, 'card/giftcard/page/add', page('http://mmbiz.qpic.cn/b'), tok)).errcode).toBe(0)
    // lines 596-599: item pic_url, when given, is a picture like the others
    const withPic = page('http://mmbiz.qpic.cn/b')
    withPic.page.theme_list[0]!.item_list[0] = { card_id: cardId, title: '焦糖拿铁', pic_url: 'http://example.com/p.jpg' } as never
    expect((await api(emu, 'card/giftcard/page/add', withPic, tok)).errcode).toBe(40141)
  })
})

describe('2. fixed_term 0, per card type', () => {
  test('gift-card-api line 363 "Complete 0 as valid on the day of receipt": a gift card takes it and its code ends that day', async () => {
    const id = await created(giftCard((b) => (b.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 })))
    const got = await api(emu, 'card/code/get', { card_id: id, code: code(id, 'NORMAL') }, tok)
    const end = (got.card as J).end_time as number
    expect(end).toBeGreaterThanOrEqual(now())
    expect((end + 1 + 8 * 3600) % 86400).toBe(0) // 23:59:59 Beijing time
    expect(end - now()).toBeLessThan(86400)
  })

  test('card-api-guide.zh.txt line 763 "不支持填写0": a coupon with fixed_term 0 is 40097', async () => {
    const cash = asTakenToday(example('card-api-guide.zh.txt:661'))
    cash.card.groupon.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 0, fixed_begin_term: 0 }
    expect((await api(emu, 'card/create', cash, tok)).errcode).toBe(40097)
  })
})

test('3. card-api-guide.zh.txt line 777 "注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代": a web center_url alone is 40097', async () => {
  expect(
    (
      await api(
        emu,
        'card/create',
        giftCard((b) => delete b.base_info.center_app_brand_user_name),
        tok,
      )
    ).errcode,
  ).toBe(40097)
  const id = await created(giftCard())
  expect(
    (await api(emu, 'card/update', { card_id: id, general_card: { base_info: { promotion_url: 'https://shop.example.com' } } }, tok))
      .errcode,
  ).toBe(40097)
})

describe('5. a code being given', () => {
  test('card-api-guide.zh.txt lines 366-377 (check_consume true, "异常状态"): GIFTING answers 0 with "can_consume": false', async () => {
    const id = await created(giftCard())
    await approve()
    const got = await api(emu, 'card/code/get', { card_id: id, code: code(id, 'GIFTING'), check_consume: true }, tok)
    expect(got).toMatchObject({ errcode: 0, can_consume: false, user_card_status: 'GIFTING' })
    // friend-coupons.zh.txt lines 1176-1180: a deleted one is refused, 40127
    expect((await api(emu, 'card/code/get', { card_id: id, code: code(id, 'DELETE', 2), check_consume: true }, tok)).errcode).toBe(40127)
  })

  test('friend-coupons.zh.txt line 1443 "40078该Code已经被删除或者转赠中": consuming a GIFTING code', async () => {
    const id = await created(giftCard())
    await approve()
    expect((await api(emu, 'card/code/consume', { card_id: id, code: code(id, 'GIFTING') }, tok)).errcode).toBe(40078)
  })
})

test('6. friend-coupons.zh.txt lines 772-790: getorderlist keeps begin_time/end_time, nor_filter and sort_info', async () => {
  await http(emu, 'GET', `/card/pay/activate?access_token=${tok}`)
  await approve()
  const recharge = (await api(emu, 'card/pay/recharge', { coin_count: 10 }, tok)).order_id as string
  await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 60 })
  await api(emu, 'card/pay/recharge', { coin_count: 20 }, tok)
  await http(emu, 'POST', '/__emu/coins/pay', { orderId: recharge })
  const list = async (extra: J) =>
    ((await api(emu, 'card/pay/getorderlist', { offset: 0, count: 10, ...extra }, tok)).order_list as J[]).map(
      (o) => `${o.order_type}:${o.status}`,
    )
  expect(await list({ sort_info: { sort_key: 'SORT_BY_TIME', sort_type: 'SORT_ASC' } })).toEqual([
    'ORDER_TYPE_SYS_ADD:ORDER_STATUS_FINANCE_SUCC',
    'ORDER_TYPE_WXPAY:ORDER_STATUS_FINANCE_SUCC',
    'ORDER_TYPE_WXPAY:ORDER_STATUS_WAITING',
  ])
  expect(await list({ sort_info: { sort_key: 'SORT_BY_TIME', sort_type: 'SORT_DESC' } })).toEqual([
    'ORDER_TYPE_WXPAY:ORDER_STATUS_WAITING',
    'ORDER_TYPE_WXPAY:ORDER_STATUS_FINANCE_SUCC',
    'ORDER_TYPE_SYS_ADD:ORDER_STATUS_FINANCE_SUCC',
  ])
  // "nor_filter … 反选,不要拉取的订单"
  expect(await list({ order_type: 'ORDER_TYPE_WXPAY', nor_filter: { status: 'ORDER_STATUS_WAITING' } })).toEqual([
    'ORDER_TYPE_WXPAY:ORDER_STATUS_FINANCE_SUCC',
  ])
  // "begin_time … 默认1周前": a window that ends before the last order leaves it out
  expect(await list({ begin_time: String(now() - 3000), end_time: String(now() - 30) })).toEqual([
    'ORDER_TYPE_WXPAY:ORDER_STATUS_FINANCE_SUCC',
  ])
  await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 8 * 86400 })
  tok = await token(emu) // the old one lived 7200 s
  expect(await list({})).toEqual([])
})

test('7. friend-coupons.zh.txt lines 1754-1758: "_user" counts people, "_cnt" times; card_type only for the five numbered types', async () => {
  const gift = await created(giftCard())
  await approve()
  const friendCash = asTakenToday(example('friend-coupons.zh.txt:220'))
  friendCash.card.cash.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now() - 60,
    end_timestamp: now() + 30 * 86400,
  }
  const cash = await created(friendCash)
  emu.platform.cube(gift, 'receive', 'oA')
  emu.platform.cube(gift, 'receive', 'oA')
  emu.platform.cube(gift, 'receive', 'oB')
  emu.platform.cube(cash, 'view', 'oA')
  const today = new Date((now() + 8 * 3600) * 1000).toISOString().slice(0, 10)
  const rows = (await api(emu, 'datacube/getcardcardinfo', { begin_date: today, end_date: today, cond_source: 0 }, tok)).list as J[]
  const g = rows.find((r) => r.card_id === gift)!
  expect(g).toMatchObject({ receive_cnt: 3, receive_user: 2 })
  // "card_type … 0:折扣券,1:代金券,2:礼品券,3:优惠券,4:团购券": a gift card is none of them, so it is not passed off as 0
  expect(g.card_type).toBeUndefined()
  expect(rows.find((r) => r.card_id === cash)).toMatchObject({ card_type: 1, view_cnt: 1, view_user: 1 })
  const all = (await api(emu, 'datacube/getcardbizuininfo', { begin_date: today, end_date: today, cond_source: 0 }, tok)).list as J[]
  expect(all[0]).toMatchObject({ receive_cnt: 3, receive_user: 2, view_cnt: 1, view_user: 1 })
})

test('8. member-card-management line 315: 72001 is a subject mismatch, not the gift-card pay whitelist', async () => {
  const member = JSON.parse(JSON.stringify(giftCardExample)) as J
  const body = {
    ...member.card.general_card,
    sub_card_type: undefined,
    prerogative: '会员特权',
    supply_bonus: false,
    supply_balance: false,
  }
  delete body.base_info.giftcard_info
  delete body.base_info.max_give_friend_times
  const id = await created({ card: { card_type: 'MEMBER_CARD', member_card: body } })
  const rule = (mchid: string) => ({
    rule_info: {
      type: 'RULE_TYPE_PAY_MEMBER_CARD',
      base_info: { mchid_list: [mchid], begin_time: now() - 60, end_time: now() + 86400 },
      member_rule: { card_id: id, least_cost: 1, max_cost: 100 },
    },
  })
  // never put on the gift-card pay whitelist, same subject: accepted
  expect(await api(emu, 'card/paygiftcard/add', rule('1900000301'), tok)).toMatchObject({
    errcode: 0,
    succ_mchid_list: ['1900000301'],
    fail_mchid_list: [],
  })
  expect((await http(emu, 'POST', '/__emu/mchids/foreign', { mchids: ['1900000302'] })).status).toBe(200)
  expect(await api(emu, 'card/paygiftcard/add', rule('1900000302'), tok)).toMatchObject({
    errcode: 0,
    succ_mchid_list: [],
    fail_mchid_list: [{ mchid: '1900000302', errcode: 72001 }],
  })
})

test('9. a refused review pushes card_not_pass_check with RefuseReason; card/update resubmits (send_check true, friend-coupons line 1614)', async () => {
  const id = await created(giftCard())
  expect((await http(emu, 'POST', '/__emu/review/reject', { cardId: id, reason: '卡券标题含有违规内容' })).status).toBe(200)
  await until(() => pushed('card_not_pass_check').length === 1, 'card_not_pass_check')
  expect(pushed('card_not_pass_check')[0]).toContain('<RefuseReason><![CDATA[卡券标题含有违规内容]]></RefuseReason>')
  expect(((await api(emu, 'card/get', { card_id: id }, tok)).card as J).general_card.base_info.status).toBe('CARD_STATUS_VERIFY_FAIL')
  // a card no longer under review cannot be refused again
  expect((await http(emu, 'POST', '/__emu/review/reject', { cardId: id, reason: 'x' })).status).toBe(409)
  expect(await api(emu, 'card/update', { card_id: id, general_card: { base_info: { title: '心意卡二' } } }, tok)).toMatchObject({
    errcode: 0,
    send_check: true,
  })
  expect(((await api(emu, 'card/get', { card_id: id }, tok)).card as J).general_card.base_info.status).toBe('CARD_STATUS_NOT_VERIFY')
  await approve()
  await until(() => pushed('card_pass_check').length === 1, 'card_pass_check')
  expect(await api(emu, 'card/update', { card_id: id, general_card: { base_info: { title: '心意卡三' } } }, tok)).toMatchObject({
    errcode: 0,
    send_check: false,
  })
})

test('10. cgi-bin/media/uploadimg takes the picture in the form field media (and buffer, the documents’ name)', async () => {
  const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1a1e8d40000000049454e44ae426082',
    'hex',
  )
  for (const field of ['media', 'buffer']) {
    const form = new FormData()
    form.append(field, new Blob([PNG], { type: 'image/png' }), 'logo.png')
    const res = (await (await fetch(`${emu.url}/cgi-bin/media/uploadimg?access_token=${tok}`, { method: 'POST', body: form })).json()) as J
    expect(res.url).toMatch(/\/__emu\/cdn\/[0-9a-f]{40}\.png$/)
  }
})
