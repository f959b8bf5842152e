// Issue 27: the database calls of a card's arrival in the card bag, counted by the local cloud's
// /__cloud/stats (every database action an invocation sends: reads, writes, a transaction's start, its
// reads and writes, its commit). One card bought and added; its user_get_card push held back at the
// emulator and delivered here, before recordAdded or after it.
import type { Stack } from '../../emulator/stack'
import { storeOver } from '../helpers/store'
import { addWithPushHeld, deliverPush, nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

const addHeld = (name: string) => addWithPushHeld(stack, name, card100)

/** `call`'s database calls (nothing else runs: pushes settled, no timers). */
async function counted<T>(call: () => Promise<T>): Promise<{ answer: T; db: number }> {
  await settle(stack)
  const db0 = stack.cloud.stats.dbCalls
  const answer = await call()
  return { answer, db: stack.cloud.stats.dbCalls - db0 }
}

/** Both orders for one card each: the calls of recordAdded and of the push. */
async function bothOrders(name: string) {
  const a = await addHeld(name)
  const recordFirst = await counted(() => a.p.fn('card', { action: 'recordAdded', cardList: a.cardList }))
  expect(recordFirst.answer.cards[0]).toMatchObject({ code: a.code, balance: 10000 })
  const pushAfter = await counted(() => deliverPush(stack, a.xml))
  expect(pushAfter.answer.status).toBe(200)
  const b = await addHeld(name)
  const pushFirst = await counted(() => deliverPush(stack, b.xml))
  expect(pushFirst.answer.status).toBe(200)
  const recordAfter = await counted(() => b.p.fn('card', { action: 'recordAdded', cardList: b.cardList }))
  expect(recordAfter.answer.cards[0]).toMatchObject({ code: b.code, balance: 10000 })
  await settle(stack)
  for (const c of [a, b]) expect((await c.p.bag()).find((x) => x.code === c.code)).toMatchObject({ balance: 10000 })
  return { recordFirst: recordFirst.db, pushAfter: pushAfter.db, pushFirst: pushFirst.db, recordAfter: recordAfter.db }
}

test('recordAdded takes 4 database calls before its push and 2 after it; the push 4 first and 3 after; a new instance the same', async () => {
  // The first round writes what a person's first card writes once (the unionid mapping, the identity).
  const first = await bothOrders('carol')
  const warm = await bothOrders('carol')
  // Every function's instances end: the next calls start new ones (no access_token, nothing cached).
  await stack.cloud.runtime.reload()
  const fresh = await bothOrders('carol')
  console.log(`database calls, issue 27 (first card of a person, warm, new instance): ${JSON.stringify({ first, warm, fresh })}`)
  // recordAdded first: the entitlements with the mapping (one read), the entitlement's claim, the issue
  // entry, the card (inserted after updateuser). Its push after: one read, the card's saOpenid, the stored event.
  // The push first: one read, the three claims, no stored event. recordAdded after it: two reads.
  expect(warm).toEqual({ recordFirst: 4, pushAfter: 3, pushFirst: 4, recordAfter: 2 })
  expect(fresh).toEqual(warm)
  expect(first.recordFirst).toBeLessThanOrEqual(5)
  expect(first.pushAfter).toBeLessThanOrEqual(4)
  expect(first.pushFirst).toBeLessThanOrEqual(4)
})

test('the same push again: 1 database call and nothing changes', async () => {
  const b = await addHeld('carol')
  expect((await deliverPush(stack, b.xml)).status).toBe(200)
  await settle(stack)
  const again = await counted(() => deliverPush(stack, b.xml))
  expect(again).toEqual({ answer: { status: 200, text: 'success' }, db: 1 })
  const bag = await b.p.fn('card', { action: 'listMine' })
  expect((bag.cards as Json[]).filter((c) => c.code === b.code)).toEqual([expect.objectContaining({ balance: 10000 })])
})

test('merchant self-check sees a push that funded a card, though no event was stored for it', async () => {
  const b = await addHeld('carol')
  expect((await deliverPush(stack, b.xml)).status).toBe(200)
  // As in an environment whose only pushes so far are card purchases: no stored event at all.
  const store = storeOver(stack.cloud.db)
  for (const e of await store.find('events', {}, { limit: 1000 })) await store.remove('events', e._id)
  const checks = (await b.p.fn('merchant', { action: 'selfCheck' })).checks as Json[]
  expect(checks.find((c) => c.name === 'push')).toMatchObject({
    ok: true,
    detail: expect.stringMatching(/^最近一次 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）user_get_card$/),
  })
})

test('signCardExt: 1 database call (the order with its entitlements), on a warm instance and on a new one', async () => {
  const p = person(stack, 'carol')
  const signed = async () => {
    const order = await p.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })
    expect((await p.emu('/__emu/client/requestPayment', { user: 'carol', payment: order.payment })).json.callbackAcknowledged).toBe(true)
    const r = await counted(() => p.fn('card', { action: 'signCardExt', orderId: order.orderId }))
    expect(r.answer.cardList).toEqual([{ cardId: card100, cardExt: expect.stringContaining(`"outer_str":"${order.orderId}:0"`) }])
    return r.db
  }
  await signed() // the environment's first signing fetches the ticket from WeChat
  const warm = await signed()
  await stack.cloud.runtime.reload()
  // A new card instance: no wx_card ticket yet (it comes beside the order).
  const fresh = await signed()
  console.log(`database calls, issue 27: signCardExt ${JSON.stringify({ warm, fresh })}`)
  expect({ warm, fresh }).toEqual({ warm: 1, fresh: 1 })
})

test('recordAdded of an order of 3 cards: one first read for all, then 3 claims a card (10 calls); their pushes 3 each after it', async () => {
  const p = person(stack, 'carol')
  const order = await p.fn('pay', { action: 'createOrder', cardId: card100, quantity: 3, requestId: nextRequestId() })
  expect((await p.emu('/__emu/client/requestPayment', { user: 'carol', payment: order.payment })).json.callbackAcknowledged).toBe(true)
  const signed = await p.fn('card', { action: 'signCardExt', orderId: order.orderId })
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'POST', body: JSON.stringify({ path: 'push:user_get_card', times: 12 }) })
  const added = await p.emu('/__emu/client/addCard', { user: 'carol', cardList: signed.cardList })
  await settle(stack)
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  const recorded = await counted(() => p.fn('card', { action: 'recordAdded', cardList: added.json.cardList }))
  expect(recorded.db).toBe(10)
  const codes = (recorded.answer.cards as Json[]).map((c) => c.code as string)
  expect(recorded.answer.cards).toEqual(codes.map((code) => expect.objectContaining({ code, balance: 10000 })))
  const pushes = ((await (await fetch(`${stack.wechat.url}/__emu/pushes?status=failed`)).json()) as Json).pushes as Json[]
  for (const code of codes) {
    const xml = pushes.find((x) => x.event === 'user_get_card' && (x.xml as string).includes(`<UserCardCode><![CDATA[${code}]]>`))!
      .xml as string
    expect((await counted(() => deliverPush(stack, xml))).db).toBe(3)
  }
  await settle(stack)
  const bag = await p.bag()
  for (const code of codes) expect(bag.find((c) => c.code === code)).toMatchObject({ balance: 10000 })
})

test('card.readBag (the app launch): as many database calls on a new instance as on a warm one', async () => {
  const p = person(stack, 'carol')
  const readBag = async () => {
    const r = await counted(() => p.fn('card', { action: 'readBag' }))
    expect(r.answer).toMatchObject({ errcode: 0, read: expect.any(Number) })
    return r.db
  }
  await readBag()
  const warm = await readBag()
  await stack.cloud.runtime.reload()
  // The access_token comes beside the caller's cards (rooted at their unionid mapping), not in a read of its own.
  expect(await readBag()).toBe(warm)
})
