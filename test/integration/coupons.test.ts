// Coupons end to end on a whole local stack (#14): carol (the merchant) creates them, alice claims one
// in the Mini Program and uses it at checkout (¥120 - ¥10 = ¥110 paid), bob's is redeemed at the
// counter by a staff member, gift cards are debited at the counter; and the adversarial paths: double
// taps, retries with the same key, a cancelled or failed payment leaving the coupon usable, a coupon
// held online refused at the counter, forged input, consumers refused counter actions.
import type { Stack } from '../../emulator/stack'
import { couponCard } from '../helpers/coupons'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)

beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

/** A coupon of card-api-guide.zh.txt's shape (test/helpers/coupons.ts), as the body merchant.cardCreate takes. */
const coupon = (type: string, fields: Json, base: Json = {}): Json => ({ card: couponCard(type, fields, base) })

async function createCoupon(type: string, fields: Json, base: Json = {}): Promise<string> {
  const r = await merchant({ action: 'cardCreate', card: coupon(type, fields, base).card })
  expect(r).toMatchObject({ errcode: 0 })
  return r.cardId as string
}

/** The claim page's flow: claim → wx.addCard → recordAdded. */
async function claimAndAdd(
  name: string,
  cardId: string,
  requestId = `claim-${name}-${Math.random().toString(36).slice(2)}`,
): Promise<Json> {
  const who = person(stack, name)
  const claimed = await who.fn('card', { action: 'claim', cardId, requestId })
  expect(claimed).toMatchObject({ errcode: 0 })
  const added = await who.emu('/__emu/client/addCard', { user: name, cardList: claimed.cardList })
  expect(added.status).toBe(200)
  const recorded = await who.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  expect(recorded).toMatchObject({ errcode: 0 })
  return recorded.cards[0] as Json
}

async function pay(name: string, payment: Json): Promise<void> {
  const paid = await person(stack, name).emu('/__emu/client/requestPayment', { user: name, payment })
  expect(paid.json.callbackAcknowledged).toBe(true)
}

const wxStatus = (cardId: string, code: string) => stack.wechat.platform.code(cardId, code)?.status

describe('claiming a free coupon in the Mini Program', () => {
  test('offered, claimed, added and listed with its type and terms (满 ¥100 减 ¥10); outer_str names the channel', async () => {
    const cardId = await createCoupon('CASH', { least_cost: 10000, reduce_cost: 1000 })
    expect(await merchant({ action: 'claimableSet', cardId, claimable: true, channel: 'poster_a' })).toMatchObject({
      errcode: 0,
      claimable: true,
      channel: 'poster_a',
    })
    const offered = (await person(stack, 'alice').fn('card', { action: 'claimables' })).items as Json[]
    expect(offered.find((i) => i.cardId === cardId)).toMatchObject({
      type: 'CASH',
      title: '满100减10',
      terms: { leastCost: 10000, reduceCost: 1000 },
    })
    const card = await claimAndAdd('alice', cardId)
    expect(card).toMatchObject({ cardId, type: 'CASH', terms: { leastCost: 10000, reduceCost: 1000 }, status: 'NORMAL' })
    expect(card.endTime - card.beginTime).toBe(30 * 86400)
    expect(stack.wechat.platform.code(cardId, card.code as string)?.outerStr).toBe('poster_a')
    const mine = (await person(stack, 'alice').fn('card', { action: 'listMine' })).cards as Json[]
    expect(mine.find((c) => c.code === card.code)).toMatchObject({ type: 'CASH', terms: { reduceCost: 1000 } })
    // Gift cards say what they are too.
    const shop = (await person(stack, 'alice').fn('card', { action: 'shop' })).items as Json[]
    const { card: gift } = await person(stack, 'alice').buyAndAdd(shop[0]!.cardId as string)
    const listed = ((await person(stack, 'alice').fn('card', { action: 'listMine' })).cards as Json[]).find((c) => c.code === gift.code)
    expect(listed).toMatchObject({ type: 'GIFT_CARD', terms: { balance: gift.balance } })
  })

  test('get_limit per person, one claim per requestId, and only offered coupons can be claimed', async () => {
    const cardId = await createCoupon('DISCOUNT', { discount: 15 }, { title: '8.5折券', get_limit: 1 })
    const alice = person(stack, 'alice')
    expect((await alice.fn('card', { action: 'claim', cardId, requestId: 'req-not-offered' })).errcode).toBe(1005)
    await merchant({ action: 'claimableSet', cardId, claimable: true })
    const offeredTo = async (p: ReturnType<typeof person>) =>
      ((await p.fn('card', { action: 'claimables' })).items as Json[]).find((i) => i.cardId === cardId)
    expect(await offeredTo(alice)).toMatchObject({ getLimit: 1, claimed: 0 })
    const a = await alice.fn('card', { action: 'claim', cardId, requestId: 'req-discount-1' })
    const again = await alice.fn('card', { action: 'claim', cardId, requestId: 'req-discount-1' })
    expect([a.errcode, again.errcode]).toEqual([0, 0])
    expect((await alice.fn('card', { action: 'claim', cardId, requestId: 'req-discount-2' })).errcode).toBe(1006)
    // The page says 已领取 to alice, and still offers it to bob.
    expect(await offeredTo(alice)).toMatchObject({ claimed: 1 })
    expect(await offeredTo(person(stack, 'bob'))).toMatchObject({ claimed: 0 })
    expect((await person(stack, 'bob').fn('card', { action: 'claim', cardId, requestId: 'req-discount-1' })).errcode).toBe(0)
    expect((await alice.fn('card', { action: 'claim', cardId, requestId: 'bad id!' })).errcode).toBe(1001)
    expect((await alice.fn('merchant', { action: 'claimableSet', cardId, claimable: false })).errcode).toBe(1004)
  })

  test('a coupon out of stock is not signed', async () => {
    const cardId = await createCoupon('GIFT', { gift: '可兑换音乐木盒一个' }, { title: '兑换木盒', sku: { quantity: 1 } })
    await merchant({ action: 'claimableSet', cardId, claimable: true })
    await claimAndAdd('bob', cardId)
    expect((await person(stack, 'alice').fn('card', { action: 'claim', cardId, requestId: 'req-gift-stock' })).errcode).toBe(1006)
  })
})

describe('a coupon at checkout', () => {
  async function aliceCoupon(): Promise<Json> {
    const cardId = await createCoupon('CASH', { least_cost: 10000, reduce_cost: 1000 })
    await merchant({ action: 'claimableSet', cardId, claimable: true })
    return claimAndAdd('alice', cardId)
  }

  test('¥120 order with 满 ¥100 减 ¥10: ¥110 paid, the code consumed once after payment', async () => {
    const c = await aliceCoupon()
    const alice = person(stack, 'alice')
    const start = { action: 'startCheckout', checkoutId: 'CPN-PAY-1', coupon: { cardId: c.cardId, code: c.code }, total: 12000 }
    const started = await alice.fn('pay', start)
    expect(started).toMatchObject({ errcode: 0, discount: 1000, rest: 11000 })
    // A double tap is the same checkout.
    expect(await alice.fn('pay', start)).toMatchObject({ errcode: 0, orderId: started.orderId, discount: 1000 })
    expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order).toMatchObject({
      totalFee: 11000,
      discount: 1000,
      status: 'CREATED',
    })
    // Held for this checkout: another checkout cannot use it meanwhile.
    expect((await alice.fn('pay', { ...start, checkoutId: 'CPN-PAY-1B' })).errcode).toBe(1006)
    expect(wxStatus(c.cardId, c.code)).toBe('NORMAL')
    await pay('alice', started.payment)
    await settle(stack)
    expect(wxStatus(c.cardId, c.code)).toBe('CONSUMED')
    expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order).toMatchObject({
      status: 'PAID',
      totalFee: 11000,
    })
    const payments = (await alice.emu('/__emu/payments')).json.payments as Json[]
    expect(payments.find((p) => p.outTradeNo === started.orderId)).toMatchObject({ totalFee: 11000, paid: true })
    expect((await alice.fn('pay', { ...start, checkoutId: 'CPN-PAY-1C' })).errcode).toBe(1006)
  })

  test('a cancelled payment leaves the coupon usable, and a threshold not reached is refused', async () => {
    const c = await aliceCoupon()
    const alice = person(stack, 'alice')
    const coupon = { cardId: c.cardId, code: c.code }
    expect((await alice.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-LOW', coupon, total: 9999 })).errcode).toBe(1006)
    const first = await alice.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-CANCEL-1', coupon, total: 15000 })
    expect(first).toMatchObject({ errcode: 0, discount: 1000, rest: 14000 })
    expect(await alice.fn('pay', { action: 'cancelCheckout', checkoutId: 'CPN-CANCEL-1' })).toMatchObject({
      errcode: 0,
      status: 'CANCELLED',
    })
    // Paid late, after the cancel: the payment is flagged for refund and the coupon is not consumed.
    await pay('alice', first.payment)
    await settle(stack)
    expect(wxStatus(c.cardId, c.code)).toBe('NORMAL')
    const second = await alice.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-CANCEL-2', coupon, total: 15000 })
    expect(second).toMatchObject({ errcode: 0, discount: 1000 })
    await pay('alice', second.payment)
    await settle(stack)
    expect(wxStatus(c.cardId, c.code)).toBe('CONSUMED')
  })

  test('with a gift card: the coupon comes off first, the card pays what it holds, Cloud Pay the rest', async () => {
    const c = await aliceCoupon()
    const alice = person(stack, 'alice')
    const { card } = await alice.buyAndAdd(await alice.shopCardId(10000))
    const started = await alice.fn('pay', {
      action: 'startCheckout',
      checkoutId: 'CPN-GC-1',
      cardId: card.cardId,
      code: card.code,
      coupon: { cardId: c.cardId, code: c.code },
      total: 30000,
    })
    expect(started).toMatchObject({ errcode: 0, discount: 1000, balance: 0, rest: 19000 })
    await pay('alice', started.payment)
    await settle(stack)
    expect(wxStatus(c.cardId, c.code)).toBe('CONSUMED')
  })

  test('a coupon and a gift card that covers the rest (issue 28): paid at once, no WeChat Pay order, each leg exact and once', async () => {
    const c = await aliceCoupon()
    const alice = person(stack, 'alice')
    const { card } = await alice.buyAndAdd(await alice.shopCardId(10000))
    const start = {
      action: 'startCheckout',
      checkoutId: 'CPN-GC-ALL',
      cardId: card.cardId,
      code: card.code,
      coupon: { cardId: c.cardId, code: c.code },
      total: 10500,
    }
    // ¥105 - ¥10 coupon = ¥95, all from the ¥100 card; a double tap is the same checkout, debited once.
    const [a, b] = await Promise.all([alice.fn('pay', start), alice.fn('pay', start)])
    for (const r of [a, b]) expect(r).toMatchObject({ errcode: 0, orderId: a.orderId, discount: 1000, rest: 0 })
    expect(a.payment).toBeUndefined()
    const again = await alice.fn('pay', start)
    expect(again).toMatchObject({ errcode: 0, orderId: a.orderId, discount: 1000, rest: 0, balance: 500 })
    await settle(stack)
    expect((await alice.fn('pay', { action: 'getOrder', orderId: a.orderId })).order).toMatchObject({
      status: 'PAID',
      totalFee: 0,
      discount: 1000,
    })
    expect(await alice.fn('pay', { action: 'checkoutStatus', checkoutId: 'CPN-GC-ALL' })).toMatchObject({
      status: 'PAID',
      held: 0,
      rest: 0,
    })
    const payments = (await alice.emu('/__emu/payments')).json.payments as Json[]
    expect(payments.filter((p) => p.outTradeNo === a.orderId)).toEqual([])
    expect(wxStatus(c.cardId, c.code)).toBe('CONSUMED')
    const mine = ((await alice.fn('card', { action: 'listMine' })).cards as Json[]).find((x) => x.code === card.code)
    expect(mine).toMatchObject({ balance: 500 })
    expect(mine!.held ?? 0).toBe(0)
    // Used: the coupon cannot pay again; without a coupon a card that covers everything is card.spend.
    expect((await alice.fn('pay', { ...start, checkoutId: 'CPN-GC-ALL-2' })).errcode).toBe(1006)
    const plain = await alice.fn('pay', {
      action: 'startCheckout',
      checkoutId: 'CPN-GC-PLAIN',
      cardId: card.cardId,
      code: card.code,
      total: 400,
    })
    expect(plain.errcode).toBe(1001)
  })

  test('forged input: someone else’s coupon, a gift card as a coupon, a malformed coupon', async () => {
    const c = await aliceCoupon()
    const bob = person(stack, 'bob')
    expect(
      (await bob.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-FORGED', coupon: { cardId: c.cardId, code: c.code }, total: 20000 }))
        .errcode,
    ).toBe(1004)
    const bad = await bob.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-BAD', coupon: { cardId: c.cardId }, total: 20000 })
    expect(bad.errcode).toBe(1001)
    expect(bad.errmsg).toMatch(/code/)
    expect((await bob.fn('pay', { action: 'startCheckout', checkoutId: 'CPN-NONE', total: 20000 })).errcode).toBe(1001)
  })
})

describe('redemption at the counter', () => {
  test('staff check and redeem a coupon once per key; consumers are refused; each redemption is audited', async () => {
    const alice = person(stack, 'alice')
    await merchant({ action: 'staffSet', openid: alice.mpOpenid, role: 'staff' })
    const cardId = await createCoupon('GIFT', { gift: '可兑换音乐木盒一个' }, { title: '兑换木盒' })
    // bob scans the merchant's QR code in the shop: the coupon goes into his bag.
    const qr = await merchant({
      action: 'qrcodeCreate',
      qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: cardId, outer_str: 'counter' } } },
    })
    const scan = await person(stack, 'bob').emu('/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })
    const code = (scan.json.cards as Json[])[0]!.code as string
    const staff = (data: Json) => alice.fn('merchant', data)
    expect(await staff({ action: 'redeemCheck', code })).toMatchObject({
      errcode: 0,
      check: { cardId, type: 'GIFT', title: '兑换木盒', terms: { gift: '可兑换音乐木盒一个' }, usable: true, status: 'NORMAL' },
    })
    expect((await person(stack, 'bob').fn('merchant', { action: 'redeem', code, key: 'bob-self-redeem' })).errcode).toBe(1004)
    expect((await staff({ action: 'redeem', code, amount: 100, key: 'redeem-gift-amount' })).errcode).toBe(1001)
    const done = await staff({ action: 'redeem', code, key: 'redeem-bob-1', location: '一号店' })
    expect(done).toMatchObject({ errcode: 0, status: 'DONE', type: 'GIFT', cardId })
    expect(await staff({ action: 'redeem', code, key: 'redeem-bob-1', location: '一号店' })).toMatchObject({ errcode: 0, status: 'DONE' })
    expect(wxStatus(cardId, code)).toBe('CONSUMED')
    expect((await staff({ action: 'redeem', code, key: 'redeem-bob-2' })).errcode).toBe(1006)
    expect(await staff({ action: 'redeemCheck', code })).toMatchObject({ check: { usable: false, status: 'CONSUMED' } })
    const audit = (await merchant({ action: 'auditList', limit: 20 })).entries as Json[]
    const entries = audit.filter((e) => e.action === 'redeem')
    expect(entries).toHaveLength(2)
    expect(entries[0]).toMatchObject({
      by: expect.stringMatching(/^店员·[0-9A-F]{4}$/),
      target: `${cardId}:${code}`,
      reason: expect.stringContaining('@ 一号店'),
      text: '核销优惠券「兑换木盒」（尾号' + code.slice(-4) + '），地点：一号店',
    })
    expect((await staff({ action: 'overview' })).errcode).toBe(1004)
  })

  test('two staff redeeming one coupon at once: the other reads that it was redeemed, by whom and when', async () => {
    const alice = person(stack, 'alice')
    await merchant({ action: 'staffSet', openid: alice.mpOpenid, role: 'staff' })
    const cardId = await createCoupon('GIFT', { gift: '可兑换咖啡一杯' }, { title: '兑换咖啡' })
    const qr = await merchant({
      action: 'qrcodeCreate',
      qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: cardId, outer_str: 'race' } } },
    })
    const code = ((await person(stack, 'bob').emu('/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })).json.cards as Json[])[0]!
      .code as string
    const [a, b] = await Promise.all([
      alice.fn('merchant', { action: 'redeem', code, key: 'race-alice-1' }),
      merchant({ action: 'redeem', code, key: 'race-carol-1' }),
    ])
    const [won, lost] = a.errcode === 0 ? [a, b] : [b, a]
    expect(won).toMatchObject({ errcode: 0, status: 'DONE' })
    // Not "being used by another checkout": what happened, for the page to say 已被核销 (who, when).
    // By whom: the winner's name as the console shows people (issue 28), never an openid.
    const winner = won.by as string
    expect(winner).toMatch(/^(店主|管理员|店员)·[0-9A-F]{4}$/)
    expect(lost).toMatchObject({
      errcode: 1006,
      reason: 'ALREADY_REDEEMED',
      check: { usable: false, redeemed: { by: winner, at: won.at } },
    })
    expect(lost.errmsg).toMatch(/already redeemed/)
    expect(await merchant({ action: 'redeemCheck', code })).toMatchObject({
      check: { usable: false, redeemed: { by: winner, at: won.at } },
    })
  })

  test('a coupon held by an online checkout cannot be redeemed at the counter meanwhile', async () => {
    const cardId = await createCoupon('CASH', { least_cost: 0, reduce_cost: 500 }, { title: '5元代金券' })
    await merchant({ action: 'claimableSet', cardId, claimable: true })
    const c = await claimAndAdd('bob', cardId)
    const started = await person(stack, 'bob').fn('pay', {
      action: 'startCheckout',
      checkoutId: 'CPN-HELD-1',
      coupon: { cardId, code: c.code },
      total: 2000,
    })
    expect(started).toMatchObject({ errcode: 0, discount: 500 })
    const staff = (data: Json) => person(stack, 'alice').fn('merchant', data)
    expect(await staff({ action: 'redeemCheck', code: c.code })).toMatchObject({ check: { usable: false, reason: '正在线上使用中' } })
    expect((await staff({ action: 'redeem', code: c.code, key: 'redeem-held-1' })).errcode).toBe(1006)
    // Released by the cancel, then a double tap at the counter (found by the property test): one redemption, both taps answered.
    await person(stack, 'bob').fn('pay', { action: 'cancelCheckout', checkoutId: 'CPN-HELD-1' })
    const taps = await Promise.all([1, 2, 3].map(() => staff({ action: 'redeem', code: c.code, key: 'redeem-held-2' })))
    expect(taps.map((r) => [r.errcode, r.status])).toEqual([
      [0, 'DONE'],
      [0, 'DONE'],
      [0, 'DONE'],
    ])
    expect(wxStatus(cardId, c.code)).toBe('CONSUMED')
  })

  test('redeemCheck says in words why a coupon is not usable: being given to a friend is 转赠中', async () => {
    const cardId = await createCoupon('CASH', { least_cost: 0, reduce_cost: 500 }, { title: '5元券', can_give_friend: true })
    await merchant({ action: 'claimableSet', cardId, claimable: true })
    const given = await claimAndAdd('bob', cardId)
    const gift = await person(stack, 'bob').emu('/__emu/client/gift', { from: 'bob', to: 'alice', cardId, code: given.code, accept: false })
    expect(gift.status).toBe(200)
    expect(await merchant({ action: 'redeemCheck', code: given.code })).toMatchObject({
      check: { usable: false, status: 'GIFTING', reason: '转赠中' },
    })
  })

  test('a gift card is debited the amount the cashier enters, once per key, never below zero', async () => {
    const bob = person(stack, 'bob')
    const { card } = await bob.buyAndAdd(await bob.shopCardId(10000))
    const staff = (data: Json) => person(stack, 'alice').fn('merchant', data)
    expect(await staff({ action: 'redeemCheck', code: card.code })).toMatchObject({
      check: { type: 'GIFT_CARD', balance: 10000, usable: true },
    })
    expect((await staff({ action: 'redeem', code: card.code, key: 'redeem-gc-noamount' })).errcode).toBe(1001)
    expect(await staff({ action: 'redeem', code: card.code, amount: 3000, key: 'redeem-gc-1' })).toMatchObject({
      errcode: 0,
      balance: 7000,
    })
    expect(await staff({ action: 'redeem', code: card.code, amount: 3000, key: 'redeem-gc-1' })).toMatchObject({
      errcode: 0,
      balance: 7000,
    })
    expect((await staff({ action: 'redeem', code: card.code, amount: 2000, key: 'redeem-gc-1' })).errcode).toBe(1006)
    expect((await staff({ action: 'redeem', code: card.code, amount: 8000, key: 'redeem-gc-2' })).errcode).toBe(1006)
    await settle(stack)
    expect((await bob.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card.balance).toBe(7000)
    expect(stack.wechat.platform.code(card.cardId as string, card.code as string)?.balance).toBe(7000)
  })

  test('an unknown code is NOT_FOUND', async () => {
    expect((await person(stack, 'alice').fn('merchant', { action: 'redeemCheck', code: '999999999999' })).errcode).toBe(1005)
  })
})

describe('friend coupons and the data cube', () => {
  /** friend-coupons.zh.txt's shape: share_friends, no sku, a store, pictures with text, can_share false. */
  function friendCoupon(): Json {
    const now = Math.floor(Date.now() / 1000)
    return {
      card_type: 'CASH',
      cash: {
        reduce_cost: 1000,
        base_info: {
          logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
          brand_name: '微信餐厅',
          code_type: 'CODE_TYPE_QRCODE',
          color: 'Color010',
          description: '全场通用',
          date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 60, end_timestamp: now + 30 * 86400 },
          location_id_list: [272981040],
          can_share: false,
          can_give_friend: false,
        },
        advanced_info: {
          share_friends: true,
          consume_share_self_num: 1,
          text_image_list: [{ image_url: 'https://mmbiz.qpic.cn/mmbiz/p/0', text: '招牌菜' }],
        },
      },
    }
  }

  test('bought with coins (priced once, confirmed once), marked and consumed online, consumed offline with the code alone; the cube counts the day', async () => {
    const created = await merchant({ action: 'cardCreate', card: friendCoupon() })
    expect(created).toMatchObject({ errcode: 0 })
    const cardId = created.cardId as string
    expect(await merchant({ action: 'coinsActivate' })).toMatchObject({ errcode: 0, reward: 200 })
    const price = await merchant({ action: 'coinsPrice', cardId, quantity: 10 })
    expect(price).toMatchObject({ errcode: 0, price: '2' })
    const confirm = { action: 'coinsConfirm', cardId, orderId: price.orderId, quantity: 10 }
    const [a, b] = await Promise.all([merchant(confirm), merchant(confirm)])
    // A double tap: both answer the one confirmation; the stock is added once and the coins charged once.
    expect([a, b]).toEqual([
      expect.objectContaining({ errcode: 0, status: 'CONFIRMED' }),
      expect.objectContaining({ errcode: 0, status: 'CONFIRMED' }),
    ])
    expect(await merchant(confirm)).toMatchObject({ errcode: 0, status: 'CONFIRMED' })
    expect(stack.wechat.platform.s.cards[cardId]!.quantity).toBe(10)
    expect(await merchant({ action: 'coins' })).toMatchObject({ errcode: 0, totalCoin: 198 })
    expect((await merchant({ action: 'coinsConfirm', cardId, orderId: price.orderId, quantity: 11 })).errcode).toBe(1006)
    expect((await merchant({ action: 'claimableSet', cardId, claimable: true })).errcode).toBe(1001)
    const recharge = await merchant({ action: 'coinsRecharge', coinCount: 50 })
    expect(recharge.qrcodeUrl).toMatch(/^weixin:\/\/wxpay\//)
    expect((await merchant({ action: 'coinsOrder', orderId: recharge.orderId })).order).toMatchObject({ status: 'ORDER_STATUS_WAITING' })
    // The list ends the second before it is read unless `until` says otherwise (WeChat's times are seconds).
    expect(((await merchant({ action: 'coinsOrders', until: Date.now() + 2000 })).orders as Json[]).length).toBeGreaterThan(0)

    // bob scans the coupon's QR code in the shop; it shows in his cards as a friend coupon named by WeChat.
    const qr = await merchant({ action: 'qrcodeCreate', qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } } })
    const bob = person(stack, 'bob')
    for (let i = 0; i < 2; i++) expect((await bob.emu('/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })).status).toBe(200)
    await settle(stack)
    const mine = ((await bob.fn('card', { action: 'listMine' })).cards as Json[]).filter((c) => c.cardId === cardId)
    expect(mine).toHaveLength(2)
    expect(mine[0]).toMatchObject({ type: 'CASH', title: '10元代金券', terms: { reduceCost: 1000, friend: true } })
    // Online: marked for bob's Service Account openid, then consumed with it after payment.
    const started = await bob.fn('pay', {
      action: 'startCheckout',
      checkoutId: 'FRIEND-1',
      coupon: { cardId, code: mine[0]!.code },
      total: 5000,
    })
    expect(started).toMatchObject({ errcode: 0, discount: 1000, rest: 4000 })
    const code = stack.wechat.platform.code(cardId, mine[0]!.code as string)!
    expect(code.mark?.openid).toBe(bob.saOpenid)
    await pay('bob', started.payment)
    await settle(stack)
    expect(stack.wechat.platform.code(cardId, mine[0]!.code as string)).toMatchObject({ status: 'CONSUMED', consumedBy: bob.saOpenid })
    // Offline: the counter consumes the other with the code alone.
    expect(await merchant({ action: 'redeem', code: mine[1]!.code, key: 'friend-offline-1' })).toMatchObject({ errcode: 0, status: 'DONE' })
    expect(wxStatus(cardId, mine[1]!.code as string)).toBe('CONSUMED')

    // The dashboard's figures come from the data cube: today's claims and redemptions of this card.
    const stats = await merchant({ action: 'cardStats', cardId })
    const today = (stats.cards as Json[]).find((c) => c.cardId === cardId)
    expect(today).toMatchObject({ claims: 2, redemptions: 2 })
    expect(((stats.days as Json[]).at(-1) as Json).claims).toBeGreaterThanOrEqual(2)
    expect((await merchant({ action: 'cardStats', beginDate: '2026-01-01', endDate: '2026-03-31' })).errcode).toBe(1001)
    expect((await merchant({ action: 'cardStats', beginDate: '2026/01/01', endDate: '2026-01-02' })).errcode).toBe(1001)
  })
})
