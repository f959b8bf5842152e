// A member card's spend earns its points wherever its key settles (followups-18, issue 27): the caller's
// call, a repeat of it after the call died, or the cron when nobody repeated it. Once per orderId
// (earn:<orderId>), and never for a checkout's card leg (points: false on the key: the checkout earns
// them once paid). Crashes are injected into the domain code run in this process, as in spend-faults.test.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { ledgerSum, type LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { pointsSum, type PointsEntryDoc } from '../../server/domain/ledgers/member-points'
import { spend } from '../../server/domain/money/spending'
import { keyFaults, settleOpenKeys, type SettleStep } from '../../server/domain/money/spend-keys'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import { ROOT } from '../helpers/cloud'
import { nextRequestId, person, settle, startJourneyStack, type Json, wechatOf } from '../helpers/stack'
import { graceRunsOut } from '../helpers/spend-leases'
import { storeOver } from '../helpers/store'

let stack: Stack
let cardId: string
let code: string
let id: string
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json

const store = () => storeOver(stack.cloud.db)
const wx = () => wechatOf(stack, store())
const alice = () => person(stack, 'alice')
const card = async () => (await store().get<UserCardDoc>(Collections.userCards, id))!
const entry = (orderId: string) => store().get<LedgerEntryDoc>(Collections.ledger, `spend:${orderId}`)
const earnsOf = async (orderId: string) =>
  (await store().find<PointsEntryDoc>(Collections.pointsLedger, { card: id, orderId }, { limit: 10 })).filter((e) => e.kind === 'earn')

beforeAll(async () => {
  stack = await startJourneyStack()
  // carol's member card (1 point per ¥1, activation gives 50); alice joins, activates and recharges ¥500.
  cardId = (await person(stack, 'carol').fn('merchant', { action: 'memberCardCreate', ...fixture })).cardId
  const joined = await alice().fn('member', { action: 'join', cardId })
  const added = await alice().emu('/__emu/client/addCard', { user: 'alice', cardList: joined.cardList })
  code = (await alice().fn('card', { action: 'recordAdded', cardList: added.json.cardList })).cards[0].code
  id = userCardId(cardId, code)
  expect(
    (await alice().fn('member', { action: 'activate', cardId, code, phone: '13800138000', name: '李爱丽', birthday: '1990-05-20' }))
      .errcode,
  ).toBe(0)
  const recharge = await alice().fn('member', { action: 'recharge', cardId, code, amount: 50000, requestId: nextRequestId() })
  await alice().emu('/__emu/client/requestPayment', { user: 'alice', payment: recharge.payment })
  await settle(stack)
  expect(await card()).toMatchObject({ balance: 50000, bonus: 50 })
})
afterAll(() => stack.stop())
afterEach(() => {
  keyFaults.at = null
})

class Crash extends Error {}

/** A spend of alice's member card that dies right after `step`, then 30 s pass (its key older than the grace). */
async function crashAfter(step: SettleStep, orderId: string, amount: number, points?: false) {
  keyFaults.at = (s) => {
    if (s === step) throw new Crash(`crashed after ${s}`)
  }
  await expect(
    spend(store(), wx(), alice().mpOpenid, {
      cardId,
      code,
      amount,
      orderId,
      orderedAt: Date.now(),
      ...(points === false ? { points } : {}),
    }),
  ).rejects.toBeInstanceOf(Crash)
  keyFaults.at = null
  await graceRunsOut(store(), id)
}

const spendFn = (orderId: string, amount: number) =>
  alice().fn('card', { action: 'spend', cardId, code, amount, orderId, orderedAt: Date.now() })

async function cron(): Promise<Json> {
  return (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
}

test('crash after the debit, no repeat: the cron settles the spend and earns its points once; WeChat shows them', async () => {
  const before = await card()
  await crashAfter('debited', 'M-DEB-1', 3000)
  expect(await earnsOf('M-DEB-1')).toEqual([])
  expect(await entry('M-DEB-1')).toBeNull()
  expect((await cron()).tasks.pendingSpends).toMatchObject({ ok: true, keys: { cards: 1, failed: 0 } })
  expect(await entry('M-DEB-1')).toMatchObject({ amount: -3000 })
  expect((await earnsOf('M-DEB-1')).map((e) => e.amount)).toEqual([30])
  expect(await card()).toMatchObject({ balance: before.balance - 3000, bonus: before.bonus! + 30, openKeys: 0 })
  expect(await pointsSum(store(), id)).toBe(before.bonus! + 30)
  expect(await ledgerSum(store(), id)).toBe(before.balance - 3000)
  await settle(stack)
  // The cron's own balance task may hold the card's sync lease while the settler earns the points (the
  // settler's sync then answers busy); the card stays dirty, so the next run sends them. At most two runs.
  const shown = async () => (await alice().bag()).find((c) => c.code === code)
  if ((await shown())?.bonus !== before.bonus! + 30) {
    await cron()
    await settle(stack)
  }
  expect(await shown()).toMatchObject({ balance: before.balance - 3000, bonus: before.bonus! + 30 })
  // The caller comes back with the same orderId: the settled answer, no second debit, no second points.
  expect(await spendFn('M-DEB-1', 3000)).toMatchObject({ errcode: 0, balance: before.balance - 3000 })
  expect((await earnsOf('M-DEB-1')).map((e) => e.amount)).toEqual([30])
  expect(await card()).toMatchObject({ balance: before.balance - 3000, bonus: before.bonus! + 30 })
  // A second cron run finds nothing to do.
  expect((await cron()).tasks.pendingSpends).toMatchObject({ ok: true, keys: { cards: 0 } })
  expect(await pointsSum(store(), id)).toBe(before.bonus! + 30)
})

test('crash after the debit, the caller repeats before the cron (twice at once): it settles and earns once; the cron adds nothing', async () => {
  const before = await card()
  await crashAfter('debited', 'M-DEB-2', 2000)
  const [a, b] = await Promise.all([1, 2].map(() => spendFn('M-DEB-2', 2000)))
  expect([a, b]).toEqual([
    expect.objectContaining({ errcode: 0, balance: before.balance - 2000 }),
    expect.objectContaining({ errcode: 0, balance: before.balance - 2000 }),
  ])
  expect((await cron()).tasks.pendingSpends).toMatchObject({ ok: true, keys: { cards: 0 } })
  expect((await earnsOf('M-DEB-2')).map((e) => e.amount)).toEqual([20])
  expect(await card()).toMatchObject({ balance: before.balance - 2000, bonus: before.bonus! + 20, openKeys: 0 })
  expect(await pointsSum(store(), id)).toBe(before.bonus! + 20)
  expect(await ledgerSum(store(), id)).toBe(before.balance - 2000)
})

test.each<SettleStep>(['entry', 'marked'])(
  'crash after the %s: the points came before it, so nothing is left for anyone to earn',
  async (step) => {
    const before = await card()
    await crashAfter(step, `M-${step}-1`, 1500)
    expect(await entry(`M-${step}-1`)).toMatchObject({ amount: -1500 })
    expect((await earnsOf(`M-${step}-1`)).map((e) => e.amount)).toEqual([15])
    await settleOpenKeys(store(), wx())
    expect(await spendFn(`M-${step}-1`, 1500)).toMatchObject({ errcode: 0, balance: before.balance - 1500 })
    expect((await earnsOf(`M-${step}-1`)).map((e) => e.amount)).toEqual([15])
    expect(await card()).toMatchObject({ balance: before.balance - 1500, bonus: before.bonus! + 15, openKeys: 0 })
    expect(await ledgerSum(store(), id)).toBe(before.balance - 1500)
  },
)

test('a checkout’s card leg (points: false) that died after its debit: the cron settles it and earns nothing; nor does a repeat', async () => {
  const before = await card()
  await crashAfter('debited', 'M-CO-1-gc', 2500, false)
  expect((await cron()).tasks.pendingSpends).toMatchObject({ ok: true, keys: { cards: 1 } })
  expect(await entry('M-CO-1-gc')).toMatchObject({ points: false, amount: -2500 })
  expect(await earnsOf('M-CO-1-gc')).toEqual([])
  expect(await card()).toMatchObject({ balance: before.balance - 2500, bonus: before.bonus })
  // The leg's spend called again (startCheckout repeated): the settled answer, still no points.
  const again = await spend(store(), wx(), alice().mpOpenid, {
    cardId,
    code,
    amount: 2500,
    orderId: 'M-CO-1-gc',
    orderedAt: Date.now(),
    points: false,
  })
  expect(again.balance).toBe(before.balance - 2500)
  expect(await earnsOf('M-CO-1-gc')).toEqual([])
  expect(await card()).toMatchObject({ bonus: before.bonus })
})

test('a checkout’s card leg repeated after its call died keeps the key’s choice: no points at settle', async () => {
  const before = await card()
  await crashAfter('debited', 'M-CO-2-gc', 1000, false)
  const again = await spend(store(), wx(), alice().mpOpenid, {
    cardId,
    code,
    amount: 1000,
    orderId: 'M-CO-2-gc',
    orderedAt: Date.now(),
    points: false,
  })
  expect(again.balance).toBe(before.balance - 1000)
  expect(await entry('M-CO-2-gc')).toMatchObject({ points: false })
  expect(await earnsOf('M-CO-2-gc')).toEqual([])
  expect(await card()).toMatchObject({ bonus: before.bonus, openKeys: 0 })
})
