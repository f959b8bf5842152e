// Issue 25 §7: a checkout left during the WeChat Pay sheet holds its gift-card leg (冻结), it does not look
// spent: My cards, the card page and its history say held; a reloaded page finds the checkout and its
// payment again (pay.checkoutStatus) to pay or cancel it; the hold ends when the checkout does.
import type { Stack } from '../../emulator/stack'
import { person, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

async function cardWith(fen: number) {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(await alice.shopCardId(10000))
  if (fen < 10000)
    await alice.fn('card', {
      action: 'spend',
      orderedAt: Date.now(),
      cardId: card.cardId,
      code: card.code,
      amount: 10000 - fen,
      orderId: `PRE-${card.code}`,
    })
  return { alice, card: card as Json }
}
const mine = async (alice: ReturnType<typeof person>, code: string) =>
  ((await alice.fn('card', { action: 'listMine' })).cards as Json[]).find((c) => c.code === code)!

test('held while unpaid, then paid from the status a reloaded page reads: the hold ends and the money stays spent', async () => {
  const { alice, card } = await cardWith(4700)
  const checkoutId = `HP${card.code}`
  const started = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 10000 })
  expect(started).toMatchObject({ errcode: 0, balance: 0, rest: 5300 })

  const held = await mine(alice, card.code)
  expect(held).toMatchObject({ balance: 0, held: 4700 })
  expect(held.heldUntil).toBeGreaterThan(Date.now())
  const detail = await alice.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })
  expect(detail.card).toMatchObject({ balance: 0, held: 4700 })
  expect((detail.history as Json[]).find((e) => e.orderId === `${checkoutId}-gc`)).toMatchObject({
    kind: 'spend',
    amount: -4700,
    held: true,
  })

  // The page was reloaded during the WeChat Pay sheet: it asks where the checkout stands.
  const status = await alice.fn('pay', { action: 'checkoutStatus', checkoutId })
  expect(status).toMatchObject({ errcode: 0, status: 'CREATED', held: 4700, rest: 5300, payment: started.payment })
  expect(status.expiresAt).toBe(held.heldUntil)
  const paid = await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: status.payment })
  expect(paid.json.callbackAcknowledged).toBe(true)

  // Paid: nothing held any more; the card's share is final (a page that comes back shows both shares).
  expect(await alice.fn('pay', { action: 'checkoutStatus', checkoutId })).toMatchObject({
    errcode: 0,
    status: 'PAID',
    held: 0,
    paidByCard: 4700,
    rest: 5300,
  })
  const after = await mine(alice, card.code)
  expect(after.balance).toBe(0)
  expect(after.held).toBeUndefined()
  const history = (await alice.fn('card', { action: 'history', cardId: card.cardId, code: card.code })).entries as Json[]
  expect(history.find((e) => e.orderId === `${checkoutId}-gc`)).toMatchObject({ amount: -4700 })
  expect(history.find((e) => e.orderId === `${checkoutId}-gc`)?.held).toBeUndefined()
})

test('cancelled from the reloaded page: the hold ends and the money comes back; no payment is offered again', async () => {
  const { alice, card } = await cardWith(3000)
  const checkoutId = `HC${card.code}`
  await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 5000 })
  expect(await mine(alice, card.code)).toMatchObject({ balance: 0, held: 3000 })
  expect((await alice.fn('pay', { action: 'cancelCheckout', checkoutId })).balance).toBe(3000)
  const status = await alice.fn('pay', { action: 'checkoutStatus', checkoutId })
  expect(status).toMatchObject({ errcode: 0, status: 'CANCELLED', held: 0 })
  expect(status.payment).toBeUndefined()
  const after = await mine(alice, card.code)
  expect(after).toMatchObject({ balance: 3000 })
  expect(after.held).toBeUndefined()
})

test('the same checkoutId again with another card is 1006, and moves nothing on either card', async () => {
  const { alice, card } = await cardWith(3000)
  const other = (await cardWith(2000)).card
  const checkoutId = `HX${card.code}`
  const first = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 5000 })
  expect(first).toMatchObject({ errcode: 0, balance: 0, rest: 2000 })
  const again = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: other.cardId, code: other.code, total: 5000 })
  expect(again.errcode).toBe(1006)
  expect(again.errmsg).toContain('another card')
  expect(await mine(alice, card.code)).toMatchObject({ balance: 0, held: 3000 })
  expect((await mine(alice, other.code)).balance).toBe(2000)
  // The same card again answers the same checkout.
  const same = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 5000 })
  expect(same).toMatchObject({ errcode: 0, orderId: first.orderId, rest: 2000 })
})

test('checkoutStatus is the caller’s own: another person is refused, an unknown id is not found, a bad id names the field', async () => {
  const { alice, card } = await cardWith(2000)
  const checkoutId = `HO${card.code}`
  await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 5000 })
  expect((await person(stack, 'bob').fn('pay', { action: 'checkoutStatus', checkoutId })).errcode).toBe(1004)
  expect((await alice.fn('pay', { action: 'checkoutStatus', checkoutId: 'NOPE123' })).errcode).toBe(1005)
  const bad = await alice.fn('pay', { action: 'checkoutStatus', checkoutId: 'a b' })
  expect(bad.errcode).toBe(1001)
  expect(bad.errmsg).toMatch(/^checkoutId /)
  await alice.fn('pay', { action: 'cancelCheckout', checkoutId })
})

test('the WeChat Pay order carries the checkout’s end as its timeExpire: past it WeChat Pay refuses the payment', async () => {
  const { alice, card } = await cardWith(1000)
  const checkoutId = `HX${card.code}`
  const started = await alice.fn('pay', { action: 'startCheckout', checkoutId, cardId: card.cardId, code: card.code, total: 3000 })
  const prepay = Object.values(stack.wechat.platform.s.prepay).find((o) => o.outTradeNo === started.orderId)!
  const status = await alice.fn('pay', { action: 'checkoutStatus', checkoutId })
  const emulatedNow = (await alice.emu('/__emu/clock')).json.now as number
  // The order's window is the checkout's, on the emulator's own clock (it may run ahead of the functions').
  expect(Math.abs(prepay.timeExpire! - emulatedNow - (status.expiresAt - Date.now()) / 1000)).toBeLessThan(3)
  await alice.emu('/__emu/clock', { advanceSeconds: Math.ceil((status.expiresAt - Date.now()) / 1000) + 5 })
  const late = await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })
  expect(late.status).not.toBe(200)
  expect(JSON.stringify(late.json)).toMatch(/expired/)
  expect((await alice.fn('pay', { action: 'cancelCheckout', checkoutId })).balance).toBe(1000)
})
