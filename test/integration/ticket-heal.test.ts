// Issue 25 §2: WeChat drops the wx_card ticket before its stated expiry. Every card_ext signed with the
// cached ticket is then refused ("invalid signature"); the Mini Program's next try after that failure asks
// for renewTicket and succeeds — purchases, gift claims, coupon claims and member joins alike share it —
// and many such tries at once fetch the ticket once.
import type { Stack } from '../../emulator/stack'
import { person, startJourneyStack } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

test('a purchase whose add failed on a dropped ticket succeeds on the next try, which renews the ticket', async () => {
  const alice = person(stack, 'alice')
  await alice.buyAndAdd(await alice.shopCardId(10000)) // the ticket is fetched and cached
  const order = await alice.fn('pay', { action: 'createOrder', cardId: await alice.shopCardId(10000), requestId: 'heal-order-1' })
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: order.payment })).json.callbackAcknowledged).toBe(true)

  // The cached ticket is two minutes old (renewals are allowed once a minute), and then WeChat drops it.
  const store = storeOver(stack.cloud.db)
  const ticketId = `wx_card_ticket:${stack.env.WX_SA_APPID}`
  const cached = (await store.get<{ _id: string; fetchedAt: number }>('credentials', ticketId))!
  await store.update('credentials', ticketId, { fetchedAt: cached.fetchedAt - 120_000 })
  expect((await alice.emu('/__emu/tickets/drop', {})).json.dropped).toBe(1)
  const stale = await alice.fn('card', { action: 'signCardExt', orderId: order.orderId })
  const refused = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: stale.cardList })
  expect(refused.status).not.toBe(200)
  expect(JSON.stringify(refused.json)).toMatch(/invalid signature/)
  // Without the flag the cached (dropped) ticket is used again, and refused again: the old behaviour.
  const again = await alice.fn('card', { action: 'signCardExt', orderId: order.orderId })
  expect((await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: again.cardList })).status).not.toBe(200)

  const fetchesBefore = stack.wechat.platform.stats.ticketFetches
  const renewed = await Promise.all(
    Array.from({ length: 5 }, () => alice.fn('card', { action: 'signCardExt', orderId: order.orderId, renewTicket: true })),
  )
  expect(stack.wechat.platform.stats.ticketFetches - fetchesBefore).toBe(1)
  const added = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: renewed[0]!.cardList })
  expect(added.status).toBe(200)
  expect((await alice.fn('card', { action: 'recordAdded', cardList: added.json.cardList })).errcode).toBe(0)

  // Within the minute, another renewal request fetches nothing more, and its signature is good.
  const second = await alice.fn('pay', { action: 'createOrder', cardId: await alice.shopCardId(10000), requestId: 'heal-order-2' })
  await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: second.payment })
  const signed = await alice.fn('card', { action: 'signCardExt', orderId: second.orderId, renewTicket: true })
  expect(signed.errcode).toBe(0)
  expect(stack.wechat.platform.stats.ticketFetches - fetchesBefore).toBe(1)
  expect((await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: signed.cardList })).status).toBe(200)
})

test('renewTicket must be true or false', async () => {
  const bad = await person(stack, 'bob').fn('member', { action: 'join', cardId: 'pAny', renewTicket: 'yes' })
  expect(bad.errcode).toBe(1001)
  expect(bad.errmsg).toMatch(/^renewTicket /)
})
