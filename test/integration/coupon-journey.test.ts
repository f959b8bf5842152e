// The journey of issue #14 on one local stack, as people go through it: carol (the merchant) creates a
// CASH coupon (满 100 减 10) and a friend coupon whose stock she buys with coins; alice claims the coupon
// in the Mini Program and uses it at checkout on a ¥120 order, paying ¥110; bob's coupon is redeemed at
// the counter by a staff member; a friend coupon is marked and consumed online; the dashboard shows the
// day's claims and redemptions from the data cube.
import type { Stack } from '../../emulator/stack'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

const BASE = {
  logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
  brand_name: '示例咖啡',
  code_type: 'CODE_TYPE_QRCODE',
  color: 'Color010',
  description: '不可与其他优惠同享',
}

test('carol’s coupons: claimed, used at checkout, redeemed at the counter, a friend coupon used online; the cube counts it all', async () => {
  const carol = person(stack, 'carol')
  const alice = person(stack, 'alice')
  const bob = person(stack, 'bob')
  const merchant = (data: Json) => carol.fn('merchant', data)
  const now = Math.floor(Date.now() / 1000)

  // carol creates 满 100 减 10 and offers it in the Mini Program.
  const cash = await merchant({
    action: 'cardCreate',
    card: {
      card_type: 'CASH',
      cash: {
        least_cost: 10000,
        reduce_cost: 1000,
        base_info: {
          ...BASE,
          title: '满100减10',
          notice: '结账时使用',
          date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
          sku: { quantity: 1000 },
        },
      },
    },
  })
  expect(cash.errcode).toBe(0)
  expect((await merchant({ action: 'claimableSet', cardId: cash.cardId, claimable: true, channel: 'mp_home' })).errcode).toBe(0)

  // …and a friend coupon whose stock she buys with coins.
  const friend = await merchant({
    action: 'cardCreate',
    card: {
      card_type: 'CASH',
      cash: {
        reduce_cost: 500,
        base_info: {
          ...BASE,
          date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 60, end_timestamp: now + 60 * 86400 },
          location_id_list: [1001],
          can_share: false,
          can_give_friend: false,
        },
        advanced_info: { share_friends: true, text_image_list: [{ image_url: 'https://mmbiz.qpic.cn/mmbiz/p/0', text: '招牌拿铁' }] },
      },
    },
  })
  expect(friend.errcode).toBe(0)
  await merchant({ action: 'coinsActivate' })
  const quote = await merchant({ action: 'coinsPrice', cardId: friend.cardId, quantity: 5 })
  expect(quote).toMatchObject({ errcode: 0, price: '1' })
  expect(await merchant({ action: 'coinsConfirm', cardId: friend.cardId, orderId: quote.orderId, quantity: 5 })).toMatchObject({
    errcode: 0,
    status: 'CONFIRMED',
  })

  // alice claims the coupon in the Mini Program and pays ¥110 for a ¥120 order.
  const offered = ((await alice.fn('card', { action: 'claimables' })).items as Json[]).find((i) => i.cardId === cash.cardId)
  expect(offered).toMatchObject({ type: 'CASH', terms: { leastCost: 10000, reduceCost: 1000 } })
  const claimed = await alice.fn('card', { action: 'claim', cardId: cash.cardId, requestId: 'alice-claim-0001' })
  const added = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: claimed.cardList })
  const recorded = await alice.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  const coupon = recorded.cards[0] as Json
  expect(coupon).toMatchObject({ type: 'CASH', status: 'NORMAL' })
  const started = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId: 'JOURNEY-120',
    coupon: { cardId: coupon.cardId, code: coupon.code },
    total: 12000,
  })
  expect(started).toMatchObject({ errcode: 0, discount: 1000, rest: 11000 })
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })).json.callbackAcknowledged).toBe(
    true,
  )
  await settle(stack)
  expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order).toMatchObject({
    status: 'PAID',
    totalFee: 11000,
    discount: 1000,
  })
  expect(stack.wechat.platform.code(coupon.cardId as string, coupon.code as string)?.status).toBe('CONSUMED')
  expect(((await alice.fn('card', { action: 'listMine' })).cards as Json[]).find((c) => c.code === coupon.code)).toMatchObject({
    status: 'CONSUMED',
  })

  // bob claims one too, and a staff member (alice, granted by carol) redeems it at the counter.
  const bobClaim = await bob.fn('card', { action: 'claim', cardId: cash.cardId, requestId: 'bob-claim-00001' })
  const bobAdded = await bob.emu('/__emu/client/addCard', { user: 'bob', cardList: bobClaim.cardList })
  const bobCoupon = (await bob.fn('card', { action: 'recordAdded', cardList: bobAdded.json.cardList })).cards[0] as Json
  await merchant({ action: 'staffSet', openid: alice.mpOpenid, role: 'staff' })
  expect(await alice.fn('merchant', { action: 'redeemCheck', code: bobCoupon.code })).toMatchObject({
    check: { usable: true, type: 'CASH' },
  })
  expect(await alice.fn('merchant', { action: 'redeem', code: bobCoupon.code, key: 'counter-bob-0001', location: '一号店' })).toMatchObject(
    { errcode: 0, status: 'DONE' },
  )
  expect(stack.wechat.platform.code(cash.cardId as string, bobCoupon.code as string)?.status).toBe('CONSUMED')

  // bob scans the friend coupon's QR code in the shop and uses it online: marked for him, consumed with his openid.
  const qr = await merchant({
    action: 'qrcodeCreate',
    qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: friend.cardId } } },
  })
  await bob.emu('/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })
  await settle(stack)
  const friendCoupon = ((await bob.fn('card', { action: 'listMine' })).cards as Json[]).find((c) => c.cardId === friend.cardId)!
  expect(friendCoupon).toMatchObject({ title: '5元代金券', terms: { friend: true, reduceCost: 500 } })
  const online = await bob.fn('pay', {
    action: 'startCheckout',
    checkoutId: 'JOURNEY-FRIEND',
    coupon: { cardId: friend.cardId, code: friendCoupon.code },
    total: 3000,
  })
  expect(online).toMatchObject({ errcode: 0, discount: 500, rest: 2500 })
  await bob.emu('/__emu/client/requestPayment', { user: 'bob', payment: online.payment })
  await settle(stack)
  expect(stack.wechat.platform.code(friend.cardId as string, friendCoupon.code as string)).toMatchObject({
    status: 'CONSUMED',
    consumedBy: bob.saOpenid,
  })

  // The dashboard: today's claims and redemptions, from the data cube.
  const stats = await merchant({ action: 'cardStats' })
  expect(stats.errcode).toBe(0)
  const byCard = (id: string) => (stats.cards as Json[]).filter((c) => c.cardId === id)
  expect(byCard(cash.cardId as string)).toEqual([expect.objectContaining({ claims: 2, redemptions: 2 })])
  expect(byCard(friend.cardId as string)).toEqual([expect.objectContaining({ claims: 1, redemptions: 1 })])
  const today = (stats.days as Json[]).at(-1)!
  expect(today.date).toBe(stats.endDate)
  expect(today.claims).toBeGreaterThanOrEqual(3)
  expect(today.redemptions).toBeGreaterThanOrEqual(3)
})
