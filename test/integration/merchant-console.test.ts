// The merchant console's actions on a whole local stack: the dashboard from our ledger and WeChat's
// data cube, order search and detail, a card looked up by code beside WeChat's view, freezing, taking a
// card off sale, and the image upload under both names and by a wx.cloud.CDN URL.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startPreview } from '../../emulator/h5/preview'
import type { Stack } from '../../emulator/stack'
import { cashCoupon, claimCoupon } from '../helpers/coupons'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)
// The smallest PNG: 1×1, one transparent pixel.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())

test('the dashboard shows a purchase, a spend, the outstanding balance and the claims WeChat counted', async () => {
  const empty = await merchant({ action: 'dashboard', days: 7 })
  expect(empty).toMatchObject({ errcode: 0, sales: [], redeemed: 0, liability: 0, claimed: 0, members: 0, cube: true })
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  expect(
    (
      await alice.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card.cardId,
        code: card.code,
        amount: 2500,
        orderId: 'DASH-1',
      })
    ).errcode,
  ).toBe(0)
  await settle(stack)
  const d = await merchant({ action: 'dashboard', days: 1 })
  expect(d.sales).toEqual([{ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), channel: 'mp', amount: 10000, orders: 1 }])
  expect(d.redeemed).toBe(2500)
  expect(d.liability).toBe(7500)
  expect(d.claimed).toBe(1)
  expect(d.members).toBe(0)
  // The cron's rollups task (issue 26) runs beside the others; today is read live, so the figures stay.
  const run = (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
  expect(run.tasks.rollups).toMatchObject({ ok: true, drift: [] })
  expect(await merchant({ action: 'dashboard', days: 1 })).toMatchObject({
    sales: d.sales,
    redeemed: 2500,
    liability: 7500,
    liveCards: d.liveCards,
  })
})

test('the dashboard counts gift cards as gift cards: a claimed coupon is a coupon, apart', async () => {
  const before = await merchant({ action: 'dashboard', days: 1 })
  const created = await merchant({ action: 'cardCreate', card: cashCoupon('满100减10', 10000, 1000) })
  expect(created.errcode).toBe(0)
  expect((await merchant({ action: 'claimableSet', cardId: created.cardId, claimable: true })).errcode).toBe(0)
  await claimCoupon(stack, 'bob', created.cardId as string, 'dash-coupon-1')
  await settle(stack)
  const after = await merchant({ action: 'dashboard', days: 1 })
  expect(after).toMatchObject({
    errcode: 0,
    claimed: before.claimed,
    couponsClaimed: before.couponsClaimed + 1,
    members: before.members,
    liveCards: before.liveCards,
    liability: before.liability,
    live: {
      giftCards: before.live.giftCards,
      memberCards: before.live.memberCards,
      coupons: { count: before.live.coupons.count + 1, balance: 0 },
    },
  })
  expect(after.live.giftCards.count).toBe(after.liveCards)
})

test('cardStock refuses 0, a change past ±1 亿 and a reduction past the stock left, naming delta (1001)', async () => {
  const zero = await merchant({ action: 'cardStock', cardId: card100, delta: 0 })
  expect(zero).toEqual({ errcode: 1001, errmsg: 'delta must not be 0', field: 'delta' })
  const huge = await merchant({ action: 'cardStock', cardId: card100, delta: 100_000_001 })
  expect(huge).toEqual({ errcode: 1001, errmsg: 'delta must be at most 100000000', field: 'delta' })
  const got = await merchant({ action: 'cardGet', cardId: card100 })
  const stock = got.card.general_card.base_info.sku.quantity as number
  const tooMany = await merchant({ action: 'cardStock', cardId: card100, delta: -(stock + 1) })
  expect(tooMany).toEqual({
    errcode: 1001,
    errmsg: `delta must not reduce the stock by more than the ${stock} left`,
    field: 'delta',
    reason: 'STOCK_TOO_LOW',
    stock,
  })
  expect((await merchant({ action: 'cardStock', cardId: card100, delta: -1 })).errcode).toBe(0)
  const after = await merchant({ action: 'cardGet', cardId: card100 })
  expect(after.card.general_card.base_info.sku.quantity).toBe(stock - 1)
})

test('dashboard days is checked', async () => {
  for (const days of [0, 367, 'x', undefined]) {
    const r = await merchant({ action: 'dashboard', days })
    expect(r.errcode).toBe(1001)
    expect(r.errmsg).toMatch(/^days /)
  }
  expect((await person(stack, 'alice').fn('merchant', { action: 'dashboard', days: 7 })).errcode).toBe(1004)
})

test('orders are found by order number, card code or buyer, filtered by state, channel and time; detail has the cards and their ledger', async () => {
  const alice = person(stack, 'alice')
  const { orderId, card } = await alice.buyAndAdd(card100)
  const byOrder = await merchant({ action: 'orderList', q: orderId })
  expect(byOrder.orders.map((o: Json) => o.orderId)).toEqual([orderId])
  const byCode = await merchant({ action: 'orderList', q: card.code })
  expect(byCode.orders.map((o: Json) => o.orderId)).toEqual([orderId])
  const byBuyer = await merchant({ action: 'orderList', q: alice.mpOpenid })
  expect(byBuyer.orders.map((o: Json) => o.orderId)).toContain(orderId)
  expect((await merchant({ action: 'orderList', q: orderId, state: 'REFUNDED' })).orders).toEqual([])
  expect((await merchant({ action: 'orderList', q: orderId, channel: 'shelf' })).orders).toEqual([])
  expect((await merchant({ action: 'orderList', q: orderId, since: Date.now() + 60_000 })).orders).toEqual([])
  expect((await merchant({ action: 'orderList', q: 'a b' })).errcode).toBe(1001)

  const detail = await merchant({ action: 'orderDetail', orderId })
  // The buyer as a stable alias (#28), found by it too; the openid is in no answer.
  expect(detail.order).toMatchObject({ orderId, channel: 'mp', totalPrice: 10000, buyer: expect.stringMatching(/^顾客·[0-9A-F]{4}$/) })
  expect(JSON.stringify(detail)).not.toContain(alice.mpOpenid)
  expect(byBuyer.orders.every((o: Json) => o.buyer === detail.order.buyer)).toBe(true)
  expect((await merchant({ action: 'orderList', q: detail.order.buyer })).orders.map((o: Json) => o.orderId)).toContain(orderId)
  expect(detail.cards).toHaveLength(1)
  expect(detail.cards[0]).toMatchObject({ code: card.code, balance: 10000 })
  expect(detail.cards[0].entries.map((e: Json) => e.kind)).toEqual(['issue'])
  expect((await merchant({ action: 'orderDetail', orderId: 'NOPE' })).errcode).toBe(1005)

  // Refunded with a reason: the reason shows in the detail and in the audit log.
  expect((await merchant({ action: 'orderRefund', orderId, reason: '顾客申请退款' })).errcode).toBe(0)
  const after = await merchant({ action: 'orderDetail', orderId })
  expect(after.order).toMatchObject({ state: 'REFUNDED', refundReason: '顾客申请退款' })
  expect(after.cards[0].entries.map((e: Json) => e.kind)).toEqual(['refund', 'issue'])
  const audit = await merchant({ action: 'auditList', limit: 5 })
  expect(audit.entries[0]).toMatchObject({ action: 'orderRefund', target: orderId, reason: '顾客申请退款' })
})

test('each order carries what became of its cards: paid, given, claimed, used up, refunded (#28)', async () => {
  const alice = person(stack, 'alice')
  const state = async (orderId: string) => ((await merchant({ action: 'orderList', q: orderId })).orders as Json[])[0]!.cardState
  // Paid, not added to a card bag: 已支付; then sent to a friend as a gift: 已赠送.
  const order = await alice.fn('pay', { action: 'createOrder', cardId: card100, requestId: 'STATES-PAID' })
  expect((await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: order.payment })).json.callbackAcknowledged).toBe(true)
  await settle(stack)
  expect(await state(order.orderId)).toBe('PAID')
  expect((await alice.fn('gift', { action: 'send', orderId: order.orderId })).errcode).toBe(0)
  expect(await state(order.orderId)).toBe('GIFTED')
  // In the card bag: 已领取; spent to nothing: 已用完; the list's first page says the same.
  const { orderId, card } = await alice.buyAndAdd(card100)
  expect(await state(orderId)).toBe('CLAIMED')
  const spent = await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 10000,
    orderId: 'STATES-ALL',
  })
  expect(spent.errcode).toBe(0)
  await settle(stack)
  expect(await state(orderId)).toBe('USED_UP')
  const page = (await merchant({ action: 'orderList', channel: 'mp', limit: 5 })).orders as Json[]
  expect(page.find((o) => o.orderId === orderId)).toMatchObject({ cardState: 'USED_UP' })
  expect(page.find((o) => o.orderId === order.orderId)).toMatchObject({ cardState: 'GIFTED' })
  // Refunded: 已退款 (nothing was left to give back).
  expect(await merchant({ action: 'orderRefund', orderId, reason: '测试' })).toMatchObject({ errcode: 0, status: 'REFUNDED', refundFee: 0 })
  expect(await state(orderId)).toBe('REFUNDED')
})

test('a card looked up by code shows our ledger beside WeChat; freezing makes it unusable in both, once', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  const found = await merchant({ action: 'cardLookup', code: card.code })
  expect(found.cards).toHaveLength(1)
  expect(found.cards[0]).toMatchObject({
    cardId: card.cardId,
    code: card.code,
    balance: 10000,
    status: 'NORMAL',
    holder: expect.stringMatching(/^顾客·[0-9A-F]{4}$/),
    synced: true,
    wechat: { status: 'NORMAL' },
  })
  expect(found.cards[0].entries[0]).toMatchObject({ kind: 'issue', amount: 10000 })
  expect((await merchant({ action: 'cardLookup', code: '000000000000' })).errcode).toBe(1005)

  expect((await merchant({ action: 'cardFreeze', cardId: card.cardId, code: card.code })).errmsg).toMatch(/^reason /)
  const frozen = await merchant({ action: 'cardFreeze', cardId: card.cardId, code: card.code, reason: '挂失' })
  expect(frozen).toMatchObject({ errcode: 0, status: 'UNAVAILABLE', changed: true })
  expect((await merchant({ action: 'cardFreeze', cardId: card.cardId, code: card.code, reason: '挂失' })).changed).toBe(false)
  const again = await merchant({ action: 'cardLookup', code: card.code })
  expect(again.cards[0]).toMatchObject({ status: 'UNAVAILABLE', balance: 10000, wechat: { status: 'UNAVAILABLE' } })
  // A frozen card cannot be spent.
  expect(
    (
      await alice.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card.cardId,
        code: card.code,
        amount: 100,
        orderId: 'FROZEN-1',
      })
    ).errcode,
  ).toBe(1006)
  // …nor adjusted: its balance stays as it was.
  expect(
    (await merchant({ action: 'cardAdjust', cardId: card.cardId, code: card.code, amount: 500, key: 'frozen-adj', reason: '补偿' }))
      .errcode,
  ).toBe(1006)
  expect((await merchant({ action: 'cardLookup', code: card.code })).cards[0].balance).toBe(10000)
  const audit = await merchant({ action: 'auditList', limit: 3 })
  // The second freeze changed nothing (changed: false), so it wrote no audit entry (issue 25 §6).
  expect(audit.entries.filter((e: Json) => e.action === 'cardFreeze')).toHaveLength(1)
})

test('imageUpload takes {name, contentBase64} and the first {filename, imageBase64}; anything else is refused by field', async () => {
  const a = await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: PNG })
  expect(a).toMatchObject({ errcode: 0, url: expect.stringMatching(/^http/) })
  expect((await fetch(a.url)).status).toBe(200)
  expect(await merchant({ action: 'imageUpload', filename: 'face.png', imageBase64: PNG })).toMatchObject({
    errcode: 0,
    url: expect.stringMatching(/^http/),
  })
  const bad = await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: 'not base64!' })
  expect(bad.errcode).toBe(1001)
  expect(bad.errmsg).toMatch(/^contentBase64 /)
  expect((await merchant({ action: 'imageUpload', name: '../x.png', contentBase64: PNG })).errmsg).toMatch(/^name /)
})

test("imageUpload takes a picture up to WeChat's 1 MB as base64, and refuses a bigger one by its bytes", async () => {
  // A 900 KB PNG is 1.2 MB as base64: the body must fit it, the limit is on the picture's bytes.
  const png = (size: number) =>
    Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(size - Buffer.from(PNG, 'base64').length)]).toString('base64')
  expect(await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: png(900 * 1024) })).toMatchObject({
    errcode: 0,
    url: expect.stringMatching(/^http/),
  })
  const big = await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: png(1024 * 1024 + 1) })
  expect(big).toEqual({
    errcode: 1001,
    field: 'contentBase64',
    errmsg: `contentBase64 must be a picture of at most 1 MB (WeChat's uploadimg limit), got ${1024 * 1024 + 1} bytes`,
  })
})

// A PNG of `size` bytes: the 1×1 PNG's bytes, then zeros (uploadimg looks at the signature and the size).
const pngOf = (size: number) => Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(size - Buffer.from(PNG, 'base64').length)])
/** Puts bytes on the local cloud's temporary CDN, as WeChat's client does with a wx.cloud.CDN-marked field. */
const onTempCdn = async (bytes: Buffer) =>
  ((await (await fetch(`${stack.cloud.url}/__cloud/cdn`, { method: 'POST', body: new Uint8Array(bytes) })).json()) as { url: string }).url

test('imageUpload takes contentUrl: it downloads the picture and puts it on the CDN, up to 1 MB exactly', async () => {
  const picture = pngOf(1024 * 1024)
  const a = await merchant({ action: 'imageUpload', name: 'face.png', contentUrl: await onTempCdn(picture) })
  expect(a).toMatchObject({ errcode: 0, url: expect.stringMatching(new RegExp(`^${stack.wechat.url}/__emu/cdn/`)) })
  expect(Buffer.from(await (await fetch(a.url)).arrayBuffer()).equals(picture)).toBe(true)
})

test('imageUpload refuses a contentUrl picture over 1 MB, a bad URL and two pictures at once, naming the field (1001)', async () => {
  const big = await merchant({ action: 'imageUpload', name: 'face.png', contentUrl: await onTempCdn(pngOf(1024 * 1024 + 1)) })
  expect(big).toEqual({
    errcode: 1001,
    field: 'contentUrl',
    errmsg: `contentUrl must be a picture of at most 1 MB (WeChat's uploadimg limit), got ${1024 * 1024 + 1} bytes`,
  })
  const refused = async (contentUrl: string) => merchant({ action: 'imageUpload', name: 'face.png', contentUrl })
  expect(await refused('not a url')).toEqual({
    errcode: 1001,
    field: 'contentUrl',
    errmsg: 'contentUrl must be a URL (the CDN URL wx.cloud.CDN gives)',
  })
  expect(await refused('http://example.com/face.png')).toEqual({
    errcode: 1001,
    field: 'contentUrl',
    errmsg: 'contentUrl must be an https URL (the CDN URL wx.cloud.CDN gives)',
  })
  expect(await refused(`${stack.cloud.url}/__cloud/cdn/${'0'.repeat(32)}`)).toEqual({
    errcode: 1001,
    field: 'contentUrl',
    errmsg: 'contentUrl could not be downloaded (HTTP 404)',
  })
  const url = await onTempCdn(pngOf(1000))
  expect((await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: PNG, contentUrl: url })).errmsg).toBe(
    'contentUrl cannot come with contentBase64: give exactly one of contentBase64, imageBase64, contentUrl',
  )
  expect((await merchant({ action: 'imageUpload', name: 'face.png' })).errmsg).toBe(
    'contentBase64 or imageBase64 or contentUrl: give the picture',
  )
})

test('imageUpload follows a contentUrl redirect only where contentUrl itself could point (1001 otherwise)', async () => {
  // A host on this machine that answers every path with a redirect to the URL in its query.
  const redirector = createServer((req, res) => {
    res.writeHead(302, { location: new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '' })
    res.end()
  })
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r))
  const via = (to: string) => `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/face.png?to=${encodeURIComponent(to)}`
  try {
    const picture = pngOf(2000)
    const moved = await merchant({ action: 'imageUpload', name: 'face.png', contentUrl: via(await onTempCdn(picture)) })
    expect(moved).toMatchObject({ errcode: 0, url: expect.stringMatching(new RegExp(`^${stack.wechat.url}/__emu/cdn/`)) })
    expect(Buffer.from(await (await fetch(moved.url)).arrayBuffer()).equals(picture)).toBe(true)
    const refused = async (to: string) => merchant({ action: 'imageUpload', name: 'face.png', contentUrl: via(to) })
    expect(await refused('http://10.255.255.1/face.png')).toEqual({
      errcode: 1001,
      errmsg: 'contentUrl was redirected to http://10.255.255.1, not an https URL (http is read only from this machine)',
      field: 'contentUrl',
    })
    expect(await refused('file:///etc/passwd')).toEqual({
      errcode: 1001,
      errmsg: 'contentUrl was redirected to file:, not an https URL (http is read only from this machine)',
      field: 'contentUrl',
    })
  } finally {
    redirector.closeAllConnections()
    await new Promise((r) => redirector.close(r))
  }
})

test('a picture over 100 KB from the H5 preview: refused as base64 as on a phone, uploaded through the temporary CDN', async () => {
  // The bridge's two requests, as src/services/h5-bridge.ts makes them for carol's upload.
  const preview = await startPreview({
    port: 0,
    h5Dir: '/nonexistent',
    cloudUrl: stack.cloud.url,
    wechatUrl: stack.wechat.url,
    people: () => stack.wechat.users.all(),
  })
  try {
    const picture = pngOf(300 * 1024)
    const fn = async (data: Json) =>
      (await (
        await fetch(`${preview.url}/__preview/fn/merchant`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-preview-user': 'carol' },
          body: JSON.stringify(data),
        })
      ).json()) as Json
    expect(await fn({ action: 'imageUpload', name: 'face.png', contentBase64: picture.toString('base64') })).toEqual({
      errcode: 1001,
      errmsg: expect.stringMatching(/Mini Program's limit .*\(100 KB\)/),
    })
    const marked = await fetch(`${preview.url}/__preview/cdn`, { method: 'POST', body: new Uint8Array(picture) })
    const { url: contentUrl } = (await marked.json()) as { url: string }
    const uploaded = await fn({ action: 'imageUpload', name: 'face.png', contentUrl })
    // WeChat's emulated media/uploadimg stored it: the answered URL is its CDN's and serves the picture.
    expect(uploaded).toMatchObject({
      errcode: 0,
      url: expect.stringMatching(new RegExp(`^${stack.wechat.url}/__emu/cdn/[0-9a-f]{40}\\.png$`)),
    })
    expect(Buffer.from(await (await fetch(uploaded.url)).arrayBuffer()).equals(picture)).toBe(true)
  } finally {
    await preview.stop()
  }
})

test('a card taken off sale leaves the shop', async () => {
  expect((await merchant({ action: 'cardOffSale', cardId: card100 })).errcode).toBe(0)
  const shop = await person(stack, 'bob').fn('card', { action: 'shop' })
  expect(shop.items.map((i: Json) => i.cardId)).not.toContain(card100)
  expect((await merchant({ action: 'cardOffSale', cardId: 'nope' })).errcode).toBe(1005)
})

test('card.whoami shows the way into the console to granted staff too, and no longer once removed', async () => {
  const bob = person(stack, 'bob')
  expect((await bob.fn('card', { action: 'whoami' })).merchant).toBe(false)
  expect((await merchant({ action: 'staffSet', openid: bob.mpOpenid, role: 'staff' })).errcode).toBe(0)
  expect((await bob.fn('card', { action: 'whoami' })).merchant).toBe(true)
  expect((await merchant({ action: 'staffSet', openid: bob.mpOpenid, role: null })).errcode).toBe(0)
  expect((await bob.fn('card', { action: 'whoami' })).merchant).toBe(false)
})

test('two freezes at once and a spend racing them: the card ends UNAVAILABLE, changed once, the ledger sums to the balance', async () => {
  const alice = person(stack, 'alice')
  // card100 was taken off sale above: the 500-yuan card.
  const card500 = await alice.shopCardId(50000)
  const { card } = await alice.buyAndAdd(card500)
  const [a, b, spent] = await Promise.all([
    merchant({ action: 'cardFreeze', cardId: card.cardId, code: card.code, reason: '挂失' }),
    merchant({ action: 'cardFreeze', cardId: card.cardId, code: card.code, reason: '挂失' }),
    alice.fn('card', {
      action: 'spend',
      orderedAt: Date.now(),
      cardId: card.cardId,
      code: card.code,
      amount: 1000,
      orderId: 'RACE-FREEZE-1',
    }),
  ])
  expect([a.errcode, b.errcode]).toEqual([0, 0])
  expect([a.changed, b.changed].filter(Boolean).length).toBeLessThanOrEqual(1)
  expect([0, 1006]).toContain(spent.errcode)
  const after = (await merchant({ action: 'cardLookup', code: card.code })).cards[0]
  expect(after.status).toBe('UNAVAILABLE')
  expect(after.balance).toBe(spent.errcode === 0 ? 49000 : 50000)
  expect(after.entries.reduce((s: number, e: Json) => s + e.amount, 0)).toBe(after.balance)
})
