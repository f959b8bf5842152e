// Issue 10: each way the product lost or minted money when people and networks misbehaved, replayed
// on a whole local stack. Every test here failed on the main it was written against.
import { createHash } from 'node:crypto'
import type { Stack } from '../../emulator/stack'
import { stackEnv } from '../helpers/cloud'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string
let pageId: string

const cron = async (s: Stack = stack) => (await (await fetch(`${s.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
const emuPost = async (path: string, body: unknown) => {
  const res = await fetch(`${stack.wechat.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Json }
}
const payments = async () => (await (await fetch(`${stack.wechat.url}/__emu/payments`)).json()).payments as Json[]

/** createOrder → requestPayment: a paid order whose card is not in the card bag yet. */
async function buyPaid(name: string, requestId = nextRequestId()) {
  const p = person(stack, name)
  const order = await p.fn('pay', { action: 'createOrder', cardId: card100, requestId })
  expect(order.errcode).toBe(0)
  const paid = await p.emu('/__emu/client/requestPayment', { user: name, payment: order.payment })
  expect(paid.json.callbackAcknowledged).toBe(true)
  return { p, orderId: order.orderId as string }
}

beforeAll(async () => {
  stack = await startJourneyStack({ CARD_RECONCILE_AGE_S: '0' })
  const carol = person(stack, 'carol')
  card100 = await carol.shopCardId(10000)
  pageId = (await carol.fn('merchant', { action: 'shelfList' })).shelves[0].pageId
})
afterAll(() => stack.stop())

test('#1 one paid order funds one card: a second cardExt of the same entitlement adds a worthless, voided card', async () => {
  const { p, orderId } = await buyPaid('alice')
  const first = await p.fn('card', { action: 'signCardExt', orderId })
  const second = await p.fn('card', { action: 'signCardExt', orderId })
  const added = await p.emu('/__emu/client/addCard', { user: 'alice', cardList: [...first.cardList, ...second.cardList] })
  expect(added.status).toBe(200)
  await settle(stack) // both user_get_card pushes processed before recordAdded
  const results = await Promise.all((added.json.cardList as Json[]).map((c) => p.fn('card', { action: 'recordAdded', cardList: [c] })))
  expect(results.map((r) => r.errcode).sort()).toEqual([0, 1006])
  await settle(stack)
  const issued = (await p.fn('card', { action: 'listMine' })).cards.filter(
    (c: Json) => c.cardId === card100 && results.some((r) => r.cards?.[0]?.code === c.code),
  )
  expect(issued.map((c: Json) => c.balance)).toEqual([10000])
  const bag = (await p.bag()).filter((c) => (added.json.cardList as Json[]).length && c.cardId === card100)
  expect(bag.filter((c) => c.status === 'UNAVAILABLE')).toHaveLength(1)
  expect((await p.fn('card', { action: 'signCardExt', orderId })).errcode).toBe(1006)
})

test('#2 card.reverse is gone: a customer cannot credit back a checkout leg', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 9000,
    orderId: `R2-${card.code}`,
  })
  const started = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId: `R2${card.code}`,
    cardId: card.cardId,
    code: card.code,
    total: 3000,
  })
  expect(started.errcode).toBe(0)
  expect((await alice.fn('card', { action: 'reverse', orderId: `R2${card.code}-gc` })).errcode).toBe(1002)
  expect((await alice.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card.balance).toBe(0)
})

test('#3 a double tap on Buy is one order and one charge', async () => {
  const alice = person(stack, 'alice')
  const requestId = nextRequestId()
  const [a, b] = await Promise.all([
    alice.fn('pay', { action: 'createOrder', cardId: card100, requestId }),
    alice.fn('pay', { action: 'createOrder', cardId: card100, requestId }),
  ])
  expect(a.orderId).toBe(b.orderId)
  expect(a.payment).toEqual(b.payment)
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: a.payment })).status).toBe(200)
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: b.payment })).status).toBe(400)
  // A third tap after payment answers the paid order and no payment to make.
  const c = await alice.fn('pay', { action: 'createOrder', cardId: card100, requestId })
  expect(c).toMatchObject({ errcode: 0, orderId: a.orderId, status: 'ISSUED' })
  expect(c.payment).toBeUndefined()
  expect((await payments()).filter((x) => x.outTradeNo === a.orderId)).toEqual([expect.objectContaining({ paid: true, totalFee: 10000 })])
  // The same requestId for another purchase is refused.
  expect((await alice.fn('pay', { action: 'createOrder', cardId: card100, requestId, quantity: 2 })).errcode).toBe(1006)
})

test('#4 paid but the add sheet was cancelled: the card is pending in My cards and can be added later, once', async () => {
  const { p, orderId } = await buyPaid('bob')
  const mine = await p.fn('card', { action: 'listMine' })
  expect(mine.pending).toEqual([expect.objectContaining({ orderId, cardId: card100, price: 10000, count: 1 })])
  const signed = await p.fn('card', { action: 'signCardExt', orderId })
  const added = await p.emu('/__emu/client/addCard', { user: 'bob', cardList: signed.cardList })
  const rec = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  expect(rec.cards).toEqual([expect.objectContaining({ balance: 10000 })])
  expect((await p.fn('card', { action: 'listMine' })).pending).toEqual([])
})

test('#5 a gift whose pushes are all lost: one cron run and the giver can no longer spend it', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  await emuPost('/__emu/faults', { path: 'push:user_gifting_card', times: 4 })
  await emuPost('/__emu/faults', { path: 'push:user_get_card', times: 4 })
  expect((await alice.emu('/__emu/client/gift', { from: 'alice', to: 'carol', cardId: card.cardId, code: card.code })).status).toBe(200)
  await settle(stack)
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  expect((await cron()).tasks.cards.ok).toBe(true)
  expect(
    (
      await alice.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card.cardId,
        code: card.code,
        amount: 100,
        orderId: `R5-${card.code}`,
      })
    ).errcode,
  ).toBe(1006)
  const mine = (await alice.fn('card', { action: 'listMine' })).cards.find((c: Json) => c.code === card.code)
  expect(mine.status).toBe('GIFTED')
})

test('#6 compat mode: a plaintext-only body is refused; a signature is good for one body; a transfer needs a gift WeChat confirms', async () => {
  const compat = await startJourneyStack({ WX_PUSH_MODE: 'compat' })
  try {
    const token = stackEnv.WX_PUSH_TOKEN!
    const ts = String(Math.floor(Date.now() / 1000))
    const sign = (nonce: string) => createHash('sha1').update([token, ts, nonce].sort().join('')).digest('hex')
    const forged = `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[oAttacker]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_get_card]]></Event><CardId><![CDATA[${card100}]]></CardId><UserCardCode><![CDATA[999999999999]]></UserCardCode><IsGiveByFriend>1</IsGiveByFriend><OldUserCardCode><![CDATA[111]]></OldUserCardCode></xml>`
    const res = await fetch(`${compat.cloud.url}/wxpush?signature=${sign('n1')}&timestamp=${ts}&nonce=n1`, { method: 'POST', body: forged })
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('rejected: compat mode: the body is not encrypted')
  } finally {
    await compat.stop()
  }
  // Plain mode signs only the query: the same (timestamp, nonce) is refused for a second body.
  const plain = await startJourneyStack({ WX_PUSH_MODE: 'plain' })
  try {
    const alice = person(plain, 'alice')
    const c100 = await alice.shopCardId(10000)
    const { card } = await alice.buyAndAdd(c100)
    await plain.wechat.platform.settle()
    const token = stackEnv.WX_PUSH_TOKEN!
    const ts = String(Math.floor(Date.now() / 1000))
    const q = `signature=${createHash('sha1').update([token, ts, 'n7'].sort().join('')).digest('hex')}&timestamp=${ts}&nonce=n7`
    const ev = (code: string) =>
      `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[oAttacker]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_get_card]]></Event><CardId><![CDATA[${c100}]]></CardId><UserCardCode><![CDATA[${code}]]></UserCardCode><IsGiveByFriend>1</IsGiveByFriend><OldUserCardCode><![CDATA[${card.code}]]></OldUserCardCode></xml>`
    expect((await fetch(`${plain.cloud.url}/wxpush?${q}`, { method: 'POST', body: ev('888888888888') })).status).toBe(200)
    const replay = await fetch(`${plain.cloud.url}/wxpush?${q}`, { method: 'POST', body: ev('777777777777') })
    expect(replay.status).toBe(401)
    // The accepted one claimed a gift of alice's NORMAL card: WeChat does not confirm it, nothing moves.
    expect((await alice.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card).toMatchObject({
      balance: 10000,
      status: 'NORMAL',
    })
    expect((await plain.cloud.db.collection('user_cards').where({ code: '888888888888' }).get()).data).toEqual([])
  } finally {
    await plain.stop()
  }
})

test('#7 a Mini Program user cannot run cron', async () => {
  const r = await person(stack, 'bob').fn('cron', {})
  expect(r).toEqual({ errcode: 1004, errmsg: 'cron runs on its timer trigger only' })
})

test('#8 prototype keys and malformed ids are refused before anything runs; nothing is polluted', async () => {
  const carol = person(stack, 'carol')
  expect((await carol.fn('merchant', { action: 'cardStock', cardId: '__proto__', delta: 5 })).errcode).toBe(1001)
  const upd = await fetch(`${stack.cloud.url}/fn/merchant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': carol.mpOpenid },
    body: `{"action":"shelfUpdate","page":{"page_id":"${pageId}","__proto__":{"polluted":1}}}`,
  })
  expect(((await upd.json()) as Json).errcode).toBe(1001)
  expect((await carol.fn('merchant', { action: 'cardGet', cardId: 'not a card id!' })).errcode).toBe(1001)
  // The emulator refuses such a body too, and its maps have no prototype to reach.
  expect((await emuPost('/__emu/users', JSON.parse('{"name":"x","__proto__":{"polluted":1}}'))).status).toBe(400)
  expect(({} as Json).polluted).toBeUndefined()
  expect(({} as Json).quantity).toBeUndefined()
  expect((await person(stack, 'alice').fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })).errcode).toBe(0)
})

test('#9 a payment that lands after the checkout was cancelled is refunded by cron, and the merchant sees it', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 9000,
    orderId: `R9-${card.code}`,
  })
  const started = await alice.fn('pay', {
    action: 'startCheckout',
    checkoutId: `R9${card.code}`,
    cardId: card.cardId,
    code: card.code,
    total: 3000,
  })
  expect((await alice.fn('pay', { action: 'cancelCheckout', checkoutId: `R9${card.code}` })).balance).toBe(1000)
  await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })
  expect((await cron()).tasks.latePayments).toMatchObject({ ok: true, refunded: 1 })
  expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order.status).toBe('REFUNDED')
  expect((await payments()).find((x) => x.outTradeNo === started.orderId)).toMatchObject({ paid: true, totalFee: 2000, refunded: 2000 })
  const list = await person(stack, 'carol').fn('merchant', { action: 'orderList', channel: 'checkout', limit: 100 })
  expect(list.orders.find((o: Json) => o.orderId === started.orderId)).toMatchObject({
    channel: 'checkout',
    state: 'REFUNDED',
    refundFee: 2000,
  })
})

test('#10 the merchant sees Mini Program sales and refunds one: the card is unusable everywhere; a retry changes nothing', async () => {
  const bob = person(stack, 'bob')
  const { orderId, card } = await bob.buyAndAdd(card100)
  await bob.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 2500,
    orderId: `R10-${card.code}`,
  })
  const carol = person(stack, 'carol')
  const list = await carol.fn('merchant', { action: 'orderList', channel: 'mp', limit: 100 })
  expect(list.orders.find((o: Json) => o.orderId === orderId)).toMatchObject({ channel: 'mp', state: 'ISSUED', totalPrice: 10000 })
  expect((await carol.fn('merchant', { action: 'overview' })).orders).toBeGreaterThan(0)
  const refund = await carol.fn('merchant', { action: 'orderRefund', orderId, reason: '顾客申请' })
  expect(refund).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 7500, channel: 'mp' })
  expect(await carol.fn('merchant', { action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 7500 })
  expect((await payments()).find((x) => x.outTradeNo === orderId)).toMatchObject({ refunded: 7500 })
  await settle(stack)
  expect((await bob.bag()).find((c) => c.code === card.code)).toMatchObject({ status: 'UNAVAILABLE' })
  expect((await bob.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card).toMatchObject({
    status: 'UNAVAILABLE',
    balance: 0,
  })
  expect(
    (
      await bob.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card.cardId,
        code: card.code,
        amount: 1,
        orderId: `R10b-${card.code}`,
      })
    ).errcode,
  ).toBe(1006)
})

test('#11 a card is sold only while its shelf is up and it stays valid long enough', async () => {
  const carol = person(stack, 'carol')
  expect((await carol.fn('merchant', { action: 'shelfTakedown', pageId })).errcode).toBe(0)
  expect((await carol.fn('card', { action: 'shop' })).items).toEqual([])
  expect((await carol.fn('pay', { action: 'createOrder', cardId: card100, requestId: nextRequestId() })).errcode).toBe(1006)
  expect((await carol.fn('merchant', { action: 'shelfTakedown', pageId, maintain: false })).errcode).toBe(0)
  expect(((await carol.fn('card', { action: 'shop' })).items as Json[]).map((i) => i.cardId)).toContain(card100)
  const short = await startJourneyStack({ SALE_MIN_VALID_DAYS: '100000' })
  try {
    const a = person(short, 'alice')
    expect((await a.fn('card', { action: 'shop' })).items).toEqual([])
    const c = ((await person(short, 'carol').fn('merchant', { action: 'cardList' })).cards as Json[])[0]!.cardId
    const refused = await a.fn('pay', { action: 'createOrder', cardId: c, requestId: nextRequestId() })
    expect(refused.errcode).toBe(1006)
  } finally {
    await short.stop()
  }
})

test('#12 a shelf refund whose reply was lost completes on retry; an accepted shelf gift reaches the accepter', async () => {
  const carol = person(stack, 'carol')
  const buy = await emuPost('/__emu/giftcard/buy', {
    user: 'alice',
    pageId,
    items: [{ cardId: card100, backgroundPicUrl: '', message: '生日快乐' }],
    toChatRoom: false,
  })
  expect(buy.status).toBe(200)
  const orderId = buy.json.order.order_id as string
  expect((await emuPost('/__emu/giftcard/accept', { user: 'bob', orderId })).status).toBe(200)
  await settle(stack)
  const code = buy.json.order.card_list[0].code as string
  const bobsCard = (await stack.cloud.db.collection('user_cards').doc(`${card100}:${code}`).get()).data as Json
  expect(bobsCard).toMatchObject({ saOpenid: stack.wechat.users.get('bob')!.saOpenid, status: 'NORMAL', balance: 10000 })
  await emuPost('/__emu/faults', { path: 'card/giftcard/order/refund', dropReply: true, times: 1 })
  // WeChat refunds and the reply is lost; the client's retry meets "already refunded", asks WeChat,
  // finds the cards gone and completes. A later retry by the merchant changes nothing.
  expect(await carol.fn('merchant', { action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', channel: 'shelf' })
  expect(await carol.fn('merchant', { action: 'orderRefund', orderId })).toMatchObject({ errcode: 0, status: 'REFUNDED', channel: 'shelf' })
  expect(
    ((await (await fetch(`${stack.wechat.url}/__emu/stats`)).json()) as Json).calls['card/giftcard/order/refund'],
  ).toBeGreaterThanOrEqual(1)
  expect((await stack.cloud.db.collection('user_cards').doc(`${card100}:${code}`).get()).data).toMatchObject({
    balance: 0,
    status: 'DELETE',
  })
})

test('#13 the purchase confirmation shows the balance even when the push recorded the card first', async () => {
  const { p, orderId } = await buyPaid('carol')
  const signed = await p.fn('card', { action: 'signCardExt', orderId })
  const added = await p.emu('/__emu/client/addCard', { user: 'carol', cardList: signed.cardList })
  await settle(stack)
  const rec = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  expect(rec.cards).toEqual([expect.objectContaining({ balance: 10000, status: 'NORMAL' })])
})

test('#14 sixteen purchases of one person racing: every one is added and funded once', async () => {
  const alice = person(stack, 'alice')
  const before = (await alice.fn('card', { action: 'listMine' })).cards.length
  const results = await Promise.all(Array.from({ length: 16 }, () => alice.buyAndAdd(card100)))
  expect(results.map((r) => r.card.balance)).toEqual(Array(16).fill(10000))
  expect(new Set(results.map((r) => r.card.code)).size).toBe(16)
  expect((await alice.fn('card', { action: 'listMine' })).cards.length).toBe(before + 16)
})
