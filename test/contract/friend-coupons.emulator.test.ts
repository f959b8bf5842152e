// The WeChat emulator's friend coupons, coins, marks, QR delivery and card lists, held to the words of
// friend-coupons.zh.txt and card-api-guide.zh.txt (each test quotes the line it checks), through raw HTTP.
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { asTakenToday, example } from '../helpers/examples'
import { api, http, startEmu, startReceiver, token, until, type Receiver } from '../helpers/emulator'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

let rx: Receiver
let emu: WechatEmulator
let tok: string
beforeEach(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
  tok = await token(emu)
})
afterEach(async () => {
  await emu.stop()
  await rx.close()
})

const get = async (path: string) => (await http(emu, 'GET', `/${path}?access_token=${tok}`)).json

/** friend-coupons.zh.txt's 代金券 example, valid from now, with its use_condition replaced. */
async function friendCoupon(useCondition?: J): Promise<string> {
  const c = asTakenToday(example('friend-coupons.zh.txt:220'))
  const now = Math.floor(Date.now() / 1000)
  c.card.cash.base_info.date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 60, end_timestamp: now + 30 * 86400 }
  if (useCondition) c.card.cash.advanced_info.use_condition = useCondition
  else delete c.card.cash.advanced_info.use_condition
  const r = await api(emu, 'card/create', c, tok)
  expect(r.errcode).toBe(0)
  return r.card_id as string
}

/** A code of the card in alice's bag (as a scan of the card's QR code puts it there). */
async function held(cardId: string, user = 'alice'): Promise<string> {
  const qr = await api(
    emu,
    'card/qrcode/create',
    { action_name: 'QR_CARD', action_info: { card: { card_id: cardId, outer_str: 'poster' } } },
    tok,
  )
  const scan = await http(emu, 'POST', '/__emu/client/scanCardQr', { user, ticket: qr.ticket })
  expect(scan.status).toBe(200)
  return (scan.json.cards as J[])[0]!.code as string
}

async function buyStock(cardId: string, quantity: number): Promise<void> {
  await get('card/pay/activate')
  const q = await api(emu, 'card/pay/getpayprice', { card_id: cardId, quantity: String(quantity) }, tok)
  expect((await api(emu, 'card/pay/confirm', { card_id: cardId, order_id: q.order_id, quantity: String(quantity) }, tok)).errcode).toBe(0)
}

describe('coins', () => {
  test('"1)无门槛类型,保持0.2券点/张; 2)指定品类可用/不可用门槛,0.4券点/张; 3)满减/买xx可用门槛,0.6券点/张"', async () => {
    const price = async (cond?: J) =>
      (await api(emu, 'card/pay/getpayprice', { card_id: await friendCoupon(cond), quantity: '10' }, tok)).price
    expect(await price()).toBe('2')
    expect(await price({ accept_category: '鞋类' })).toBe('4')
    expect(await price({ least_cost: 10000 })).toBe('6')
    const one = await api(emu, 'card/pay/getpayprice', { card_id: await friendCoupon(), quantity: '1' }, tok)
    expect(one.price).toBe('0.2')
  })

  test('"order_id … 仅对当前订单有效且仅可以使用一次": a second confirm adds no stock and charges no coins', async () => {
    const cardId = await friendCoupon()
    expect((await get('card/pay/activate')).reward).toBe(200)
    const q = await api(emu, 'card/pay/getpayprice', { card_id: cardId, quantity: '5' }, tok)
    const confirm = () => api(emu, 'card/pay/confirm', { card_id: cardId, order_id: q.order_id, quantity: '5' }, tok)
    expect((await confirm()).errcode).toBe(0)
    expect((await confirm()).errcode).toBe(40097)
    const card = (await api(emu, 'card/get', { card_id: cardId }, tok)).card as J
    expect(card.cash.base_info.sku.quantity).toBe(5)
    expect(await get('card/pay/getcoinsinfo')).toMatchObject({ free_coin: 199, pay_coin: 0, total_coin: 199 })
  })

  test('"上一步获得的order_id须在60s内使用,否则确认兑换库存接口将会失效"', async () => {
    const cardId = await friendCoupon()
    await get('card/pay/activate')
    const q = await api(emu, 'card/pay/getpayprice', { card_id: cardId, quantity: '1' }, tok)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 61 })
    expect((await api(emu, 'card/pay/confirm', { card_id: cardId, order_id: q.order_id, quantity: '1' }, tok)).errcode).toBe(40097)
  })

  test('recharge: "获得一个微信支付的支付二维码链接" — the coins arrive once the QR code is paid; getorder answers the documented fields; card_pay_order is pushed', async () => {
    const r = await api(emu, 'card/pay/recharge', { coin_count: 100 }, tok)
    expect(r.qrcode_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    const before = (await api(emu, 'card/pay/getorder', { order_id: r.order_id }, tok)).order_info as J
    expect(before.status).toBe('ORDER_STATUS_WAITING')
    expect((await get('card/pay/getcoinsinfo')).pay_coin).toBe(0)
    await http(emu, 'POST', '/__emu/coins/pay', { orderId: r.order_id })
    await http(emu, 'POST', '/__emu/coins/pay', { orderId: r.order_id })
    expect((await get('card/pay/getcoinsinfo')).pay_coin).toBe(100)
    const info = (await api(emu, 'card/pay/getorder', { order_id: r.order_id }, tok)).order_info as J
    expect(Object.keys(info).sort()).toEqual([
      'create_time',
      'desc',
      'free_coin_count',
      'openid',
      'order_id',
      'order_type',
      'pay_coin_count',
      'pay_finish_time',
      'refund_free_coin_count',
      'refund_pay_coin_count',
      'status',
    ])
    expect(info).toMatchObject({ status: 'ORDER_STATUS_FINANCE_SUCC', order_type: 'ORDER_TYPE_WXPAY', pay_coin_count: '100' })
    // "当券点发生变动时,微信服务器会将本次变动的类型、券点数额以及时间等信息推送给开发者服务器。"
    await until(
      () => rx.bodies.filter((b) => b.includes('card_pay_order') && b.includes(String(r.order_id))).length === 1,
      'one card_pay_order push',
    )
  })
})

describe('marks and consume', () => {
  test('"is_mark不填默认为true。"', async () => {
    const cardId = await friendCoupon()
    await buyStock(cardId, 2)
    const code = await held(cardId)
    expect((await api(emu, 'card/code/mark', { code, card_id: cardId, openid: 'oA' }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/code/get', { code, card_id: cardId }, tok)).mark_openid).toBe('oA')
  })

  test('"40003 … 核销时用户的卡券未处于展示(mark)状态": online consume of an unmarked friend coupon', async () => {
    const cardId = await friendCoupon()
    await buyStock(cardId, 2)
    const code = await held(cardId)
    expect((await api(emu, 'card/code/consume', { code, openid: 'oA' }, tok)).errcode).toBe(40003)
    await api(emu, 'card/code/mark', { code, card_id: cardId, openid: 'oA', is_mark: true }, tok)
    expect((await api(emu, 'card/code/consume', { code, openid: 'oB' }, tok)).errcode).toBe(40003)
    expect((await api(emu, 'card/code/consume', { code, openid: 'oA' }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/code/consume', { code, openid: 'oA' }, tok)).errcode).toBe(40099)
  })

  test('"线下核销的场景下,核销接口传递的参数仅为code,无需openid"', async () => {
    const cardId = await friendCoupon()
    await buyStock(cardId, 1)
    const code = await held(cardId)
    expect(await api(emu, 'card/code/consume', { code }, tok)).toMatchObject({ errcode: 0, card: { card_id: cardId } })
  })
})

describe('delivery and the card bag', () => {
  test('QR delivery: a scan puts the card in the bag, user_get_card carries outer_str; get_limit "不填写默认为50"', async () => {
    const c = asTakenToday(example('card-api-guide.zh.txt:661'))
    c.card.groupon.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 }
    delete c.card.groupon.base_info.get_limit
    const cardId = (await api(emu, 'card/create', c, tok)).card_id as string
    const code = await held(cardId)
    await until(
      () => rx.bodies.some((b) => b.includes('user_get_card') && b.includes(code) && b.includes('<OuterStr><![CDATA[poster]]>')),
      'user_get_card with outer_str',
    )
    for (let i = 1; i < 50; i++) await held(cardId)
    const qr = await api(emu, 'card/qrcode/create', { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } }, tok)
    const fifty1 = await http(emu, 'POST', '/__emu/client/scanCardQr', { user: 'alice', ticket: qr.ticket })
    expect(fifty1.json.errMsg).toBe('scanQRCode:fail get_limit 50 reached')
    expect((await http(emu, 'POST', '/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })).status).toBe(200)
  })

  test('"用于获取用户卡包里的,属于该appid下所有可用卡券,包括正常状态和异常状态。"', async () => {
    const c = asTakenToday(example('card-api-guide.zh.txt:661'))
    c.card.groupon.base_info.date_info = { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 }
    const cardId = (await api(emu, 'card/create', c, tok)).card_id as string
    const used = await held(cardId)
    const fresh = await held(cardId)
    await api(emu, 'card/code/consume', { code: used }, tok)
    const openid = emu.users.get('alice')!.saOpenid
    const list = (await api(emu, 'card/user/getcardlist', { openid }, tok)).card_list as J[]
    expect(list.map((x) => x.code).sort()).toEqual([used, fresh].sort())
  })
})
