// A gift's 24 hours, on a fake clock: claimable up to the last millisecond, returned at it (lazily by
// whoever looks, or by the cron's sweep), and a claim racing the return ends in exactly one state. The
// store is the production adapter over an in-memory local cloud database; the signing ticket of a
// successful claim comes from the WeChat emulator. No sleeps: the clock is moved by hand.
import { Collections } from '../../server/store/collections'
import type { CloudStore } from '../../server/store/cloud-store'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { pendingOf } from '../../server/domain/giftcards/card-bag'
import {
  claimGift,
  getGift,
  listReceived,
  listSent,
  returnExpiredGifts,
  returnExpiredGiftsOf,
  sendGift,
  giftExpiryMs,
} from '../../server/domain/giftcards/gifts'
import { entitlementId, onPaymentNotice, type EntitlementDoc, type OrderDoc } from '../../server/domain/giftcards/orders'
import { fakeClock } from '../helpers/clock'
import { startEmu, startReceiver, type Receiver } from '../helpers/emulator'
import { memoryStore } from '../helpers/store'
import { budgetOf } from '../../server/store/sweep'

/** The cron's gift task, on the test's clock: what it returned. */
const sweepGifts = async () => ({
  returned: (
    await returnExpiredGifts(
      store,
      budgetOf(60_000, () => clock.now()),
    )
  ).returned,
})

const DAY = 24 * 3600 * 1000
const clock = fakeClock()
let store: CloudStore
let wx: WechatClient
let emu: Awaited<ReturnType<typeof startEmu>>
let rx: Receiver

beforeAll(async () => {
  store = await memoryStore()
  rx = await startReceiver()
  emu = await startEmu(rx)
  wx = createWechatClient({ store, appid: emu.platform.o.saAppid, secret: emu.platform.o.saSecret, apiBase: emu.url })
  // The gift function's own variables: a friend's alias is keyed by the AppSecret (cards/people.ts).
  Object.assign(process.env, { WX_SA_APPID: emu.platform.o.saAppid, WX_SA_SECRET: emu.platform.o.saSecret })
})
const envBefore = { WX_SA_APPID: process.env.WX_SA_APPID, WX_SA_SECRET: process.env.WX_SA_SECRET }
afterAll(async () => {
  for (const [k, v] of Object.entries(envBefore))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  await emu.stop()
  await rx.close()
})

let seq = 0
/** A paid order of `quantity` ¥100 cards for alice, its entitlements issued by the payment notice. */
async function paidOrder(quantity = 1): Promise<string> {
  const _id = `GC${String(++seq).padStart(30, '0')}`
  await store.insert<OrderDoc>(Collections.orders, {
    _id,
    kind: 'mp',
    mpOpenid: 'alice',
    cardId: 'pCard100',
    title: '¥100 礼品卡',
    unitPrice: 10000,
    unitValue: 10000,
    quantity,
    totalFee: 10000 * quantity,
    status: 'CREATED',
    createdAt: clock.now(),
  })
  await onPaymentNotice(store, { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: _id, totalFee: 10000 * quantity })
  return _id
}

const entitlement = async (orderId: string, n = 0) =>
  (await store.get<EntitlementDoc>(Collections.entitlements, entitlementId(orderId, n)))!

test('a gift waits 24 hours (GIFT_EXPIRY_S unset) and a retried send within them answers the same gift', async () => {
  expect(giftExpiryMs({})).toBe(DAY)
  const orderId = await paidOrder()
  const { gift } = await sendGift(store, 'alice', { orderId })
  expect(gift).toMatchObject({ status: 'PENDING', createdAt: clock.now(), expiresAt: clock.now() + DAY, mine: true })
  clock.advance(DAY - 1)
  expect((await sendGift(store, 'alice', { orderId })).gift.giftId).toBe(gift.giftId)
  expect((await getGift(store, 'bob', gift.giftId)).gift.status).toBe('PENDING')
})

test('at the last millisecond the friend may still claim; the card becomes theirs, not the giver’s', async () => {
  const orderId = await paidOrder()
  const { gift } = await sendGift(store, 'alice', { orderId })
  clock.advance(DAY - 1)
  const claimed = await claimGift(store, wx, 'bob', gift.giftId)
  expect(claimed.cardList).toEqual([{ cardId: 'pCard100', cardExt: expect.stringContaining('"signature"') }])
  clock.advance(1)
  expect((await getGift(store, 'bob', gift.giftId)).gift).toMatchObject({
    status: 'CLAIMED',
    claimedByMe: true,
    claimedAt: clock.now() - 1,
  })
  expect(await returnExpiredGiftsOf(store, 'alice')).toEqual({ returned: 1 }) // the first test's gift, not this one
  expect((await entitlement(orderId)).mpOpenid).toBe('bob')
  expect((await listReceived(store, 'bob')).gifts.map((g) => g.giftId)).toContain(gift.giftId)
})

test('at 24 hours the gift returns: RETURNED for the giver, refused for the friend, and the card is the giver’s to add', async () => {
  const orderId = await paidOrder()
  const { gift } = await sendGift(store, 'alice', { orderId })
  expect(await pendingOf(store, 'alice')).not.toContainEqual(expect.objectContaining({ orderId }))
  clock.advance(DAY)
  const sent = (await listSent(store, 'alice')).gifts.find((g) => g.giftId === gift.giftId)
  expect(sent).toMatchObject({ status: 'RETURNED', returnedAt: clock.now() })
  await expect(claimGift(store, wx, 'bob', gift.giftId)).rejects.toMatchObject({ errcode: 1006, extra: { reason: 'GIFT_RETURNED' } })
  expect(await entitlement(orderId)).toMatchObject({ status: 'READY', mpOpenid: 'alice', giftId: '' })
  expect(await pendingOf(store, 'alice')).toContainEqual(expect.objectContaining({ orderId, count: 1, price: 10000 }))
  // Given again, it is a new gift with a new day; the returned one stays returned.
  const again = await sendGift(store, 'alice', { orderId })
  expect(again.gift.giftId).not.toBe(gift.giftId)
  expect(again.gift.expiresAt).toBe(clock.now() + DAY)
  expect((await getGift(store, 'alice', gift.giftId)).gift.status).toBe('RETURNED')
})

test('the cron’s sweep returns only overdue gifts, each once; a claim racing the return ends in exactly one state', async () => {
  clock.advance(DAY)
  await sweepGifts() // what the earlier tests left
  const orderId = await paidOrder(2)
  const first = (await sendGift(store, 'alice', { orderId })).gift
  clock.advance(3600_000)
  const second = (await sendGift(store, 'alice', { orderId })).gift
  clock.advance(DAY - 3600_000)
  expect(await sweepGifts()).toEqual({ returned: 1 })
  expect(await sweepGifts()).toEqual({ returned: 0 })
  expect((await getGift(store, 'bob', second.giftId)).gift.status).toBe('PENDING')
  clock.advance(3600_000)
  const [claim, run] = await Promise.allSettled([claimGift(store, wx, 'bob', second.giftId), sweepGifts()])
  expect(claim).toMatchObject({ status: 'rejected', reason: { errcode: 1006, extra: { reason: 'GIFT_RETURNED' } } })
  // Whichever of the two returned it (the claim looks first, the sweep may), it was returned once.
  expect(run.status).toBe('fulfilled')
  expect(await sweepGifts()).toEqual({ returned: 0 })
  expect(await entitlement(orderId, 1)).toMatchObject({ mpOpenid: 'alice', giftId: '' })
  for (const g of [first, second]) expect((await getGift(store, 'alice', g.giftId)).gift.status).toBe('RETURNED')
  expect((await listReceived(store, 'bob')).gifts.map((g) => g.giftId)).not.toContain(second.giftId)
  expect(await pendingOf(store, 'alice')).toContainEqual(expect.objectContaining({ orderId, count: 2 }))
})
