// A member card at the counter (#13 wired into #14's redemption): carol's staff check alice's member
// card (type MEMBER_CARD, stored value and points shown), are refused while it is not activated or
// holds nothing, then debit ¥30 of its stored value once per key (double taps and retries answer the
// first result), earning points by the card's rule (1 point per ¥1); the card bag and member.mine agree.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { ROOT } from '../helpers/cloud'
import { nextRequestId, person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let cardId: string
let code: string
const staff = (data: Json) => person(stack, 'carol').fn('merchant', data)
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_PUSH_RETRY_MS: '20' })
  const created = await staff({ action: 'memberCardCreate', ...fixture })
  if (created.errcode !== 0) throw new Error(`memberCardCreate: ${created.errmsg}`)
  cardId = created.cardId
  const alice = person(stack, 'alice')
  const joined = await alice.fn('member', { action: 'join', cardId })
  const added = await alice.emu('/__emu/client/addCard', { user: 'alice', cardList: joined.cardList })
  const recorded = await alice.fn('card', { action: 'recordAdded', cardList: added.json.cardList })
  code = recorded.cards[0].code
})
afterAll(() => stack.stop())

test('a member card not activated, then with no stored value, is described but not redeemable', async () => {
  expect(await staff({ action: 'redeemCheck', code })).toMatchObject({
    errcode: 0,
    check: { cardId, code, type: 'MEMBER_CARD', title: '星河会员卡', usable: false, reason: '会员卡尚未激活', balance: 0 },
  })
  expect((await staff({ action: 'redeem', code, amount: 100, key: 'member-not-active' })).errcode).toBe(1006)
  const alice = person(stack, 'alice')
  expect(
    (await alice.fn('member', { action: 'activate', cardId, code, phone: '13800138000', name: '李爱丽', birthday: '1990-05-20' })).errcode,
  ).toBe(0)
  await settle(stack)
  expect(await staff({ action: 'redeemCheck', code })).toMatchObject({
    check: { type: 'MEMBER_CARD', usable: false, reason: '余额为零', balance: 0, bonus: 50 },
  })
})

test('staff debit a member card’s stored value once per key and it earns points by the card’s rule; WeChat shows both', async () => {
  const alice = person(stack, 'alice')
  const r = await alice.fn('member', { action: 'recharge', cardId, code, amount: 10000, requestId: nextRequestId() })
  await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: r.payment })
  await settle(stack)
  expect(await staff({ action: 'redeemCheck', code })).toMatchObject({
    check: { type: 'MEMBER_CARD', usable: true, balance: 10000, bonus: 50, terms: { balance: 10000 } },
  })
  // Stored value is debited an amount: without one it is refused, naming the field's rule.
  expect((await staff({ action: 'redeem', code, key: 'member-no-amount' })).errcode).toBe(1001)
  // Three taps of the same redemption: one debit, one earning, the same answer.
  const taps = await Promise.all(
    [1, 2, 3].map(() => staff({ action: 'redeem', code, amount: 3000, key: 'member-redeem-1', location: '一号店' })),
  )
  for (const t of taps) expect(t).toMatchObject({ errcode: 0, type: 'MEMBER_CARD', status: 'DONE', amount: 3000, balance: 7000 })
  // The same key for another amount is a conflict; more than the balance is refused.
  expect((await staff({ action: 'redeem', code, amount: 2000, key: 'member-redeem-1' })).errcode).toBe(1006)
  expect((await staff({ action: 'redeem', code, amount: 7001, key: 'member-redeem-2' })).errcode).toBe(1006)
  await settle(stack)
  const [m] = (await alice.fn('member', { action: 'mine' })).members as Json[]
  // 50 for activating, 30 for ¥30 at the counter.
  expect(m).toMatchObject({ balance: 7000, bonus: 80 })
  expect((await alice.bag()).find((c) => c.code === code)).toMatchObject({ balance: 7000, bonus: 80 })
  const history = await alice.fn('member', { action: 'history', cardId, code })
  expect(history.points.map((e: Json) => [e.kind, e.amount])).toEqual([
    ['earn', 30],
    ['activate', 50],
  ])
  expect(history.balance.map((e: Json) => [e.kind, e.amount])).toEqual([
    ['spend', -3000],
    ['recharge', 10000],
  ])
  // Each answered tap is audited with what, where and the key; the refused ones changed nothing and are not.
  const audit = (await staff({ action: 'auditList', limit: 50 })).entries as Json[]
  const mine = audit.filter((e) => e.action === 'redeem' && e.target === `${cardId}:${code}`)
  expect(mine).toHaveLength(3)
  for (const e of mine) expect(e.reason).toBe('MEMBER_CARD 3000 fen @ 一号店 key member-redeem-1')
})
