// card.listMine's round trips (issue #17), counted by the local cloud (GET /__cloud/stats): one
// database call for a returning caller whatever their bag holds (cards, paid cards not added yet), never
// more than the separate reads it replaced in the other cases (a new caller, a gift waiting, a card to
// adopt, a caller without a unionid), and the same answer as those separate reads.
import type { Stack } from '../../emulator/stack'
import { newUserCard } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import { CloudStore } from '../../server/store/cloud-store'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string
let store: CloudStore

beforeAll(async () => {
  stack = await startJourneyStack()
  store = new CloudStore(stack.cloud.db)
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

const dbCalls = async () => ((await (await fetch(`${stack.cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls

/** `call`'s answer and the database calls it made; nothing else runs meanwhile (pushes settled, no timers). */
async function counted(call: () => Promise<Json>): Promise<{ answer: Json; calls: number }> {
  await settle(stack)
  const before = await dbCalls()
  const answer = await call()
  const calls = (await dbCalls()) - before
  expect(answer.errcode).toBe(0)
  return { answer, calls }
}

const listMine = (name: string) => () => person(stack, name).fn('card', { action: 'listMine' })

/** listMine as the Mini Program of an app without Open Platform binding calls it: no unionid in the context. */
const listMineWithoutUnionid = (mpOpenid: string) => async (): Promise<Json> => {
  const res = await fetch(`${stack.cloud.url}/fn/card`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': mpOpenid },
    body: JSON.stringify({ action: 'listMine' }),
  })
  return (await res.json()) as Json
}

/** createOrder → requestPayment: paid cards in nobody's card bag yet. */
async function buyPaid(name: string, quantity: number): Promise<string> {
  const p = person(stack, name)
  const order = await p.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId(), quantity })
  expect(order.errcode).toBe(0)
  expect((await p.emu('/__emu/client/requestPayment', { user: name, payment: order.payment })).json.callbackAcknowledged).toBe(true)
  return order.orderId as string
}

test('a returning caller with cards and paid cards not added yet: exactly 1 database call, the same answer as the separate reads', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  const orderId = await buyPaid('alice', 2)
  await counted(listMine('alice')) // any earlier first call is behind us: alice is a returning caller
  const { answer, calls } = await counted(listMine('alice'))
  expect(calls).toBe(1)
  expect(answer.cards).toEqual([expect.objectContaining({ cardId: card100, code: card.code, balance: 10000, status: 'NORMAL' })])
  expect(answer.pending).toEqual([{ orderId, cardId: card100, title: expect.any(String), price: 10000, count: 2 }])
  // Without a unionid there is no mapping to root at: the bag, the entitlements and the orders are read
  // one by one, as listMine always did. Both ways answer the same.
  const separate = await counted(listMineWithoutUnionid(alice.mpOpenid))
  expect(separate.calls).toBe(3)
  expect(separate.answer).toEqual(answer)
})

test('a new caller: the unionid mapping is written and the bag read in 3 calls (the separate reads took 4), then 1', async () => {
  const dave = stack.wechat.users.ensure('dave')
  expect(await store.get(Collections.mpUnion, dave.unionid)).toBeNull()
  const first = await counted(listMine('dave'))
  expect(first).toEqual({ answer: { errcode: 0, cards: [], pending: [] }, calls: 3 })
  expect(await store.get(Collections.mpUnion, dave.unionid)).toMatchObject({ mpOpenid: dave.mpOpenid })
  expect((await counted(listMine('dave'))).calls).toBe(1)
})

test('a gift waiting on a card: the gifts are read on top (2 calls, the separate reads took 3), and the given card is not pending', async () => {
  const bob = person(stack, 'bob')
  const orderId = await buyPaid('bob', 1)
  const sent = await bob.fn('gift', { action: 'send', orderId })
  expect(sent.errcode).toBe(0)
  await counted(listMine('bob'))
  const { answer, calls } = await counted(listMine('bob'))
  expect(answer.pending).toEqual([])
  expect(calls).toBe(2)
})

test('a card known only by the caller’s unionid is adopted (one conditional write on top), listed, and not adopted twice', async () => {
  const carol = person(stack, 'carol')
  await counted(listMine('carol'))
  const now = Date.now()
  await store.insert(
    Collections.userCards,
    newUserCard(card100, '900000000001', { unionid: carol.unionid, funded: true, balance: 5000, title: '礼品卡', updatedAt: now }),
  )
  // Someone else's card naming the same unionid stays theirs.
  await store.insert(
    Collections.userCards,
    newUserCard(card100, '900000000002', {
      unionid: carol.unionid,
      mpOpenid: 'oSomeoneElse',
      funded: true,
      balance: 7000,
      title: '礼品卡',
      updatedAt: now,
    }),
  )
  const { answer, calls } = await counted(listMine('carol'))
  expect(calls).toBe(2)
  expect((answer.cards as Json[]).map((c) => [c.code, c.balance])).toEqual([['900000000001', 5000]])
  expect(await store.get(Collections.userCards, `${card100}:900000000001`)).toMatchObject({ mpOpenid: carol.mpOpenid })
  expect(await store.get(Collections.userCards, `${card100}:900000000002`)).toMatchObject({ mpOpenid: 'oSomeoneElse' })
  const again = await counted(listMine('carol'))
  expect(again).toEqual({ answer, calls: 1 })
})

test('a caller without a unionid: two queries at once, as before', async () => {
  expect(await counted(listMineWithoutUnionid('oNoUnionid0000000000000000001'))).toEqual({
    answer: { errcode: 0, cards: [], pending: [] },
    calls: 2,
  })
})
