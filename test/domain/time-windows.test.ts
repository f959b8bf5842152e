// The money rules' time windows at their edges, on a fake clock against the in-memory store: a checkout
// can be paid until its expiry and is cancelled by the sweep only after it; a crashed spend's lease holds
// until its last millisecond and is taken the next; the one-call spend moves money for an orderId only
// while it is young enough, and answers an older one from its record. No sleeps: the clock is moved by hand.
import type { OrderDoc } from '../../server/domain/cards/order-types'
import type { UserCardDoc } from '../../server/domain/cards/user-cards'
import type { LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
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

test('the one-call spend moves money for an orderId up to an hour old and 10 minutes ahead; older ones are answered from their record, never spent again', async () => {
  const spend = (cardId: string, orderId: string, orderedAt: number, amount = 100) =>
    oneCallSpend(store, wx, 'alice', { cardId, code: '001', amount, orderId, orderedAt }, {}, false)
  const now = clock.now()
  await expect(spend('pNone', 'AHEAD', now + ORDER_SKEW_MS + 1)).rejects.toMatchObject({
    errcode: 1001,
    message: expect.stringMatching(/^orderedAt /),
  })
  // At both edges the orderId may move money; the spend then fails on the card, which does not exist.
  for (const orderedAt of [now - ORDER_AGE_MS, now + ORDER_SKEW_MS])
    await expect(spend('pNone', `EDGE-${orderedAt}`, orderedAt)).rejects.toMatchObject({ errcode: 1005 })
  // Older: nothing is debited. One never spent is 1001; one spent (its key gone, its entry kept) gets its first answer.
  await store.insert<UserCardDoc>(Collections.userCards, {
    _id: 'pAge:001',
    cardId: 'pAge',
    code: '001',
    mpOpenid: 'alice',
    status: 'NORMAL',
    balance: 900,
    version: 2,
  } as UserCardDoc)
  const old = now - ORDER_AGE_MS - 1
  await expect(spend('pAge', 'OLD-NEVER', old)).rejects.toMatchObject({
    errcode: 1001,
    message: expect.stringMatching(/^orderedAt .*never spent/),
  })
  await store.insert<LedgerEntryDoc>(Collections.ledger, {
    _id: 'spend:OLD-SPENT',
    card: 'pAge:001',
    kind: 'spend',
    amount: -100,
    balanceAfter: 900,
    version: 2,
    createdAt: old,
    orderId: 'OLD-SPENT',
  })
  await expect(spend('pAge', 'OLD-SPENT', old)).resolves.toEqual({ balance: 900, entryId: 'spend:OLD-SPENT' })
  await expect(spend('pAge', 'OLD-SPENT', old, 200)).rejects.toMatchObject({ errcode: 1006 })
  expect(await store.get<UserCardDoc>(Collections.userCards, 'pAge:001')).toMatchObject({ balance: 900, version: 2 })
})
