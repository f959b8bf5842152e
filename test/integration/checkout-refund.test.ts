// Issue 28: a 买单 (checkout) order with a coupon and a gift card, refunded from the console. The merchant
// sees its original total, the coupon and both legs; the refund credits the gift-card leg back, makes the
// coupon usable again and refunds the WeChat Pay leg (REFUNDING until WeChat Pay says SUCCESS) — each
// exactly once under a double tap, a repeat, and a crash between any two of its steps.
import type { Stack } from '../../emulator/stack'
import { refundCheckoutOrder } from '../../server/domain/money/checkout-refunds'
import type { PaymentGateway } from '../../server/platform/payment-gateway'
import type { Store } from '../../server/store/port'
import { createWechatClient } from '../../server/wechat/client'
import { cashCoupon, claimCoupon } from '../helpers/coupons'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
let cashCouponId: string
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
const mine = async (name: string, code: string) =>
  ((await person(stack, name).fn('card', { action: 'listMine' })).cards as Json[]).find((c) => c.code === code)!

beforeAll(async () => {
  // Every card is read back from WeChat on each cron run: the restored coupon must stay usable through it.
  stack = await startJourneyStack({ CARD_RECONCILE_AGE_S: '0' })
  card100 = await person(stack, 'carol').shopCardId(10000)
  const cash = await carol({ action: 'cardCreate', card: cashCoupon('满100减10', 10000, 1000, { get_limit: 50 }) })
  expect(cash.errcode).toBe(0)
  cashCouponId = cash.cardId as string
  expect((await carol({ action: 'claimableSet', cardId: cashCouponId, claimable: true, channel: 'mp_home' })).errcode).toBe(0)
})
afterAll(() => stack.stop())

let claims = 0
/** alice claims the coupon and buys a ¥100 gift card, then pays a ¥150 order: ¥10 coupon, ¥100 card, ¥40 WeChat Pay. */
async function paidCheckout(checkoutId: string) {
  const alice = person(stack, 'alice')
  const coupon = await claimCoupon(stack, 'alice', cashCouponId, `refund-claim-${++claims}`)
  const { card } = await alice.buyAndAdd(card100)
  const started = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId,
    cardId: card.cardId,
    code: card.code,
    coupon: { cardId: coupon.cardId, code: coupon.code },
    total: 15000,
  })
  expect(started).toMatchObject({ errcode: 0, discount: 1000, rest: 4000, balance: 0 })
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })).json.callbackAcknowledged).toBe(
    true,
  )
  await settle(stack)
  return { alice, card, coupon, orderId: started.orderId as string }
}

test('a 买单 order shows its total, coupon and legs; refunded with a double tap, each part goes back once and the coupon is used again', async () => {
  const { alice, card, coupon, orderId } = await paidCheckout('RF28-JOURNEY')
  expect(stack.wechat.platform.code(coupon.cardId as string, coupon.code as string)?.status).toBe('CONSUMED')
  const listed = (await carol({ action: 'orderList', channel: 'checkout' })).orders as Json[]
  const paid = listed.find((o) => o.orderId === orderId)!
  expect(paid).toMatchObject({
    channel: 'checkout',
    totalPrice: 4000,
    originalTotal: 15000,
    cardState: 'PAID',
    coupon: { cardId: coupon.cardId, title: '满100减10', discount: 1000, status: 'USED' },
    legs: [
      { kind: 'wxpay', amount: 4000, state: 'PAID' },
      { kind: 'giftcard', amount: 10000, cardId: card.cardId, codeTail: String(card.code).slice(-4), state: 'PAID' },
    ],
  })
  expect(paid.buyer).toMatch(/^顾客·[0-9A-F]{4}$/)
  expect(JSON.stringify(listed)).not.toContain(alice.mpOpenid)

  // WeChat Pay takes a minute and its callback is lost: only the cron's queryRefund can tell.
  expect((await emu('/__emu/faults', { path: 'cloudPay.refund', settleAfterS: 60, notify: false })).status).toBe(200)
  const taps = await Promise.all([
    carol({ action: 'orderRefund', orderId, reason: '顾客退单' }),
    carol({ action: 'orderRefund', orderId, reason: '顾客退单' }),
  ])
  for (const r of taps)
    expect(r).toMatchObject({ errcode: 0, status: 'REFUNDING', channel: 'checkout', refundFee: 4000, refundNo: `RF${orderId}` })
  expect(await row(orderId)).toMatchObject({
    refundStatus: 'REFUNDING',
    cardState: 'REFUNDING',
    coupon: { status: 'RESTORED' },
    legs: [
      { kind: 'wxpay', state: 'REFUNDING' },
      { kind: 'giftcard', state: 'CREDITED' },
    ],
  })
  // The gift-card leg is back on the card, once (one reversal entry), and the coupon is usable again.
  expect(await mine('alice', card.code as string)).toMatchObject({ balance: 10000 })
  const history = await alice.fn('card', { action: 'history', cardId: card.cardId, code: card.code })
  expect((history.entries as Json[]).filter((e) => e.kind === 'reversal').map((e) => e.amount)).toEqual([10000])
  expect(await mine('alice', coupon.code as string)).toMatchObject({ status: 'NORMAL' })
  expect(await payment(orderId)).toMatchObject({ refunded: 0, refunds: { [`RF${orderId}`]: { refundFee: 4000, status: 'PROCESSING' } } })

  // A minute later the cron reads SUCCESS; its reconciliation reads the coupon back from WeChat, which still
  // says consumed, and the coupon stays usable. A later tap changes nothing.
  await emu('/__emu/clock', { advanceSeconds: 61 })
  expect((await cron()).tasks.refunds).toMatchObject({ ok: true, refunded: 1 })
  expect(await row(orderId)).toMatchObject({ state: 'REFUNDED', refundStatus: 'REFUNDED', cardState: 'REFUNDED', refundFee: 4000 })
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 4000 })
  expect(await payment(orderId)).toMatchObject({ refunded: 4000 })
  expect(await mine('alice', card.code as string)).toMatchObject({ balance: 10000 })
  expect(await mine('alice', coupon.code as string)).toMatchObject({ status: 'NORMAL' })

  // The coupon takes ¥10 off the next order.
  const again = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId: 'RF28-AGAIN',
    coupon: { cardId: coupon.cardId, code: coupon.code },
    total: 12000,
  })
  expect(again).toMatchObject({ errcode: 0, discount: 1000, rest: 11000 })
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: again.payment })).json.callbackAcknowledged).toBe(true)
  await settle(stack)
  expect(await mine('alice', coupon.code as string)).toMatchObject({ status: 'CONSUMED' })
  expect(await row(again.orderId as string)).toMatchObject({ state: 'PAID', coupon: { status: 'USED' } })

  const stats = (await (await fetch(`${stack.cloud.url}/__cloud/stats`)).json()) as { unindexedQueries: Record<string, number> }
  expect(stats.unindexedQueries).toEqual({})
})

/** The stack's database, but the `n`th conditional update of an order throws, as a function killed there would. */
function crashingAt(n: number): Store {
  const store = storeOver(stack.cloud.db)
  let seen = 0
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'updateIf')
        return async (collection: string, ...rest: unknown[]) => {
          if (collection === 'orders' && ++seen === n) throw new Error(`crash at order update ${n}`)
          return (target.updateIf as (...a: unknown[]) => Promise<boolean>).call(target, collection, ...rest)
        }
      const v = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

/** No crash point here reaches Cloud Pay. */
const unreachablePay = new Proxy({} as PaymentGateway, {
  get: () => () => Promise.reject(new Error('Cloud Pay is not reached before the crash')),
})

test.each([
  [1, 'after the gift-card leg was credited back'],
  [2, 'after the coupon was released'],
  [3, 'before the order left PAID'],
])('a refund killed at order update %i (%s) finishes on the next call, each part once', async (n) => {
  const { card, coupon, orderId } = await paidCheckout(`RF28-CRASH${n}`)
  const wx = createWechatClient({
    store: storeOver(stack.cloud.db),
    appid: stack.env.WX_SA_APPID!,
    secret: stack.env.WX_SA_SECRET!,
    apiBase: stack.wechat.url,
  })
  await expect(refundCheckoutOrder(crashingAt(n), wx, unreachablePay, orderId, '顾客退单')).rejects.toThrow(`crash at order update ${n}`)
  expect(await carol({ action: 'orderRefund', orderId, reason: '顾客退单' })).toMatchObject({
    errcode: 0,
    status: 'REFUNDED',
    refundFee: 4000,
  })
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED' })
  expect(await mine('alice', card.code as string)).toMatchObject({ balance: 10000 })
  const history = await person(stack, 'alice').fn('card', { action: 'history', cardId: card.cardId, code: card.code })
  expect((history.entries as Json[]).filter((e) => e.kind === 'reversal').map((e) => e.amount)).toEqual([10000])
  expect(await mine('alice', coupon.code as string)).toMatchObject({ status: 'NORMAL' })
  expect(await payment(orderId)).toMatchObject({ refunded: 4000, refunds: { [`RF${orderId}`]: { refundFee: 4000, status: 'SUCCESS' } } })
})

test('a refund WeChat Pay fails is REFUND_FAILED with the card side already back; the retry sends the same refund and moves nothing twice', async () => {
  const { card, coupon, orderId } = await paidCheckout('RF28-FAILED')
  expect((await emu('/__emu/faults', { path: 'cloudPay.refund', refundStatus: 'REFUNDCLOSE' })).status).toBe(200)
  expect(await carol({ action: 'orderRefund', orderId, reason: '顾客退单' })).toMatchObject({
    errcode: 1502,
    refundStatus: 'REFUND_FAILED',
    refundError: 'REFUNDCLOSE',
  })
  expect(await row(orderId)).toMatchObject({ cardState: 'REFUND_FAILED', legs: [{ state: 'REFUND_FAILED' }, { state: 'CREDITED' }] })
  expect(await mine('alice', card.code as string)).toMatchObject({ balance: 10000 })
  expect(await mine('alice', coupon.code as string)).toMatchObject({ status: 'NORMAL' })
  expect(await carol({ action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 4000 })
  const history = await person(stack, 'alice').fn('card', { action: 'history', cardId: card.cardId, code: card.code })
  expect((history.entries as Json[]).filter((e) => e.kind === 'reversal').map((e) => e.amount)).toEqual([10000])
  expect(await payment(orderId)).toMatchObject({ refunded: 4000, refunds: { [`RF${orderId}`]: { refundFee: 4000, status: 'SUCCESS' } } })
})

test('a 买单 order not paid yet is not refunded from the console: its gift-card leg stays held for it', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  const open = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId: 'RF28-OPEN',
    cardId: card.cardId,
    code: card.code,
    total: 15000,
  })
  expect(open.errcode).toBe(0)
  const r = await carol({ action: 'orderRefund', orderId: open.orderId })
  expect(r.errcode).toBe(1006)
  expect(r.errmsg).toMatch(/only a paid checkout can be refunded/)
  expect(await mine('alice', card.code as string)).toMatchObject({ balance: 0 })
})
