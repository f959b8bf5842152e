// Group gifts (issue 28) on a whole local stack: alice buys three cards as one gift with one blessing,
// shares it once into a group chat, and four friends race for it: the first three each get one card,
// the fourth is told they are all claimed; nobody claims twice; what nobody claimed comes back to alice
// once GIFT_EXPIRY_S has passed (the cron's sweep, run on a clock a day ahead); money stays exact.
import type { Stack } from '../../emulator/stack'
import { returnExpiredGifts } from '../../server/domain/giftcards/gifts'
import { budgetOf } from '../../server/store/sweep'
import { nextRequestId, person, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
let card100: string
const FRIENDS = ['bob', 'carol', 'dave', 'erin'] as const
const DAY_MS = 86400_000

/** The cron's gift task on a clock `aheadMs` from now: a fake clock, no waiting. */
const returnOverdue = (aheadMs: number) =>
  returnExpiredGifts(
    storeOver(stack.cloud.db),
    budgetOf(10_000, () => Date.now() + aheadMs),
  )

async function buyPaid(name: string, quantity: number) {
  const p = person(stack, name)
  const order = await p.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId(), quantity })
  expect(order.errcode).toBe(0)
  expect((await p.emu('/__emu/client/requestPayment', { user: name, payment: order.payment })).json.callbackAcknowledged).toBe(true)
  return { p, orderId: order.orderId as string }
}

async function add(name: string, claimed: Json) {
  const p = person(stack, name)
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList: claimed.cardList })
  expect(added.status).toBe(200)
  const recorded = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  expect(recorded.errcode).toBe(0)
  return recorded.cards[0] as Json
}

/** Every card of card100 funded in our records, by holder. */
async function fundedOf(name: string): Promise<Json[]> {
  return ((await person(stack, name).fn('card', { action: 'listMine' })).cards as Json[]).filter((c) => c.cardId === card100)
}

beforeAll(async () => {
  stack = await startJourneyStack()
  for (const name of ['dave', 'erin']) await fetch(`${stack.wechat.url}/__emu/users`, { method: 'POST', body: JSON.stringify({ name }) })
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

test('a group gift of 3 raced by 4 friends: 3 each get one card, the 4th is told all are claimed; alice sees names, never openids', async () => {
  const { p: alice, orderId } = await buyPaid('alice', 3)
  const sent = await alice.fn('gift', { action: 'send', orderId, count: 3, message: '新年快乐，大家一起喝咖啡', from: '爱丽丝' })
  expect(sent).toMatchObject({
    errcode: 0,
    gift: { count: 3, remaining: 3, claims: [], status: 'PENDING', amount: 10000 },
    share: { title: '爱丽丝送大家3张100元礼品卡，先到先得', path: `/pages/claim/index?giftId=${sent.giftId}` },
  })
  // All three cards are given: none left for alice's own card bag.
  expect((await alice.fn('card', { action: 'listMine' })).pending).toEqual([])

  // dave signed a gift of his own once: the claim list shows that name.
  const dave = await buyPaid('dave', 1)
  expect((await dave.p.fn('gift', { action: 'send', orderId: dave.orderId, from: '大卫' })).errcode).toBe(0)

  const answers = await Promise.all(FRIENDS.map((name) => person(stack, name).fn('gift', { action: 'claim', giftId: sent.giftId })))
  const winners = FRIENDS.filter((_, i) => answers[i]!.errcode === 0)
  const losers = answers.filter((a) => a.errcode !== 0)
  expect(winners).toHaveLength(3)
  expect(losers).toEqual([expect.objectContaining({ errcode: 1006, reason: 'GIFT_ALL_CLAIMED' })])
  // Three different cards, one each.
  const outer = answers.filter((a) => a.errcode === 0).map((a) => JSON.parse(a.cardList[0].cardExt as string).outer_str as string)
  expect(new Set(outer).size).toBe(3)

  for (const [i, name] of FRIENDS.entries()) if (answers[i]!.errcode === 0) expect((await add(name, answers[i]!)).balance).toBe(10000)
  for (const name of winners) expect((await fundedOf(name)).map((c) => [c.balance, c.giftFrom])).toContainEqual([10000, '爱丽丝'])

  const seen = await alice.fn('gift', { action: 'get', giftId: sent.giftId })
  expect(seen.gift).toMatchObject({ status: 'CLAIMED', remaining: 0, count: 3, mine: true, added: true })
  expect(seen.gift.claims).toHaveLength(3)
  const names = (seen.gift.claims as Json[]).map((c) => c.name as string)
  if (winners.includes('dave')) expect(names).toContain('大卫')
  for (const n of names) expect(n).toMatch(/^(大卫|好友[0-9A-F]{4})$/)
  const openids = [...FRIENDS, 'alice'].map((n) => stack.wechat.users.get(n)!.mpOpenid)
  for (const id of openids) expect(JSON.stringify(seen)).not.toContain(id)

  // The loser sees the gift as all claimed, with nothing of theirs in it; a winner sees their own claim.
  const loser = FRIENDS.find((n) => !winners.includes(n))!
  expect((await person(stack, loser).fn('gift', { action: 'get', giftId: sent.giftId })).gift).toMatchObject({
    status: 'CLAIMED',
    claimedByMe: false,
    remaining: 0,
  })
  const winner = person(stack, winners[0]!)
  expect((await winner.fn('gift', { action: 'get', giftId: sent.giftId })).gift).toMatchObject({ claimedByMe: true, added: true })
  expect((await winner.fn('gift', { action: 'listReceived' })).gifts).toEqual([expect.objectContaining({ giftId: sent.giftId })])
})

test('duplicate claims: the same friend claiming twice, or twice at once, holds one card; a finished claim answers GIFT_ADDED', async () => {
  const { p: alice, orderId } = await buyPaid('alice', 2)
  const { giftId } = await alice.fn('gift', { action: 'send', orderId, count: 2 })
  const bob = person(stack, 'bob')
  const [a, b] = await Promise.all([bob.fn('gift', { action: 'claim', giftId }), bob.fn('gift', { action: 'claim', giftId })])
  expect([a.errcode, b.errcode]).toEqual([0, 0])
  // The same card both times (a second claim is the add sheet again, not a second card).
  const outer = (x: Json) => JSON.parse(x.cardList[0].cardExt as string).outer_str as string
  expect(outer(a)).toBe(outer(b))
  expect((await alice.fn('gift', { action: 'get', giftId })).gift).toMatchObject({ remaining: 1, status: 'PENDING' })
  await add('bob', a)
  expect(await bob.fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1006, reason: 'GIFT_ADDED' })
  expect(await alice.fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1004, reason: 'GIFT_OWN' })
  // The second card is still there for another friend.
  expect((await person(stack, 'carol').fn('gift', { action: 'claim', giftId })).errcode).toBe(0)
  expect((await alice.fn('gift', { action: 'get', giftId })).gift).toMatchObject({ remaining: 0, status: 'CLAIMED' })
})

test('what nobody claimed comes back to alice after GIFT_EXPIRY_S; claimed cards stay the claimers’; late friends are told it went back', async () => {
  const { p: alice, orderId } = await buyPaid('alice', 3)
  const { giftId } = await alice.fn('gift', { action: 'send', orderId, count: 3 })
  const claimed = await person(stack, 'bob').fn('gift', { action: 'claim', giftId })
  expect(claimed.errcode).toBe(0)
  // Not overdue yet by the cron's clock: nothing returns.
  expect(await returnOverdue(0)).toMatchObject({ returned: 0 })
  // A day later (GIFT_EXPIRY_S is 24 hours on this stack): the cron returns it (and any other gift still
  // waiting from the tests above), once.
  const run = await returnOverdue(DAY_MS + 1000)
  expect(run).toMatchObject({ failed: 0, passEnded: true })
  expect(run.returned).toBeGreaterThanOrEqual(1)
  expect(await returnOverdue(DAY_MS + 2000)).toMatchObject({ returned: 0 })
  const seen = (await alice.fn('gift', { action: 'get', giftId })).gift
  expect(seen).toMatchObject({ status: 'RETURNED', count: 3, remaining: 0 })
  expect(seen.claims).toHaveLength(1)
  expect(await person(stack, 'carol').fn('gift', { action: 'claim', giftId })).toMatchObject({ errcode: 1006, reason: 'GIFT_RETURNED' })
  // The two unclaimed cards are alice's to add; bob's claimed card is still his to add.
  expect((await alice.fn('card', { action: 'listMine' })).pending).toEqual([expect.objectContaining({ orderId, count: 2 })])
  const signed = await alice.fn('card', { action: 'signCardExt', orderId })
  expect(signed.cardList).toHaveLength(2)
  const added = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: signed.cardList })
  const mine = (await alice.fn('card', { action: 'recordAdded', cardList: added.json.cardList })).cards as Json[]
  expect(mine.map((c) => c.balance)).toEqual([10000, 10000])
  expect((await add('bob', await person(stack, 'bob').fn('gift', { action: 'claim', giftId }))).balance).toBe(10000)
  // Money: three cards paid, three funded, each once.
  const payments = (await (await fetch(`${stack.wechat.url}/__emu/payments`)).json()).payments as Json[]
  expect(payments.find((x) => x.outTradeNo === orderId)).toMatchObject({ paid: true, totalFee: 30000 })
})

test('send checks count: more cards than the order holds is 1001 naming count; fewer cards left than asked is NOTHING_TO_GIVE', async () => {
  const { p: alice, orderId } = await buyPaid('alice', 2)
  expect(await alice.fn('gift', { action: 'send', orderId, count: 3 })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('count'),
  })
  expect(await alice.fn('gift', { action: 'send', orderId, count: 0 })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('count'),
  })
  expect(await alice.fn('gift', { action: 'send', orderId, count: 11 })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('count'),
  })
  const one = await alice.fn('gift', { action: 'send', orderId })
  expect(one.errcode).toBe(0)
  expect(await alice.fn('gift', { action: 'send', orderId, count: 2 })).toMatchObject({ errcode: 1006, reason: 'NOTHING_TO_GIVE' })
})
