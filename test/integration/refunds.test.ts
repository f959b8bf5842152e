// Issue 23: refunds as WeChat Pay reports them, on the whole local stack. A refund is REFUNDING until
// Cloud Pay's queryRefund (the cron) or its refund callback says SUCCESS; one WeChat Pay fails is
// REFUND_FAILED, shown with its reason, and retried under the same refund number; member recharges
// are refunded the same way. Time passes through the emulator's clock, failures through its faults.
import type { Stack } from '../../emulator/stack'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/cloud'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string
const carol = (data: Json) => person(stack, 'carol').fn('merchant', data)
const cron = async () => (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
const emu = async (path: string, body?: unknown) => {
  const res = await fetch(`${stack.wechat.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Json }
}
const payment = async (outTradeNo: string) =>
  ((await emu('/__emu/payments')).json.payments as Json[]).find((p) => p.outTradeNo === outTradeNo)!
const row = async (orderId: string) => (await carol({ action: 'orderDetail', orderId })).order as Json

/** The emulated clock moves on; refunds due settle on the emulator's tick. */
async function advance(seconds: number) {
  await emu('/__emu/clock', { advanceSeconds: seconds })
}

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_PUSH_RETRY_MS: '20' })
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

test('a delayed refund is REFUNDING, its card already unusable, until the cron reads SUCCESS: then REFUNDED, and calling again changes nothing', async () => {
  const { orderId, card } = await person(stack, 'alice').buyAndAdd(card100)
  // WeChat Pay takes 10 minutes, and its result callback is lost: only the cron's queryRefund can tell.
  expect((await emu('/__emu/faults', { path: 'cloudPay.refund', settleAfterS: 600, notify: false })).status).toBe(200)
  const asked = await carol({ action: 'orderRefund', orderId, reason: '顾客申请' })
  expect(asked).toMatchObject({ errcode: 0, status: 'REFUNDING', refundFee: 10000, refundNo: `RF${orderId}`, channel: 'mp' })
  expect(await row(orderId)).toMatchObject({ state: 'REFUNDING', refundStatus: 'REFUNDING', refundFee: 10000 })
  expect(await payment(orderId)).toMatchObject({ refunded: 0, refunds: { [`RF${orderId}`]: { refundFee: 10000, status: 'PROCESSING' } } })
  // The card side moved at the request: the card is worth nothing and unusable.
  const detail = await person(stack, 'alice').fn('card', { action: 'detail', cardId: card.cardId, code: card.code })
  expect(detail.card).toMatchObject({ status: 'UNAVAILABLE', balance: 0 })
  // …and so does WeChat's card bag: no refunded ¥100 left showing on the unusable card.
  const bag = (await (await fetch(`${stack.wechat.url}/__emu/bag/alice`)).json()) as { cards: Json[] }
  expect(bag.cards.find((c) => c.code === card.code)).toMatchObject({ status: 'UNAVAILABLE', balance: 0 })
  // Repeated while WeChat Pay is still processing: the same refund, nothing sent twice.
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDING', refundFee: 10000 })
  expect((await cron()).tasks.refunds).toMatchObject({ ok: true, refunded: 0 })
  expect(await row(orderId)).toMatchObject({ refundStatus: 'REFUNDING' })
  await advance(601)
  expect((await cron()).tasks.refunds).toMatchObject({ ok: true, refunded: 1 })
  expect(await row(orderId)).toMatchObject({ state: 'REFUNDED', refundStatus: 'REFUNDED', refundFee: 10000 })
  expect(await payment(orderId)).toMatchObject({ refunded: 10000 })
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({
    errcode: 0,
    status: 'REFUNDED',
    refundFee: 10000,
    refundNo: `RF${orderId}`,
  })
  expect(await payment(orderId)).toMatchObject({ refunded: 10000, refunds: { [`RF${orderId}`]: { refundFee: 10000, status: 'SUCCESS' } } })
})

test('the refund callback alone moves a delayed refund to REFUNDED, no cron needed', async () => {
  const { orderId } = await person(stack, 'bob').buyAndAdd(card100)
  await emu('/__emu/faults', { path: 'cloudPay.refund', settleAfterS: 60 })
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDING' })
  await advance(61)
  // Cloud Pay delivers the result to `pay` (the refund's functionName), which asks WeChat Pay and records it.
  const until = Date.now() + 5000
  while ((await row(orderId)).refundStatus !== 'REFUNDED' && Date.now() < until) await settle(stack)
  expect(await row(orderId)).toMatchObject({ refundStatus: 'REFUNDED' })
})

test('a refund WeChat Pay fails is REFUND_FAILED with its reason; the retry uses the same refund number and fee and ends REFUNDED', async () => {
  const alice = person(stack, 'alice')
  const { orderId, card } = await alice.buyAndAdd(card100)
  await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 4000,
    orderId: `RFD-${card.code}`,
  })
  // The refund dialog's figure, before: the ¥60 left on the card, at its price.
  expect((await carol({ action: 'orderDetail', orderId })).refundPreview).toBe(6000)
  expect((await emu('/__emu/faults', { path: 'cloudPay.refund', refundStatus: 'REFUNDCLOSE' })).status).toBe(200)
  const failed = await carol({ action: 'orderRefund', orderId })
  expect(failed).toMatchObject({ errcode: 1502, reason: 'REFUND_FAILED', refundStatus: 'REFUND_FAILED', refundError: 'REFUNDCLOSE' })
  expect((await carol({ action: 'orderDetail', orderId })).refundPreview).toBeUndefined()
  expect(await row(orderId)).toMatchObject({
    state: 'REFUND_FAILED',
    refundStatus: 'REFUND_FAILED',
    refundError: 'REFUNDCLOSE',
    refundFee: 6000,
  })
  expect(await payment(orderId)).toMatchObject({ refunded: 0, refunds: { [`RF${orderId}`]: { refundFee: 6000, status: 'REFUNDCLOSE' } } })
  // The cron leaves a failed refund to the merchant.
  expect((await cron()).tasks.refunds).toMatchObject({ ok: true })
  expect(await row(orderId)).toMatchObject({ refundStatus: 'REFUND_FAILED' })
  const retried = await carol({ action: 'orderRefund', orderId })
  expect(retried).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 6000, refundNo: `RF${orderId}` })
  expect(await row(orderId)).toMatchObject({ refundStatus: 'REFUNDED' })
  expect((await row(orderId)).refundError).toBeUndefined()
  // One refund number, paid out once.
  expect(await payment(orderId)).toMatchObject({ refunded: 6000, refunds: { [`RF${orderId}`]: { refundFee: 6000, status: 'SUCCESS' } } })
  // The ledger moved once: issue, spend, one refund entry.
  const entries = (await alice.fn('card', { action: 'history', cardId: card.cardId, code: card.code })).entries as Json[]
  expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([-6000])
})

// Found by the 200-run soak (seed 1453600931): value that reaches a card after its order was refunded is
// paid back by the cron (refundStrandedValue), which asks WeChat Pay about its refund number before sending
// it. Through the real SDK a query for a number WeChat Pay has never seen comes back result_code FAIL with
// errCode 0 (the SDK's own, over WeChat Pay's REFUNDNOTEXIST), which was taken for an error: the refund was
// never sent and the card stayed refundPending for good.
test('value credited back to a refunded order’s card (a checkout cancelled after the refund) is paid back by the cron, once', async () => {
  const alice = person(stack, 'alice')
  const { orderId, card } = await alice.buyAndAdd(card100)
  await settle(stack)
  // A ¥100.01 checkout: the whole card as its leg (held), one fen by WeChat Pay, not paid yet.
  const checkoutId = `STRANDED-${Date.now().toString(36)}`
  const started = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 10001 })
  expect(started).toMatchObject({ errcode: 0, balance: 0, rest: 1 })
  // The merchant refunds the order meanwhile: nothing is left on the card, so nothing is paid back yet.
  expect(await carol({ action: 'orderRefund', orderId, reason: '顾客申请' })).toMatchObject({
    errcode: 0,
    status: 'REFUNDED',
    refundFee: 0,
  })
  // alice cancels the checkout: its leg comes back to the card, which the refund made unusable.
  expect(await alice.fn('pay', { action: 'cancelCheckout', checkoutId })).toMatchObject({ errcode: 0 })
  const id = `${card.cardId}:${card.code}`
  const doc = async () => (await stack.cloud.db.collection('user_cards').doc(id).get()).data as Json
  expect(await doc()).toMatchObject({ status: 'UNAVAILABLE', balance: 10000 })

  expect((await cron()).tasks.strandedValue).toEqual({ ok: true, refunded: 1 })
  expect(await doc()).toMatchObject({ status: 'UNAVAILABLE', balance: 0, refundPending: false })
  const refunds = Object.values(((await payment(orderId)).refunds ?? {}) as Record<string, Json>)
  expect(refunds.map((r) => [r.refundFee, r.status])).toEqual([[10000, 'SUCCESS']])
  // Again: nothing more to pay back, nothing sent twice.
  expect((await cron()).tasks.strandedValue).toEqual({ ok: true, refunded: 0 })
  expect(Object.keys((await payment(orderId)).refunds ?? {})).toHaveLength(1)
})

test('a member recharge is refunded the same way: the stored value debited once, REFUNDING, then REFUNDED', async () => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json
  const cardId = (await carol({ action: 'memberCardCreate', ...fixture })).cardId as string
  const bob = person(stack, 'bob')
  const joined = await bob.fn('member', { action: 'join', cardId })
  const added = await bob.emu('/__emu/client/addCard', { user: 'bob', cardList: joined.cardList })
  const code = (await bob.fn('card', { action: 'recordAdded', cardList: added.json.cardList })).cards[0].code as string
  expect(
    (await bob.fn('member', { action: 'activate', cardId, code, phone: '13900139000', name: '王博', birthday: '1991-02-03' })).errcode,
  ).toBe(0)
  const r = await bob.fn('member', { action: 'recharge', cardId, code, amount: 5000, requestId: nextRequestId() })
  await bob.emu('/__emu/client/requestPayment', { user: 'bob', payment: r.payment })
  await bob.fn('card', { action: 'spend', orderedAt: Date.now(), cardId, code, amount: 1000, orderId: `MRS-${code}` })
  await emu('/__emu/faults', { path: 'cloudPay.refund', settleAfterS: 300, notify: false })
  const asked = await carol({ action: 'orderRefund', orderId: r.orderId, reason: '会员退储值' })
  // What is left of the recharge goes back: ¥50 recharged, ¥10 spent.
  expect(asked).toMatchObject({ errcode: 0, status: 'REFUNDING', refundFee: 4000, refundNo: `RF${r.orderId}`, channel: 'recharge' })
  expect((await bob.fn('member', { action: 'mine' })).members.find((m: Json) => m.code === code)).toMatchObject({ balance: 0 })
  expect(await carol({ action: 'orderRefund', orderId: r.orderId })).toMatchObject({ errcode: 0, status: 'REFUNDING', refundFee: 4000 })
  await advance(301)
  expect((await cron()).tasks.refunds).toMatchObject({ ok: true, refunded: 1 })
  expect(await carol({ action: 'orderRefund', orderId: r.orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 4000 })
  expect(await payment(r.orderId)).toMatchObject({ refunded: 4000 })
  const history = await bob.fn('member', { action: 'history', cardId, code })
  expect(history.balance.filter((e: Json) => e.kind === 'refund').map((e: Json) => e.amount)).toEqual([-4000])
  await settle(stack)
  expect((await bob.bag()).find((c) => c.code === code)).toMatchObject({ balance: 0 })
})

test('Cloud Pay calls as documented: nonce_str on every unifiedOrder (refused without one), envId from the environment even for the timer', async () => {
  const created = await person(stack, 'alice').fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })
  expect(created.errcode).toBe(0)
  expect(Object.values(stack.wechat.platform.s.prepay).find((o) => o.outTradeNo === created.orderId)).toMatchObject({
    envId: 'local-env',
    functionName: 'pay',
  })
  const bare = {
    body: 'x',
    outTradeNo: 'GCNONCELESS1',
    totalFee: 1,
    spbillCreateIp: '127.0.0.1',
    subMchId: '1900000109',
    envId: 'local-env',
    functionName: 'pay',
  }
  await expect(stack.wechat.cloudPay.unifiedOrder(bare, { fn: 'pay' })).rejects.toThrow(/nonceStr is required/)
  await expect(stack.wechat.cloudPay.unifiedOrder({ ...bare, nonceStr: 'x'.repeat(33) }, { fn: 'pay' })).rejects.toThrow(/at most 32/)
  // The cron (a timer: no ENV in its context) refunds a late checkout payment with the callback's environment named.
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  const checkoutId = `C${Date.now().toString(36)}`
  const started = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 12000 })
  await alice.fn('pay', { action: 'cancelCheckout', checkoutId })
  await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })
  expect((await cron()).tasks.latePayments).toMatchObject({ ok: true, refunded: 1 })
  const late = Object.values(stack.wechat.platform.s.prepay).find((o) => o.outTradeNo === started.orderId)!
  expect(Object.values(late.refunds ?? {})).toEqual([
    expect.objectContaining({ envId: 'local-env', functionName: 'pay', status: 'SUCCESS', refundFee: 2000 }),
  ])
})
