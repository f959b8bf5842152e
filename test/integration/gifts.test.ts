// The gift function on a whole local stack: alice buys for a friend, shares, bob claims into his card
// bag; and the adversary's moves (double claims, two friends at once, the giver claiming or adding the
// card herself, a claim racing the return) never fund more than one card.
import type { Stack } from '../../emulator/stack'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string

const cron = async (s: Stack) => (await (await fetch(`${s.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json

/** createOrder → requestPayment: a paid order whose card is in nobody's card bag. */
async function buyPaid(s: Stack, name: string, quantity = 1) {
  const p = person(s, name)
  const order = await p.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId(), quantity })
  expect(order.errcode).toBe(0)
  const paid = await p.emu('/__emu/client/requestPayment', { user: name, payment: order.payment })
  expect(paid.json.callbackAcknowledged).toBe(true)
  return { p, orderId: order.orderId as string }
}

/** claim → wx.addCard as the claimer → recordAdded */
async function claimAndAdd(s: Stack, name: string, giftId: string) {
  const p = person(s, name)
  const claimed = await p.fn('gift', { action: 'claim', giftId })
  expect(claimed.errcode).toBe(0)
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList: claimed.cardList })
  expect(added.status).toBe(200)
  const recorded = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  expect(recorded.errcode).toBe(0)
  return recorded.cards[0] as Json
}

const funded = async (s: Stack, name: string) =>
  ((await person(s, name).fn('card', { action: 'listMine' })).cards as Json[]).filter((c) => c.cardId === card100)

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

test('alice gives a paid card with her face and blessing; bob sees sender, blessing and face, claims it into his card bag; alice sees CLAIMED', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const item = ((await alice.fn('card', { action: 'shop' })).items as Json[]).find((i) => i.cardId === card100)!
  expect(item.theme).toBe('送给重要的人')
  const face = item.faces[1] as string
  // The demo faces load from the emulated WeChat CDN, as a browser would fetch them.
  const img = await fetch(face)
  expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
  expect([...new Uint8Array(await img.arrayBuffer()).slice(0, 3)]).toEqual([0xff, 0xd8, 0xff])
  expect((await fetch(`${stack.wechat.url}/mmbiz_jpg/no-such-face/0`)).status).toBe(404)
  const sent = await alice.fn('gift', { action: 'send', orderId, message: '生日快乐！', face, from: '爱丽丝' })
  expect(sent).toMatchObject({
    errcode: 0,
    giftId: expect.stringMatching(/^GF[0-9a-f]{24}$/),
    share: { title: '爱丽丝送你一张100元礼品卡', path: `/pages/claim/index?giftId=${sent.giftId}`, imageUrl: face },
  })
  // The given card is no longer alice's to add, nor listed as waiting for her card bag.
  expect((await alice.fn('card', { action: 'signCardExt', orderId })).errcode).toBe(1006)
  expect((await alice.fn('card', { action: 'listMine' })).pending).toEqual([])
  expect((await alice.fn('gift', { action: 'listSent' })).gifts).toEqual([
    expect.objectContaining({ giftId: sent.giftId, status: 'PENDING', amount: 10000, mine: true }),
  ])

  const bob = person(stack, 'bob')
  const shown = await bob.fn('gift', { action: 'get', giftId: sent.giftId })
  expect(shown.gift).toMatchObject({
    from: '爱丽丝',
    message: '生日快乐！',
    face,
    title: '100元礼品卡',
    amount: 10000,
    status: 'PENDING',
    mine: false,
  })
  expect(JSON.stringify(shown)).not.toContain(alice.mpOpenid)
  const card = await claimAndAdd(stack, 'bob', sent.giftId)
  expect(card).toMatchObject({ balance: 10000, backgroundPicUrl: face, message: '生日快乐！', giftFrom: '爱丽丝' })
  await settle(stack)
  expect((await bob.bag()).map((c) => c.code)).toContain(card.code)
  expect((await alice.bag()).map((c) => c.code)).not.toContain(card.code)
  expect((await alice.fn('gift', { action: 'listSent' })).gifts[0]).toMatchObject({ giftId: sent.giftId, status: 'CLAIMED' })
  expect((await bob.fn('gift', { action: 'listReceived' })).gifts).toEqual([
    expect.objectContaining({ giftId: sent.giftId, status: 'CLAIMED', from: '爱丽丝', claimedByMe: true }),
  ])
  // Claiming again once the card is in the card bag: a clear refusal, no second card.
  expect(await bob.fn('gift', { action: 'claim', giftId: sent.giftId })).toMatchObject({ errcode: 1006, reason: 'GIFT_ADDED' })
})

test('the giver cannot claim her own gift; a third person cannot claim a claimed one', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  expect(await alice.fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1004, reason: 'GIFT_OWN' })
  await claimAndAdd(stack, 'bob', giftId)
  expect(await person(stack, 'carol').fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1006, reason: 'GIFT_TAKEN' })
})

test('a second claim by the same friend before adding answers a freshly signed cardExt for the same card; one card is funded', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  const bob = person(stack, 'bob')
  const before = (await funded(stack, 'bob')).length
  const [a, b] = await Promise.all([bob.fn('gift', { action: 'claim', giftId }), bob.fn('gift', { action: 'claim', giftId })])
  expect([a.errcode, b.errcode]).toEqual([0, 0])
  expect((await bob.fn('gift', { action: 'get', giftId })).gift).toMatchObject({ status: 'CLAIMED', claimedByMe: true, added: false })
  const outer = (r: Json) => JSON.parse(r.cardList[0].cardExt).outer_str
  expect(outer(a)).toBe(outer(b))
  const added = await bob.emu('/__emu/client/addCard', { user: 'bob', cardList: [...a.cardList, ...b.cardList] })
  expect(added.status).toBe(200)
  const results = await Promise.all((added.json.cardList as Json[]).map((c) => bob.fn('card', { action: 'recordAdded', cardList: [c] })))
  expect(results.map((r) => r.errcode).sort()).toEqual([0, 1006])
  await settle(stack)
  expect((await funded(stack, 'bob')).filter((c) => c.balance === 10000)).toHaveLength(before + 1)
  expect((await bob.fn('gift', { action: 'get', giftId })).gift.added).toBe(true)
  // A stranger holding the link learns nothing about the card bag.
  expect((await person(stack, 'carol').fn('gift', { action: 'get', giftId })).gift.added).toBeUndefined()
})

test('two friends claim at once: exactly one wins', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  const [bob, carol] = await Promise.all([
    person(stack, 'bob').fn('gift', { action: 'claim', giftId }),
    person(stack, 'carol').fn('gift', { action: 'claim', giftId }),
  ])
  expect([bob.errcode, carol.errcode].sort()).toEqual([0, 1006])
  expect([bob, carol].find((r) => r.errcode === 1006)!.reason).toBe('GIFT_TAKEN')
})

test('a cardExt the giver signed before giving carries no value once the card is given', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const early = await alice.fn('card', { action: 'signCardExt', orderId })
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  const added = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: early.cardList })
  expect(added.status).toBe(200)
  expect((await alice.fn('card', { action: 'recordAdded', cardList: added.json.cardList })).errcode).toBe(1006)
  await settle(stack)
  // The friend still gets the card's full value.
  expect((await claimAndAdd(stack, 'bob', giftId)).balance).toBe(10000)
  await settle(stack)
  const alicesCode = JSON.parse(JSON.stringify(added.json.cardList[0])).code
  expect((await alice.fn('card', { action: 'listMine' })).cards.some((c: Json) => c.balance > 0 && c.code === alicesCode)).toBe(false)
})

test('send is refused for another person’s order, an unpaid order, and a card already in the card bag; giftId is checked', async () => {
  const { orderId } = await buyPaid(stack, 'alice')
  expect((await person(stack, 'bob').fn('gift', { action: 'send', orderId })).errcode).toBe(1004)
  const alice = person(stack, 'alice')
  const unpaid = await alice.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })
  expect(await alice.fn('gift', { action: 'send', orderId: unpaid.orderId })).toMatchObject({ errcode: 1006, reason: 'ORDER_NOT_PAID' })
  const { orderId: addedOrder } = await alice.buyAndAdd(card100)
  expect(await alice.fn('gift', { action: 'send', orderId: addedOrder })).toMatchObject({ errcode: 1006, reason: 'NOTHING_TO_GIVE' })
  expect((await alice.fn('gift', { action: 'get', giftId: '__proto__' })).errcode).toBe(1001)
  expect((await alice.fn('gift', { action: 'get', giftId: 'GF000000000000000000000000' })).errcode).toBe(1005)
  expect((await alice.fn('gift', { action: 'send', orderId, message: 'x'.repeat(101) })).errcode).toBe(1001)
})

test('a retried send answers the same gift; a two-card order gives its cards one by one', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice', 2)
  const first = await alice.fn('gift', { action: 'send', orderId })
  const second = await alice.fn('gift', { action: 'send', orderId })
  expect(second.giftId).not.toBe(first.giftId)
  const third = await alice.fn('gift', { action: 'send', orderId })
  expect([first.giftId, second.giftId]).toContain(third.giftId)
})

// The 24 hours themselves (returned at the last millisecond, lazily or by the sweep, a claim racing the
// return) are proven on a fake clock in server/domain/giftcards/gifts.test.ts; here, that the cron runs
// the sweep and a gift inside its day stays claimable after it.
test('the cron runs the gift sweep, which leaves a gift inside its 24 hours alone', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  const run = await cron(stack)
  expect(run.tasks.gifts).toMatchObject({ ok: true })
  expect((await alice.fn('gift', { action: 'get', giftId })).gift.status).toBe('PENDING')
})

test('a gift whose order the merchant refunds can no longer be claimed, and the giver is refunded in full', async () => {
  const { p: alice, orderId } = await buyPaid(stack, 'alice')
  const { giftId } = await alice.fn('gift', { action: 'send', orderId })
  const refund = await person(stack, 'carol').fn('merchant', { action: 'orderRefund', orderId })
  expect(refund.errcode).toBe(0)
  expect(await person(stack, 'bob').fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1006, reason: 'GIFT_UNAVAILABLE' })
  const payments = (await (await fetch(`${stack.wechat.url}/__emu/payments`)).json()).payments as Json[]
  expect(payments.find((x) => x.outTradeNo === orderId)).toMatchObject({ paid: true, totalFee: 10000, refunded: 10000 })
})
