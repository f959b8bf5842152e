// Issue 27: card.spend's one-call path (server/domain/money/spend-keys.ts). The request path's database
// calls are counted by a store that counts what it is asked (run in this process against the local
// stack's database); the whole invocation's by the local cloud's /__cloud/stats. Faults are injected
// into the settler after each of its writes: the money is exact and nothing is debited twice.
import type { Stack } from '../../emulator/stack'
import { historyOf, ledgerSum, type LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { STATUS_STALE_MS } from '../../server/domain/money/card-checks'
import {
  KEY_WINDOW_MS,
  ORDER_AGE_MS,
  keyFaults,
  settleCard,
  settleOpenKeys,
  spendKey,
  takeMoney,
  type SettleStep,
} from '../../server/domain/money/spend-keys'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import type { Store } from '../../server/store/port'
import { createWechatClient } from '../../server/wechat/client'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())
afterEach(() => {
  keyFaults.at = null
})

const store = () => storeOver(stack.cloud.db)
const wx = () =>
  createWechatClient({ store: store(), appid: stack.env.WX_SA_APPID!, secret: stack.env.WX_SA_SECRET!, apiBase: stack.wechat.url })
const card = (id: string) => store().get<UserCardDoc>(Collections.userCards, id)
const entry = (id: string) => store().get<LedgerEntryDoc>(Collections.ledger, id)
const bagBalance = async (code: string) => (await person(stack, 'alice').bag()).find((c) => c.code === code)?.balance

/** A store that counts the database calls made through it. */
function counting(inner: Store): { store: Store; calls: () => number } {
  let n = 0
  const store = new Proxy(inner, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown
      if (typeof v !== 'function') return v
      return (...args: unknown[]) => {
        n++
        return (v as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store, calls: () => n }
}

async function freshCard() {
  const alice = person(stack, 'alice')
  const { card: c } = await alice.buyAndAdd(card100)
  await settle(stack)
  return { alice, c, id: userCardId(c.cardId as string, c.code as string) }
}

/** The request path alone (the money taken, the reply known), with its database calls. */
async function requestPath(mpOpenid: string, c: Json, orderId: string, amount: number, busyHere = false) {
  const counted = counting(store())
  const { balance } = await takeMoney(
    counted.store,
    wx(),
    mpOpenid,
    { cardId: c.cardId as string, code: c.code as string, amount, orderId, orderedAt: Date.now() },
    userCardId(c.cardId as string, c.code as string),
    spendKey(orderId),
    busyHere,
  )
  return { balance, calls: counted.calls() }
}

test('a quiet card: 1 database call once the instance knows the card (2 the first time); the ledger and WeChat follow', async () => {
  const { alice, c, id } = await freshCard()
  expect(await requestPath(alice.mpOpenid, c, 'OC-Q-1', 1000)).toEqual({ balance: 9000, calls: 2 })
  expect(await requestPath(alice.mpOpenid, c, 'OC-Q-2', 1000)).toEqual({ balance: 8000, calls: 1 })
  expect((await card(id))!.openKeys).toBe(2)
  // Nothing in the ledger yet: the settler writes it.
  expect(await entry('spend:OC-Q-1')).toBeNull()
  expect(await settleCard(store(), wx(), id)).toBe(2)
  expect(await entry('spend:OC-Q-1')).toMatchObject({ amount: -1000, balanceAfter: 9000, card: id })
  expect(await entry('spend:OC-Q-2')).toMatchObject({ amount: -1000, balanceAfter: 8000 })
  expect(await card(id)).toMatchObject({ balance: 8000, openKeys: 0, dirty: false })
  expect(await ledgerSum(store(), id)).toBe(8000)
  expect(await bagBalance(c.code as string)).toBe(8000)
})

test('through card.spend: the reply, card.history and WeChat in step when the invocation ends; calls counted by /__cloud/stats', async () => {
  const { alice, c, id } = await freshCard()
  await settle(stack)
  const db0 = stack.cloud.stats.dbCalls
  const r = await alice.fn('card', {
    action: 'spend',
    cardId: c.cardId,
    code: c.code,
    amount: 2500,
    orderId: 'OC-FN-1',
    orderedAt: Date.now(),
  })
  const db = stack.cloud.stats.dbCalls - db0
  expect(r).toMatchObject({ errcode: 0, balance: 7500, entryId: 'spend:OC-FN-1' })
  // request path ≤ 2 (update, read on a new instance) + the settler: read, entry, mark, sync lease, read, last write
  expect(db).toBeLessThanOrEqual(8)
  expect((await historyOf(store(), id)).entries[0]).toMatchObject({ entryId: 'spend:OC-FN-1', amount: -2500 })
  expect(await bagBalance(c.code as string)).toBe(7500)
})

test('a hot card: at most 2 calls a spend on the request path, concurrent spends exact', async () => {
  const { alice, c, id } = await freshCard()
  const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => requestPath(alice.mpOpenid, c, `OC-H-${i}`, 100, true)))
  for (const r of runs) expect(r.calls).toBeLessThanOrEqual(2)
  expect((await card(id))!.balance).toBe(9000)
  await settleCard(store(), wx(), id)
  expect(await ledgerSum(store(), id)).toBe(9000)
})

test('a repeat matches nothing, reads the card and answers the same; other details are 1006', async () => {
  const { alice, c, id } = await freshCard()
  await requestPath(alice.mpOpenid, c, 'OC-R-1', 3000)
  const again = await requestPath(alice.mpOpenid, c, 'OC-R-1', 3000)
  expect(again).toEqual({ balance: 7000, calls: 2 })
  expect((await card(id))!.balance).toBe(7000)
  await expect(requestPath(alice.mpOpenid, c, 'OC-R-1', 2000)).rejects.toMatchObject({ errcode: 1006 })
  // After settling, too (the key stays, settled, for the window).
  await settleCard(store(), wx(), id)
  expect(await requestPath(alice.mpOpenid, c, 'OC-R-1', 3000)).toMatchObject({ balance: 7000 })
  expect((await card(id))!.balance).toBe(7000)
  expect(await ledgerSum(store(), id)).toBe(7000)
})

test('a stale status is confirmed with WeChat first: a code WeChat no longer shows NORMAL is not spent', async () => {
  const { alice, c, id } = await freshCard()
  await store().update(Collections.userCards, id, { checkedAt: Date.now() - STATUS_STALE_MS - 1000 })
  const ok = await requestPath(alice.mpOpenid, c, 'OC-S-1', 1000)
  expect(ok.balance).toBe(9000)
  // update refused, read, check_consume's record, the update again (+ a read without the version known)
  expect(ok.calls).toBeLessThanOrEqual(5)
  await store().update(Collections.userCards, id, { checkedAt: Date.now() - STATUS_STALE_MS - 1000 })
  stack.wechat.platform.s.codes[`${c.cardId as string}|${c.code as string}`]!.status = 'UNAVAILABLE'
  await expect(requestPath(alice.mpOpenid, c, 'OC-S-2', 1000)).rejects.toMatchObject({ errcode: 1006 })
  expect(await card(id)).toMatchObject({ balance: 9000, status: 'UNAVAILABLE' })
})

test('an orderId made outside the window is refused (1001 naming orderedAt), never debited', async () => {
  const { alice, c, id } = await freshCard()
  const r = await alice.fn('card', {
    action: 'spend',
    cardId: c.cardId,
    code: c.code,
    amount: 100,
    orderId: 'OC-OLD-1',
    orderedAt: Date.now() - ORDER_AGE_MS - 60_000,
  })
  expect(r.errcode).toBe(1001)
  expect(String(r.errmsg)).toMatch(/orderedAt/)
  expect((await card(id))!.balance).toBe(10000)
})

test('keys go only once settled and older than the window; the card stays small', async () => {
  const { alice, c, id } = await freshCard()
  await requestPath(alice.mpOpenid, c, 'OC-W-1', 100)
  await requestPath(alice.mpOpenid, c, 'OC-W-2', 100)
  // OC-W-1 older than the window but not settled: it stays until its entry is written.
  const k1 = spendKey('OC-W-1')
  await store().update(Collections.userCards, id, { [`spendKeys.${k1}.t`]: Date.now() - KEY_WINDOW_MS - 1000 })
  await settleCard(store(), wx(), id)
  expect(Object.keys((await card(id))!.spendKeys ?? {})).toHaveLength(2)
  await settleCard(store(), wx(), id)
  expect(Object.keys((await card(id))!.spendKeys ?? {})).toEqual([spendKey('OC-W-2')])
  expect(await entry('spend:OC-W-1')).toMatchObject({ amount: -100 })
  expect(await ledgerSum(store(), id)).toBe(9800)
})

test.each<SettleStep>(['entry', 'marked'])(
  'the settler stopped after its %s write: the cron finishes, money exact, each entry once',
  async (step) => {
    const { alice, c, id } = await freshCard()
    await requestPath(alice.mpOpenid, c, `OC-F-${step}-1`, 1500)
    await requestPath(alice.mpOpenid, c, `OC-F-${step}-2`, 500)
    keyFaults.at = (s) => {
      if (s === step) throw new Error(`stopped after ${s}`)
    }
    await expect(settleCard(store(), wx(), id)).rejects.toThrow(/stopped/)
    keyFaults.at = null
    expect((await card(id))!.balance).toBe(8000)
    await settleOpenKeys(store(), wx())
    await settleCard(store(), wx(), id)
    expect(await card(id)).toMatchObject({ balance: 8000, openKeys: 0 })
    const all = await store().find<LedgerEntryDoc>(Collections.ledger, { card: id, kind: 'spend' })
    expect(all.map((e) => e._id).sort()).toEqual([`spend:OC-F-${step}-1`, `spend:OC-F-${step}-2`])
    expect(await ledgerSum(store(), id)).toBe(8000)
    // A repeat after the crash still debits nothing.
    await requestPath(alice.mpOpenid, c, `OC-F-${step}-1`, 1500)
    expect((await card(id))!.balance).toBe(8000)
    expect(await bagBalance(c.code as string)).toBe(8000)
  },
)

test('an orderId already spent by the 5-call path or on another card: the settler credits the second debit back', async () => {
  const { alice, c, id } = await freshCard()
  const first = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 400, orderId: 'OC-DUP-1' })
  expect(first).toMatchObject({ errcode: 0, balance: 9600 })
  await requestPath(alice.mpOpenid, c, 'OC-DUP-1', 400)
  await settleCard(store(), wx(), id)
  expect((await card(id))!.balance).toBe(9600)
  expect(await ledgerSum(store(), id)).toBe(9600)
  expect((await card(id))!.spendKeys?.[spendKey('OC-DUP-1')]).toMatchObject({ s: true, x: true })
})

const cron = () => fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' }).then((r) => r.json() as Promise<Json>)

test('the sync stopped: WeChat failing, or a sync that died holding the lease; the money exact, the cron brings WeChat in step', async () => {
  const { alice, c, id } = await freshCard()
  await alice.emu('/__emu/faults', { path: 'card/generalcard/updateuser', errcode: -1, times: 8 })
  const r = await alice.fn('card', {
    action: 'spend',
    cardId: c.cardId,
    code: c.code,
    amount: 1200,
    orderId: 'OC-SY-1',
    orderedAt: Date.now(),
  })
  expect(r).toMatchObject({ errcode: 0, balance: 8800 })
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  expect(await card(id)).toMatchObject({ balance: 8800, dirty: true, openKeys: 0, syncLeaseUntil: 0 })
  expect(await entry('spend:OC-SY-1')).toMatchObject({ amount: -1200 })
  // A sync that died right after taking the lease (its one write): the lease runs out, then the cron sends.
  await requestPath(alice.mpOpenid, c, 'OC-SY-2', 800)
  await store().update(Collections.userCards, id, { syncLeaseUntil: Date.now() + 30_000 })
  await settleCard(store(), wx(), id)
  expect(await card(id)).toMatchObject({ balance: 8000, dirty: true, openKeys: 0 })
  await store().update(Collections.userCards, id, { syncLeaseUntil: Date.now() - 1 })
  expect((await cron()).tasks.balances.ok).toBe(true)
  expect(await card(id)).toMatchObject({ balance: 8000, dirty: false })
  expect(await bagBalance(c.code as string)).toBe(8000)
  expect(await ledgerSum(store(), id)).toBe(8000)
})
