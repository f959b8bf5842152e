// Member cards end to end on a whole local stack (#13): carol creates a member card with points and
// stored value; alice joins, activates, recharges ¥200 with Cloud Pay, spends ¥50 of it, earns points;
// her card bag agrees; carol finds her by phone and adjusts points; a pay-then-member rule gives bob a
// member card after a WeChat Pay payment.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { ROOT, stackEnv } from '../helpers/cloud'
import { until } from '../helpers/emulator'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let cardId: string
let code: string
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json

/** member.join → wx.addCard → card.recordAdded, as the join page does. */
async function joinAndAdd(name: string, id: string): Promise<Json> {
  const p = person(stack, name)
  const joined = await p.fn('member', { action: 'join', cardId: id })
  if (joined.errcode !== 0) throw new Error(`join: ${joined.errmsg}`)
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList: joined.cardList })
  if (added.status !== 200) throw new Error(`addCard: ${JSON.stringify(added.json)}`)
  const recorded = await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  if (recorded.errcode !== 0) throw new Error(`recordAdded: ${recorded.errmsg}`)
  return recorded.cards[0]
}

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_PUSH_RETRY_MS: '20' })
})
afterAll(() => stack.stop())

test('carol creates a member card with points, stored value and levels; the document’s rules are enforced before WeChat', async () => {
  const created = await merchant({ action: 'memberCardCreate', ...fixture })
  expect(created).toMatchObject({ errcode: 0, cardId: expect.stringMatching(/^p/) })
  cardId = created.cardId
  const got = await merchant({ action: 'cardGet', cardId })
  expect(got.card.member_card).toMatchObject({
    supply_bonus: true,
    supply_balance: true,
    bonus_rule: { cost_money_unit: 100, increase_bonus: 1 },
  })
  // supply_bonus only from false to true (§8.2): refused by us, with the field named.
  const off = await merchant({ action: 'memberCardUpdate', cardId, update: { supply_bonus: false } })
  expect(off).toMatchObject({ errcode: 1001, errmsg: expect.stringContaining('member_card.supply_bonus') })
  // brand_name is not among the fields card/update may change.
  expect((await merchant({ action: 'memberCardUpdate', cardId, update: { base_info: { brand_name: '新名字' } } })).errcode).toBe(1001)
  // At most 10 card ids in a recommendation, and url xor card ids (§8.3).
  const eleven = Array.from({ length: 11 }, (_, i) => `pcard${i}`)
  expect(
    (
      await merchant({
        action: 'memberCardUpdate',
        cardId,
        update: { modify_msg_operation: { url_cell: { card_id_list: eleven, text: '送券' } } },
      })
    ).errmsg,
  ).toMatch(/card_id_list/)
  expect(
    (
      await merchant({
        action: 'memberCardUpdate',
        cardId,
        update: { modify_msg_operation: { url_cell: { card_id_list: ['p1'], url: 'https://a.b' } } },
      })
    ).errmsg,
  ).toMatch(/mutually exclusive/)
  expect(
    await merchant({
      action: 'memberCardUpdate',
      cardId,
      update: { prerogative: '会员九五折', modify_msg_operation: { url_cell: { url: 'https://mp.weixin.qq.com', text: '领取优惠' } } },
    }),
  ).toMatchObject({ errcode: 0 })
  // A consumer is not a merchant.
  expect((await person(stack, 'alice').fn('merchant', { action: 'memberCardCreate', ...fixture })).errcode).toBe(1004)
  const audit = await merchant({ action: 'auditList' })
  expect(audit.entries.map((e: Json) => e.action)).toEqual(expect.arrayContaining(['memberCardCreate', 'memberCardUpdate']))
  // A member card created through the generic cardCreate is remembered as a member card too, not as a gift card.
  const generic = await merchant({ action: 'cardCreate', card: fixture.card })
  expect((await merchant({ action: 'memberCardList' })).cards.map((c: Json) => c.cardId)).toEqual(
    expect.arrayContaining([cardId, generic.cardId]),
  )
  expect((await merchant({ action: 'cardList' })).cards.map((c: Json) => c.cardId)).not.toContain(generic.cardId)
  await merchant({ action: 'memberCardUpdate', cardId: generic.cardId, offered: false })
  expect((await person(stack, 'alice').fn('member', { action: 'offered' })).cards.map((c: Json) => c.cardId)).toEqual([cardId])
})

test('alice joins: the member card is in her bag, not among her gift cards, and not activated yet', async () => {
  const card = await joinAndAdd('alice', cardId)
  code = card.code
  const alice = person(stack, 'alice')
  expect((await alice.fn('card', { action: 'listMine' })).cards).toEqual([])
  const mine = await alice.fn('member', { action: 'mine' })
  expect(mine.members).toEqual([
    expect.objectContaining({
      cardId,
      code,
      title: '星河会员卡',
      activated: false,
      bonus: 0,
      balance: 0,
      level: '普通',
      membershipNumber: '',
    }),
  ])
  // Joining twice is refused while the card is held.
  expect((await alice.fn('member', { action: 'join', cardId })).errcode).toBe(1006)
  // Not activated: no recharge yet.
  expect((await alice.fn('member', { action: 'recharge', cardId, code, amount: 100, requestId: nextRequestId() })).errcode).toBe(1006)
  const info = await carol().fn('merchant', { action: 'memberFind', code })
  // userinfo/get always numbers the member (member-card-management line 28): the code until activation gives one.
  expect(info.member.wechat).toMatchObject({ hasActive: false, membershipNumber: code })
})

test('activation validates phone, name and birthday, then activates in WeChat and gives the activation points', async () => {
  const alice = person(stack, 'alice')
  const base = { action: 'activate', cardId, code, name: '李爱丽', birthday: '1990-05-20' }
  expect(await alice.fn('member', { ...base, phone: '12345' })).toMatchObject({ errcode: 1001, errmsg: expect.stringContaining('phone') })
  expect(await alice.fn('member', { ...base, phone: '13800138000', birthday: '1990-02-30' })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('birthday'),
  })
  expect(await alice.fn('member', { ...base, phone: '13800138000', birthday: '2999-01-01' })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('birthday'),
  })
  expect(await alice.fn('member', { action: 'activate', cardId, code, phone: '13800138000', birthday: '1990-05-20' })).toMatchObject({
    errcode: 1001,
    errmsg: expect.stringContaining('name'),
  })
  // bob cannot activate alice's card.
  expect((await person(stack, 'bob').fn('member', { ...base, phone: '13900139000' })).errcode).toBe(1004)
  const [a, b] = await Promise.all([
    alice.fn('member', { ...base, phone: '13800138000' }),
    alice.fn('member', { ...base, phone: '13800138000' }),
  ])
  expect(a.errcode).toBe(0)
  expect(b.membershipNumber).toBe(a.membershipNumber)
  await settle(stack)
  const [m] = (await alice.fn('member', { action: 'mine' })).members as Json[]
  expect(m).toMatchObject({ activated: true, membershipNumber: a.membershipNumber, bonus: 50 })
  const bag = (await alice.bag()).find((c) => c.code === code)!
  expect(bag).toMatchObject({ bonus: 50, balance: 0 })
  const found = await merchant({ action: 'memberFind', phone: '13800138000' })
  expect(found.member).toMatchObject({
    code,
    name: '李爱丽',
    birthday: '1990-05-20',
    bonus: 50,
    wechat: { hasActive: true, membershipNumber: a.membershipNumber, bonus: 50 },
  })
})

test('alice recharges ¥200 with Cloud Pay (a double tap is one order), spends ¥50, earns 50 points; the card bag agrees', async () => {
  const alice = person(stack, 'alice')
  const requestId = nextRequestId()
  const req = { action: 'recharge', cardId, code, amount: 20000, requestId }
  const [r1, r2] = await Promise.all([alice.fn('member', req), alice.fn('member', req)])
  expect(r1.orderId).toBe(r2.orderId)
  expect((await alice.fn('member', { ...req, amount: 30000 })).errcode).toBe(1006)
  // A forged payment notice from the Mini Program is refused.
  expect(
    (
      await alice.fn('member', {
        returnCode: 'SUCCESS',
        resultCode: 'SUCCESS',
        outTradeNo: r1.orderId,
        totalFee: 20000,
        transactionId: 'x',
      })
    ).errcode,
  ).toBe(1004)
  const paid = await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: r1.payment })
  expect(paid.json.callbackAcknowledged).toBe(true)
  expect((await alice.fn('member', { action: 'getRecharge', orderId: r1.orderId })).recharge).toMatchObject({
    status: 'CREDITED',
    amount: 20000,
  })
  // Paying again for the same order is not a second recharge.
  await settle(stack)
  let [m] = (await alice.fn('member', { action: 'mine' })).members as Json[]
  expect(m).toMatchObject({ balance: 20000, bonus: 50 })
  const spend = { action: 'spend', orderedAt: Date.now(), cardId, code, amount: 5000, orderId: 'MEMBER-SHOP-1' }
  const spent = await Promise.all([alice.fn('card', spend), alice.fn('card', spend), alice.fn('card', spend)])
  expect(spent.every((s) => s.errcode === 0 && s.balance === 15000)).toBe(true)
  await settle(stack)
  ;[m] = (await alice.fn('member', { action: 'mine' })).members as Json[]
  expect(m).toMatchObject({ balance: 15000, bonus: 100, level: '银卡' })
  const bag = (await alice.bag()).find((c) => c.code === code)!
  expect(bag).toMatchObject({ balance: 15000, bonus: 100 })
  const history = await alice.fn('member', { action: 'history', cardId, code })
  expect(history.points.map((e: Json) => [e.kind, e.amount])).toEqual([
    ['earn', 50],
    ['activate', 50],
  ])
  expect(history.balance.map((e: Json) => [e.kind, e.amount])).toEqual([
    ['spend', -5000],
    ['recharge', 20000],
  ])
})

test('carol finds alice by phone and adjusts her points with a reason, once per key; the bag follows', async () => {
  const adjust = { action: 'memberAdjust', cardId, code, bonusDelta: 900, key: 'goodwill-1', reason: '生日赠送积分' }
  const [a, b] = await Promise.all([merchant(adjust), merchant(adjust)])
  expect(a).toMatchObject({ errcode: 0, bonus: 1000, balance: 15000 })
  expect(b).toMatchObject({ errcode: 0, bonus: 1000 })
  expect((await merchant({ ...adjust, bonusDelta: 5 })).errcode).toBe(1006)
  expect((await merchant({ ...adjust, key: 'too-much', bonusDelta: -5000 })).errcode).toBe(1006)
  expect((await merchant({ action: 'memberAdjust', cardId, code, key: 'k', reason: '无' })).errcode).toBe(1001)
  expect((await person(stack, 'alice').fn('merchant', adjust)).errcode).toBe(1004)
  await settle(stack)
  const found = await merchant({ action: 'memberFind', phone: '13800138000' })
  expect(found.member).toMatchObject({ bonus: 1000, balance: 15000, level: '金卡', wechat: { bonus: 1000, balance: 15000 } })
  expect((await person(stack, 'alice').bag()).find((c) => c.code === code)).toMatchObject({ bonus: 1000, balance: 15000 })
  const audit = await merchant({ action: 'auditList' })
  expect(audit.entries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'memberAdjust', target: `${cardId}:${code}`, reason: expect.stringContaining('生日赠送积分') }),
    ]),
  )
  const list = await merchant({ action: 'memberList', cardId })
  expect(list).toMatchObject({ total: 1, members: [expect.objectContaining({ code, phone: '13800138000' })] })
})

test('a pay-then-member rule in the document’s shapes delivers the member card to bob after a WeChat Pay payment', async () => {
  const mchid = '1900000109'
  const now = Math.floor(Date.now() / 1000)
  const rule = {
    type: 'RULE_TYPE_PAY_MEMBER_CARD',
    base_info: { mchid_list: [mchid], begin_time: now - 60, end_time: now + 86400 },
    member_rule: {
      card_id: cardId,
      least_cost: 1000,
      max_cost: 100000,
      app_brand_id: 'gh_86a091e50ad4@app',
      app_brand_pass: 'pages/member/index',
    },
  }
  // More than 10 mchid in one call is refused before WeChat ("A single set of only 10 mchid").
  const many = { ...rule, base_info: { ...rule.base_info, mchid_list: Array.from({ length: 11 }, (_, i) => String(1900000200 + i)) } }
  expect((await merchant({ action: 'payGiftRuleAdd', rule: many })).errmsg).toMatch(/mchid_list/)
  // A mchid of another subject (member-card-management line 315) fails alone, in failMchidList.
  const foreignMchids = (mchids: string[]) =>
    fetch(`${stack.wechat.url}/__emu/mchids/foreign`, { method: 'POST', body: JSON.stringify({ mchids }) })
  await foreignMchids([mchid])
  const foreign = await merchant({ action: 'payGiftRuleAdd', rule })
  expect(foreign).toMatchObject({ errcode: 0, succMchidList: [], failMchidList: [expect.objectContaining({ mchid, errcode: 72001 })] })
  await foreignMchids([])
  const added = await merchant({ action: 'payGiftRuleAdd', rule })
  expect(added).toMatchObject({ errcode: 0, succMchidList: [mchid], failMchidList: [] })
  expect(Number.isInteger(added.ruleId)).toBe(true)
  expect((await merchant({ action: 'payGiftRuleGet', ruleId: added.ruleId })).rule).toMatchObject({
    member_rule: { card_id: cardId, app_brand_id: 'gh_86a091e50ad4@app' },
    base_info: { status: 'RULE_STATUS_OK' },
  })
  expect((await merchant({ action: 'payGiftRuleList', effective: true })).rules).toHaveLength(1)
  const bob = person(stack, 'bob')
  // Below least_cost: nothing.
  expect((await bob.emu('/__emu/client/wxpay', { user: 'bob', mchid, fee: 500 })).json.memberCard).toBeNull()
  const paid = await bob.emu('/__emu/client/wxpay', { user: 'bob', mchid, fee: 3000 })
  expect(paid.json.memberCard).toMatchObject({ cardId, ruleId: added.ruleId })
  // Only once per person.
  expect((await bob.emu('/__emu/client/wxpay', { user: 'bob', mchid, fee: 3000 })).json.memberCard).toBeNull()
  await settle(stack)
  const mine = await bob.fn('member', { action: 'mine' })
  expect(mine.members).toEqual([expect.objectContaining({ cardId, code: paid.json.memberCard.code, activated: false, bonus: 0 })])
  expect((await bob.fn('card', { action: 'listMine' })).cards).toEqual([])
  await merchant({ action: 'payGiftRuleDelete', ruleId: added.ruleId })
  expect((await merchant({ action: 'payGiftRuleList' })).rules).toHaveLength(0)
})

test('a member card deleted and taken again comes back with its points and balance (IsRestoreMemberCard)', async () => {
  const alice = person(stack, 'alice')
  await alice.emu('/__emu/client/deleteCard', { user: 'alice', cardId, code })
  await settle(stack)
  expect((await alice.fn('member', { action: 'mine' })).members).toEqual([])
  const again = await joinAndAdd('alice', cardId)
  expect(again.code).toBe(code)
  await settle(stack)
  expect((await alice.fn('member', { action: 'mine' })).members).toEqual([
    expect.objectContaining({ code, bonus: 1000, balance: 15000, activated: true }),
  ])
  expect((await alice.bag()).find((c) => c.code === code)).toMatchObject({ bonus: 1000, balance: 15000 })
})

test('WeChat’s own activation form (wx_activate): bob fills it in WeChat; submit_membercard_user_info brings his phone, activation and points here', async () => {
  const body = { ...fixture.card.member_card, wx_activate: true }
  delete body.activate_app_brand_user_name
  delete body.activate_app_brand_pass
  const created = await merchant({
    action: 'memberCardCreate',
    card: { card_type: 'MEMBER_CARD', member_card: body },
    levels: fixture.levels,
  })
  expect(created.errcode).toBe(0)
  expect(
    (
      await merchant({
        action: 'memberFormSet',
        cardId: created.cardId,
        form: { required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_NAME'] } },
      })
    ).errcode,
  ).toBe(0)
  const card = await joinAndAdd('bob', created.cardId)
  const bob = person(stack, 'bob')
  const filled = await bob.emu('/__emu/client/memberForm', {
    user: 'bob',
    cardId: created.cardId,
    code: card.code,
    fields: { USER_FORM_INFO_FLAG_MOBILE: '13900139000', USER_FORM_INFO_FLAG_NAME: '鲍勃' },
  })
  expect(filled.json).toEqual({ activated: true })
  await settle(stack)
  await until(async () => (await merchant({ action: 'memberFind', phone: '13900139000' })).errcode === 0, 'the form’s values here', 10_000)
  const found = await merchant({ action: 'memberFind', phone: '13900139000' })
  expect(found.member).toMatchObject({
    cardId: created.cardId,
    code: card.code,
    name: '鲍勃',
    activated: true,
    bonus: 50,
    wechat: { hasActive: true, bonus: 50 },
  })
  expect((await bob.bag()).find((c) => c.code === card.code)).toMatchObject({ bonus: 50, activated: true })
})

test('update_member_card: points changed in WeChat behind our back are set back to ours (we are the book of record)', async () => {
  const alice = person(stack, 'alice')
  const before = (await alice.bag()).find((c) => c.code === code)!
  // Someone sets the points with the Service Account's token directly (not through the product).
  const tok = (await (
    await fetch(
      `${stack.wechat.url}/cgi-bin/token?grant_type=client_credential&appid=${stackEnv.WX_SA_APPID}&secret=${stackEnv.WX_SA_SECRET}`,
    )
  ).json()) as Json
  const res = (await (
    await fetch(`${stack.wechat.url}/card/membercard/updateuser?access_token=${tok.access_token}`, {
      method: 'POST',
      body: JSON.stringify({ card_id: cardId, code, bonus: 99999 }),
    })
  ).json()) as Json
  expect(res.result_bonus).toBe(99999)
  // The push is acknowledged first and processed right after: wait for it (at most 10 s).
  await settle(stack)
  await until(async () => (await alice.bag()).find((c) => c.code === code)?.bonus === before.bonus, 'our points back in WeChat', 10_000)
  expect((await alice.bag()).find((c) => c.code === code)).toMatchObject({ bonus: before.bonus, balance: before.balance })
})
