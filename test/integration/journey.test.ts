// The consumer journey on a whole local stack: buy, add to the card bag, see it, spend, gift.
import type { Stack } from '../../emulator/stack'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())

test('the seeded shop lists the 100 and 500 yuan cards with their faces', async () => {
  const shop = await person(stack, 'bob').fn('card', { action: 'shop' })
  expect(shop.items.map((i: Json) => i.price)).toEqual([10000, 50000])
  expect(shop.items[0].faces.length).toBeGreaterThan(0)
})

test('alice buys, adds and sees 100.00; the card bag agrees; bob sees nothing of it', async () => {
  const alice = person(stack, 'alice')
  const { orderId, card } = await alice.buyAndAdd(card100)
  expect(card).toMatchObject({ cardId: card100, balance: 10000, status: 'NORMAL' })
  expect((await alice.fn('pay', { action: 'getOrder', orderId })).order).toMatchObject({
    status: 'ISSUED',
    totalFee: 10000,
    cards: [{ cardId: card100, added: true, code: card.code }],
  })
  await settle(stack)
  const mine = (await alice.fn('card', { action: 'listMine' })).cards as Json[]
  expect(mine).toEqual([expect.objectContaining({ cardId: card100, code: card.code, balance: 10000 })])
  expect(await alice.bag()).toEqual([expect.objectContaining({ cardId: card100, code: card.code, balance: 10000 })])
  const bob = person(stack, 'bob')
  expect((await bob.fn('card', { action: 'detail', cardId: card100, code: card.code })).errcode).toBe(1004)
  expect((await alice.fn('card', { action: 'signCardExt', orderId })).errmsg).toMatch(/already in the card bag/)
  expect((await bob.fn('card', { action: 'signCardExt', orderId })).errcode).toBe(1004)
})

test('spend 30.00: 70.00 in the Mini Program and in the card bag; retried spend debits once; no consumer can reverse it', async () => {
  const alice = person(stack, 'alice')
  const [card] = (await alice.fn('card', { action: 'listMine' })).cards as Json[]
  const spend = { action: 'spend', orderedAt: Date.now(), cardId: card!.cardId, code: card!.code, amount: 3000, orderId: 'SHOP-1' }
  const results = await Promise.all(Array.from({ length: 10 }, () => alice.fn('card', spend)))
  expect(results.every((r) => r.errcode === 0 && r.balance === 7000)).toBe(true)
  expect((await alice.fn('card', { ...spend, amount: 2000 })).errcode).toBe(1006)
  await settle(stack)
  expect((await alice.fn('card', { action: 'listMine' })).cards[0].balance).toBe(7000)
  expect((await alice.bag())[0]!.balance).toBe(7000)
  const detail = await alice.fn('card', { action: 'detail', cardId: card!.cardId, code: card!.code })
  expect(detail.history.map((e: Json) => [e.kind, e.amount, e.balanceAfter])).toEqual([
    ['spend', -3000, 7000],
    ['issue', 10000, 10000],
  ])
  // Reversals are not a consumer action (issue 10 #2): the spend stands.
  expect((await alice.fn('card', { action: 'reverse', orderId: 'SHOP-1' })).errcode).toBe(1002)
  expect((await alice.fn('card', { action: 'listMine' })).cards[0].balance).toBe(7000)
})

test('alice gifts the card to bob: bob sees it with its balance, alice sees it as given', async () => {
  const alice = person(stack, 'alice')
  const bob = person(stack, 'bob')
  const [card] = (await alice.fn('card', { action: 'listMine' })).cards as Json[]
  const g = await alice.emu('/__emu/client/gift', { from: 'alice', to: 'bob', cardId: card!.cardId, code: card!.code })
  expect(g.status).toBe(200)
  await settle(stack)
  expect((await alice.fn('card', { action: 'listMine' })).cards).toEqual([
    expect.objectContaining({ code: card!.code, status: 'GIFTED', balance: 0 }),
  ])
  expect(await alice.bag()).toEqual([])
  const bobs = (await bob.fn('card', { action: 'listMine' })).cards as Json[]
  expect(bobs).toEqual([expect.objectContaining({ cardId: card!.cardId, code: g.json.code, balance: 7000, status: 'NORMAL' })])
  expect(await bob.bag()).toEqual([expect.objectContaining({ code: g.json.code, balance: 7000 })])
  expect(
    (
      await alice.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card!.cardId,
        code: card!.code,
        amount: 100,
        orderId: 'AFTER-GIFT',
      })
    ).errcode,
  ).toBe(1006)
})

test('a payment notice sent by a client is refused; the order stays unpaid', async () => {
  const carol = person(stack, 'carol')
  const order = await carol.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })
  const forged = await carol.fn('pay', {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: order.orderId,
    totalFee: 10000,
    transactionId: 'x',
  })
  expect(forged.errcode).toBe(1004)
  expect((await carol.fn('pay', { action: 'getOrder', orderId: order.orderId })).order.status).toBe('CREATED')
  expect((await carol.fn('card', { action: 'signCardExt', orderId: order.orderId })).errcode).toBe(1006)
})

test('the face chosen at purchase is the one the card bag shows (updateuser background_pic_url)', async () => {
  const bob = person(stack, 'bob')
  const shop = (await bob.fn('card', { action: 'shop' })).items as Json[]
  const item = shop.find((i) => i.cardId === card100)!
  const face = item.faces[item.faces.length - 1] as string
  const order = await bob.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId(), backgroundPicUrl: face })
  expect((await bob.emu('/__emu/client/requestPayment', { user: 'bob', payment: order.payment })).status).toBe(200)
  const signed = await bob.fn('card', { action: 'signCardExt', orderId: order.orderId })
  const added = await bob.emu('/__emu/client/addCard', { user: 'bob', cardList: signed.cardList })
  const rec = await bob.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  await settle(stack)
  expect(rec.cards[0].backgroundPicUrl).toBe(face)
  expect((await bob.bag()).find((c) => c.code === rec.cards[0].code)).toMatchObject({ backgroundPicUrl: face, balance: 10000 })
})
