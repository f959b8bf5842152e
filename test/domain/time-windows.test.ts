// The money rules' time windows at their edges, on a fake clock against the in-memory store: a checkout
// can be paid until its expiry and is cancelled by the sweep only after it; a crashed spend's lease holds
// until its last millisecond and is taken the next; the one-call spend takes an orderId only while it is
// young enough. No sleeps: the clock is moved by hand.
import type { OrderDoc } from '../../server/domain/cards/order-types'
import { checkoutExpiryMs, checkoutStatus, expireCheckouts } from '../../server/domain/money/checkout'
import { ORDER_AGE_MS, ORDER_SKEW_MS, oneCallSpend } from '../../server/domain/money/spend-keys'
import { Collections } from '../../server/store/collections'
import type { CloudStore } from '../../server/store/cloud-store'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { fakeClock } from '../helpers/clock'
import { memoryStore } from '../helpers/store'

const MINUTE = 60_000
const clock = fakeClock()
let store: CloudStore
// These rules decide before any WeChat call; a client that reaches nothing proves none is made.
let wx: WechatClient

beforeAll(async () => {
  store = await memoryStore()
  wx = createWechatClient({ store, appid: 'wx0000000000000000', secret: 'unused', apiBase: 'http://127.0.0.1:9' })
})

/** A checkout waiting for its WeChat Pay leg (no gift-card leg, no coupon), created now. */
async function openCheckout(id: string): Promise<OrderDoc> {
  const order: OrderDoc = {
    _id: `CO${id}`,
    kind: 'checkout',
    mpOpenid: 'alice',
    cardId: 'pCard',
    quantity: 1,
    totalFee: 2000,
    status: 'CREATED',
    payment: { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'MD5', paySign: 's' },
    createdAt: clock.now(),
    expiresAt: clock.now() + checkoutExpiryMs(),
  }
  await store.insert<OrderDoc>(Collections.orders, order)
  return order
}

test('a checkout waits 15 minutes (CHECKOUT_EXPIRY_S unset): its payment is presented again until the expiry, not at it', async () => {
  expect(checkoutExpiryMs({})).toBe(15 * MINUTE)
  const order = await openCheckout('WIN1')
  clock.advance(15 * MINUTE - 1)
  expect(await checkoutStatus(store, 'alice', 'WIN1')).toMatchObject({
    status: 'CREATED',
    expiresAt: order.expiresAt,
    payment: order.payment,
  })
  clock.advance(1)
  const atExpiry = await checkoutStatus(store, 'alice', 'WIN1')
  expect(atExpiry.status).toBe('CREATED')
  expect(atExpiry).not.toHaveProperty('payment')
})

test('the sweep cancels a checkout only once it is past its expiry, and only once', async () => {
  clock.advance(1)
  await expireCheckouts(store, wx) // the earlier test's checkout, now past its expiry
  const order = await openCheckout('WIN2')
  clock.advance(order.expiresAt! - clock.now())
  expect(await expireCheckouts(store, wx)).toEqual({ cancelled: 0 })
  clock.advance(1)
  expect(await expireCheckouts(store, wx)).toEqual({ cancelled: 1 })
  expect(await expireCheckouts(store, wx)).toEqual({ cancelled: 0 })
  expect((await store.get<OrderDoc>(Collections.orders, order._id))!.status).toBe('CANCELLED')
  expect(await checkoutStatus(store, 'alice', 'WIN2')).toMatchObject({ status: 'CANCELLED', held: 0 })
})

test('the one-call spend takes an orderId from 12 hours old to 10 minutes ahead, and refuses it outside (1001 on orderedAt)', async () => {
  const spend = (orderedAt: number) =>
    oneCallSpend(store, wx, 'alice', { cardId: 'pNone', code: '000', amount: 100, orderId: `AGE-${orderedAt}`, orderedAt }, {}, false)
  const now = clock.now()
  for (const orderedAt of [now - ORDER_AGE_MS - 1, now + ORDER_SKEW_MS + 1])
    await expect(spend(orderedAt)).rejects.toMatchObject({ errcode: 1001, message: expect.stringMatching(/^orderedAt /) })
  // At both edges the orderId is taken; the spend then fails on the card, which does not exist.
  for (const orderedAt of [now - ORDER_AGE_MS, now + ORDER_SKEW_MS]) await expect(spend(orderedAt)).rejects.toMatchObject({ errcode: 1005 })
})
