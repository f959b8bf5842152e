// Issue 28, "People, not openids": no answer to a merchant carries another person's openid. A stack with
// data of every kind a merchant reads — Mini Program and hosted-shelf orders, a refund, a member with a
// name and one without, coupon claims, staff joined by invite and granted by openid, counter
// redemptions, an uploaded picture, the audit log, the CSV exports — then every merchant action (the
// function's own list of them) is called, and every answer, refusals included, is searched for every
// openid and unionid the stack knows. The console's people are named instead: checked too.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { exportCsv, EXPORTS } from '../../scripts/merchant/export'
import { ROOT } from '../helpers/cloud'
import { couponCard } from '../helpers/coupons'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
/** Every answer a merchant (carol, or staff) was given, with what was asked. */
const answers: { asked: string; answer: string }[] = []
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin']

async function asMerchant(who: string, data: Json): Promise<Json> {
  const r = await person(stack, who).fn('merchant', data)
  answers.push({ asked: `${who} ${JSON.stringify(data).slice(0, 120)}`, answer: JSON.stringify(r) })
  return r
}
const merchant = (data: Json) => asMerchant('carol', data)
const emuPost = async (path: string, body: unknown) => {
  const res = await fetch(`${stack.wechat.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Json }
}
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const memberFixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json

/** A person's wx.addCard of what a function signed, then card.recordAdded. */
async function addSigned(name: string, cardList: Json[]): Promise<Json> {
  const p = person(stack, name)
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList })
  if (added.status !== 200) throw new Error(`addCard: ${JSON.stringify(added.json)}`)
  const recorded = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  if (recorded.errcode !== 0) throw new Error(`recordAdded: ${recorded.errmsg}`)
  return recorded.cards[0] as Json
}

/** What the stack holds, for the actions that need an id. */
const ids: Json = {}

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_PUSH_RETRY_MS: '20' })
  for (const name of ['dave', 'erin']) stack.wechat.users.ensure(name)
  const alice = person(stack, 'alice')
  const bob = person(stack, 'bob')

  // Orders: alice buys two ¥100 cards in the Mini Program, spends from one; the other is refunded.
  const card100 = await alice.shopCardId(10000)
  const bought = await alice.buyAndAdd(card100)
  const refunded = await alice.buyAndAdd(card100)
  await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: bought.card.cardId,
    code: bought.card.code,
    amount: 1500,
    orderId: 'LEAK-SPEND-1',
  })
  Object.assign(ids, { giftCardId: card100, orderId: bought.orderId, code: bought.card.code })
  await merchant({ action: 'orderRefund', orderId: refunded.orderId, reason: '顾客买错面额' })
  // A hosted-shelf order (a Service Account openid as its buyer), given to bob.
  const pageId = (await merchant({ action: 'shelfList' })).shelves[0].pageId as string
  const shelf = await emuPost('/__emu/giftcard/buy', {
    user: 'erin',
    pageId,
    items: [{ cardId: card100, backgroundPicUrl: '', message: '生日快乐' }],
    toChatRoom: false,
  })
  await emuPost('/__emu/giftcard/accept', { user: 'bob', orderId: shelf.json.order.order_id })
  Object.assign(ids, { pageId, shelfOrderId: shelf.json.order.order_id, shelfCode: shelf.json.order.card_list[0].code })

  // Members: bob joins and activates with his name; alice joins and does not activate.
  const member = await merchant({ action: 'memberCardCreate', ...memberFixture })
  ids.memberCardId = member.cardId
  for (const name of ['bob', 'alice']) {
    const joined = await person(stack, name).fn('member', { action: 'join', cardId: member.cardId })
    const card = await addSigned(name, joined.cardList)
    if (name === 'bob') {
      ids.memberCode = card.code
      const act = await bob.fn('member', {
        action: 'activate',
        cardId: member.cardId,
        code: card.code,
        phone: '13900139000',
        name: '王小波',
        birthday: '1990-05-20',
      })
      if (act.errcode !== 0) throw new Error(`activate: ${act.errmsg}`)
    }
  }

  // A coupon offered in the 领券中心, claimed by alice; another scanned by bob at the counter.
  const coupon = await merchant({
    action: 'cardCreate',
    card: couponCard('CASH', { least_cost: 10000, reduce_cost: 2000 }, { title: '满100减20' }),
  })
  ids.couponId = coupon.cardId
  await merchant({ action: 'claimableSet', cardId: coupon.cardId, claimable: true })
  const claim = await alice.fn('card', { action: 'claim', cardId: coupon.cardId, requestId: 'leak-claim-1' })
  await addSigned('alice', claim.cardList)
  const qr = await merchant({
    action: 'qrcodeCreate',
    qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: coupon.cardId } } },
  })
  const scan = await bob.emu('/__emu/client/scanCardQr', { user: 'bob', ticket: qr.ticket })
  ids.couponCode = (scan.json.cards as Json[])[0]!.code

  // Staff: dave joins by an invite, erin is granted by openid (the CLI's way); dave redeems bob's coupon.
  const invite = await merchant({ action: 'staffInvite', role: 'staff' })
  await person(stack, 'dave').fn('card', { action: 'staffAccept', inviteId: invite.inviteId })
  await merchant({ action: 'staffSet', openid: person(stack, 'erin').mpOpenid, role: 'admin' })
  await asMerchant('dave', { action: 'redeemCheck', code: ids.couponCode })
  await asMerchant('dave', { action: 'redeem', code: ids.couponCode, key: 'leak-redeem-1', location: '一号店' })
  // A second staff member finds it redeemed: the refusal says by whom.
  await asMerchant('erin', { action: 'redeem', code: ids.couponCode, key: 'leak-redeem-2' })
  await asMerchant('erin', { action: 'redeemCheck', code: ids.couponCode })
  await asMerchant('dave', { action: 'redeem', code: ids.memberCode, cardId: ids.memberCardId, amount: 1, key: 'leak-redeem-3' })
  await merchant({ action: 'imageUpload', name: 'face.png', contentBase64: PNG })
  await merchant({ action: 'cardAdjust', cardId: ids.giftCardId, code: ids.code, amount: 100, key: 'leak-adjust-1', reason: '补偿' })
  await settle(stack)
}, 120_000)
afterAll(() => stack.stop())

/** Inputs for the actions that need some; the others are called with none. */
function inputOf(action: string): Json {
  const table: Record<string, Json> = {
    cardGet: { cardId: ids.giftCardId },
    cardHistory: { cardId: ids.giftCardId, code: ids.code },
    cardLookup: { code: ids.code },
    cardStats: {},
    claimList: { cardId: ids.couponId },
    dashboard: { days: 7 },
    ledgerList: { since: 0, limit: 100 },
    memberFind: { code: ids.memberCode },
    memberList: { cardId: ids.memberCardId },
    orderDetail: { orderId: ids.orderId },
    orderGet: { orderId: ids.shelfOrderId },
    orderList: { limit: 100 },
    auditList: { limit: 100 },
    redeemCheck: { code: ids.couponCode },
    shelfGet: { pageId: ids.pageId },
    shelfLink: { pageId: ids.pageId },
    staffInvite: { role: 'staff' },
  }
  return table[action] ?? {}
}

/** The actions a merchant reads the business with: each must answer, so the search sees real data. */
const READS = [
  'overview',
  'cardList',
  'cardGet',
  'couponList',
  'claimList',
  'orderList',
  'orderDetail',
  'orderGet',
  'cardLookup',
  'cardHistory',
  'ledgerList',
  'auditList',
  'staffList',
  'dashboard',
  'memberCardList',
  'memberFind',
  'memberList',
  'redeemCheck',
  'shelfList',
  'shelfGet',
  'whoami',
  'selfCheck',
]

test('no merchant action answers an openid or a unionid of anyone the stack knows; the exports neither', async () => {
  const refusal = await merchant({ action: 'no-such-action' })
  const actions = String(refusal.errmsg)
    .replace(/^.*known: /, '')
    .split(', ')
  expect(actions).toEqual(expect.arrayContaining([...READS, 'staffInvite', 'staffSet']))
  for (const action of actions) {
    const r = await merchant({ action, ...inputOf(action) })
    if (READS.includes(action)) expect([action, r.errcode]).toEqual([action, 0])
  }
  // Every list read a page further, and each staff member's own view of the counter.
  for (const who of ['dave', 'erin']) await asMerchant(who, { action: 'whoami' })
  // The CSV exports, as the CLI writes them.
  for (const what of EXPORTS) {
    let csv = ''
    await exportCsv(
      (action, input) => merchant({ action, ...input }),
      what,
      0,
      (s) => (csv += `${s}\n`),
    )
    answers.push({ asked: `export ${what}`, answer: csv })
  }

  const secrets = PEOPLE.flatMap((n) => {
    const u = stack.wechat.users.get(n)!
    return [u.mpOpenid, u.saOpenid, u.unionid].map((v) => [n, v] as const)
  })
  const leaks = answers.flatMap(({ asked, answer }) =>
    secrets.filter(([, v]) => answer.includes(v)).map(([n, v]) => `${asked} → ${n}'s ${v}: ${answer.slice(0, 200)}`),
  )
  expect(leaks).toEqual([])
  // Not vacuous: the reads carried data of every kind searched.
  const all = answers.map((a) => a.answer).join('\n')
  for (const seen of ['满100减20', '王小波', '顾客·', ids.orderId, ids.shelfOrderId]) expect(all).toContain(seen)
})

test('people are named: a member by the name they gave, others by a stable alias, staff on the staff list', async () => {
  const bobName = '王小波'
  const orders = (await merchant({ action: 'orderList', limit: 100 })).orders as Json[]
  const alias = orders.find((o) => o.orderId === ids.orderId)!.buyer as string
  expect(alias).toMatch(/^顾客·[0-9A-F]{4}$/)
  // The same person has the same alias everywhere: the order detail and the card's holder.
  expect((await merchant({ action: 'orderDetail', orderId: ids.orderId })).order.buyer).toBe(alias)
  // The console finds a buyer's orders by that name.
  const found = (await merchant({ action: 'orderList', q: alias })).orders as Json[]
  expect(found.map((o) => o.orderId)).toContain(ids.orderId)
  expect(found.every((o) => o.buyer === alias)).toBe(true)
  expect((await merchant({ action: 'cardLookup', code: ids.code })).cards[0].holder).toBe(alias)
  // bob told us his name on his member card: the card he was given on the hosted shelf is his by name.
  expect((await merchant({ action: 'cardLookup', code: ids.shelfCode })).cards[0].holder).toBe(bobName)
  const staff = (await merchant({ action: 'staffList' })).staff as Json[]
  expect(staff.map((s) => [s.role, s.owner])).toEqual([
    ['admin', true],
    ['staff', false],
    ['admin', false],
  ])
  expect(staff.every((s) => /^P[0-9A-F]{16}$/.test(s.personId) && typeof s.name === 'string' && s.name.length > 0)).toBe(true)
  // The merchant's own people are not customers: aliased by their role (a told name stays theirs).
  expect(staff.map((s) => String(s.name).replace(/[0-9A-F]{4}$/, ''))).toEqual(['店主·', '店员·', '管理员·'])
  // The console removes a member by personId; an owner's personId is refused like an owner's openid.
  expect(await merchant({ action: 'staffSet', personId: staff[2]!.personId, role: 'staff' })).toEqual({
    errcode: 0,
    role: 'staff',
    changed: true,
  })
  expect((await merchant({ action: 'staffSet', personId: staff[0]!.personId, role: null })).errmsg).toMatch(/^personId /)
  expect((await merchant({ action: 'staffSet', personId: 'P0000000000000000', role: null })).errcode).toBe(1005)
  expect((await merchant({ action: 'staffSet', personId: 'oNotAPersonId', role: null })).errcode).toBe(1001)
  // The counter says who redeemed a coupon by the same name.
  const check = await asMerchant('erin', { action: 'redeemCheck', code: ids.couponCode })
  expect(check.check.redeemed.by).toBe(staff[1]!.name)
})

test('the audit log reads as sentences about titles and amounts, the picture as a picture, no card ids', async () => {
  const { entries } = await merchant({ action: 'auditList', limit: 100 })
  const texts = (entries as Json[]).map((e) => e.text as string)
  const tail = (code: string) => `尾号${code.slice(-4)}`
  expect(texts).toEqual(
    expect.arrayContaining([
      '新建优惠券「满100减20」',
      '新建会员卡「星河会员卡」',
      '优惠券「满100减20」放入领券中心',
      `核销优惠券「满100减20」（${tail(ids.couponCode)}），地点：一号店`,
      `调整礼品卡「100元礼品卡」（${tail(ids.code)}）余额 +¥1.00，原因：补偿`,
      '生成店员邀请（10 分钟内有效）',
      expect.stringMatching(/^店员·[0-9A-F]{4} 扫码加入，成为店员$/),
      expect.stringMatching(/^设 (店员|管理员)·[0-9A-F]{4} 为管理员$/),
      '上传图片',
    ]),
  )
  expect(texts.find((t) => t.includes('退款'))).toMatch(/^订单 \S+ 退款 ¥100\.00，原因：顾客买错面额$/)
  // The picture is answered for a thumbnail, never written into the sentence; no raw card ids, no 'claimable true'.
  const upload = (entries as Json[]).find((e) => e.action === 'imageUpload')!
  expect(upload.image).toMatch(/^https?:\/\//)
  const created = (entries as Json[]).find((e) => e.text === '新建优惠券「满100减20」')!
  expect(created.image).toBe('https://mmbiz.qpic.cn/mmbiz/demo-logo/0')
  for (const t of texts) {
    expect(t).not.toMatch(/https?:|claimable|fen\b|\bp[A-Za-z0-9_-]{27}\b/)
    expect(t).not.toBe('其他操作')
  }
})
