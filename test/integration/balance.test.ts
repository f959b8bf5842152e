// Gift-card money on the local stack: never overspent, idempotent, the ledger always equal to the
// balance, and WeChat's card bag brought into agreement whatever happens to updateuser.
import type { Stack } from '../../emulator/stack'
import { syncUnderLease, takeSyncLease } from '../../server/domain/sync/balance-sync'
import { ledgerSum, post } from '../../server/domain/ledgers/ledger'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { createWechatClient } from '../../server/wechat/client'
import { until } from '../helpers/emulator'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack({ WX_API_TIMEOUT_MS: '300' })
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())

const store = () => storeOver(stack.cloud.db)
const cron = () => fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' }).then((r) => r.json() as Promise<Json>)
const bagBalance = async (name: string, code: string) => (await person(stack, name).bag()).find((c) => c.code === code)?.balance

test('200 concurrent 1-yuan spends on one 100-yuan card: exactly 100 succeed, balance 0, ledger consistent, WeChat 0', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      alice.fn('card', { action: 'spend', orderedAt: Date.now(), cardId: card.cardId, code: card.code, amount: 100, orderId: `C200-${i}` }),
    ),
  )
  const ok = results.filter((r) => r.errcode === 0)
  expect(ok).toHaveLength(100)
  expect(results.filter((r) => r.errcode !== 0).every((r) => /insufficient balance/.test(r.errmsg))).toBe(true)
  // What the design guarantees each reply (not that 100 replies are distinct, which depends on timing):
  // the balance includes its own debit and no refused one, so it is a whole number of yuan below 100.
  for (const r of ok) {
    expect(Number.isInteger(r.balance)).toBe(true)
    expect(r.balance as number).toBeGreaterThanOrEqual(0)
    expect(r.balance as number).toBeLessThanOrEqual(9900)
    expect((r.balance as number) % 100).toBe(0)
  }
  // The last spend to settle saw every debit; settled entries all agree with the card.
  expect(Math.min(...ok.map((r) => r.balance as number))).toBe(0)
  const id = userCardId(card.cardId, card.code)
  expect((await store().get<UserCardDoc>('user_cards', id))!.balance).toBe(0)
  expect(await ledgerSum(store(), id)).toBe(0)
  await cron()
  await settle(stack)
  expect(await bagBalance('alice', card.code)).toBe(0)
})

/**
 * A WeChat client whose card/generalcard/updateuser calls wait at the wire until the test lets each one
 * through: while a sync's call is held, the test knows the sync is mid-round and can move the card then.
 */
function holdingUpdateUser() {
  const held: (() => void)[] = []
  let arrived: (() => void) | undefined
  let calls = 0
  const wx = createWechatClient({
    store: store(),
    appid: stack.env.WX_SA_APPID!,
    secret: stack.env.WX_SA_SECRET!,
    apiBase: stack.wechat.url,
    fetch: async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/card/generalcard/updateuser')) {
        calls++
        await new Promise<void>((release) => {
          held.push(release)
          arrived?.()
        })
      }
      return fetch(input, init)
    },
  })
  return {
    wx,
    calls: () => calls,
    /** The next held updateuser call's release, once it comes; a failure if `sync` ends first. */
    next: async (sync: Promise<unknown>): Promise<() => void> => {
      const ended = sync.then((outcome) => {
        throw new Error(`the sync ended (${String(outcome)}) after ${calls} updateuser calls, while it was still owed a round`)
      })
      ended.catch(() => undefined) // awaited only while no call is held
      while (!held.length) await Promise.race([new Promise<void>((r) => (arrived = r)), ended])
      return held.shift()!
    },
  }
}

test('a sync keeps sending while the balance keeps changing under it, and ends with WeChat in step', async () => {
  // The spends that find the sync lease taken leave their change to its holder, so the holder must not
  // stop while changes keep coming (it once stopped after 10 rounds, ~1 s under production latency, and
  // the card bag showed an old balance until the cron's next run). Each round's updateuser is held until
  // spends have landed, so every round but the last finds the card moved: more rounds than that old limit.
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  const id = userCardId(card.cardId, card.code)
  const wechat = holdingUpdateUser()
  const ROUNDS_MOVED = 12
  const SPENDS_A_ROUND = 2
  await post(store(), { card: id, kind: 'spend', amount: -1, entryId: 'spend:SYNC-first' })
  const leaseUntil = (await takeSyncLease(store(), id, Date.now))!
  expect(leaseUntil).toBeGreaterThan(Date.now())
  const syncing = syncUnderLease(store(), wechat.wx, (await store().get<UserCardDoc>('user_cards', id))!, leaseUntil)
  for (let round = 0; round < ROUNDS_MOVED; round++) {
    const letThrough = await wechat.next(syncing)
    // The sync is telling WeChat an old balance: the card moves under it.
    for (let i = 0; i < SPENDS_A_ROUND; i++)
      await post(store(), { card: id, kind: 'spend', amount: -1, entryId: `spend:SYNC-${round}-${i}` })
    letThrough()
  }
  // Nothing moves during the last round: it is the one that ends the sync.
  const lastRound = await wechat.next(syncing)
  lastRound()
  expect(await syncing).toBe('synced')
  expect(wechat.calls()).toBe(ROUNDS_MOVED + 1)
  const doc = (await store().get<UserCardDoc>('user_cards', id))!
  expect(doc.balance).toBe(10000 - 1 - ROUNDS_MOVED * SPENDS_A_ROUND)
  expect(doc.syncedVersion).toBe(doc.version)
  expect(doc.dirty).toBe(false)
  expect(doc.syncLeaseUntil).toBe(0)
  expect(await bagBalance('alice', card.code)).toBe(doc.balance)
})

test('the same orderId retried 50 times concurrently debits once', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  const results = await Promise.all(
    Array.from({ length: 50 }, () =>
      alice.fn('card', {
        action: 'spend',
        orderedAt: Date.now(),
        cardId: card.cardId,
        code: card.code,
        amount: 1234,
        orderId: 'SAME-ORDER',
      }),
    ),
  )
  expect(results.every((r) => r.errcode === 0 && r.balance === 10000 - 1234)).toBe(true)
  expect(new Set(results.map((r) => r.entryId))).toEqual(new Set(['spend:SAME-ORDER']))
  expect(await ledgerSum(store(), userCardId(card.cardId, card.code))).toBe(10000 - 1234)
})

test('errcode -1, timeouts and dropped replies on updateuser end with WeChat in agreement after the cron', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  const fault = (f: Json) => alice.emu('/__emu/faults', { path: 'card/generalcard/updateuser', ...f })
  const spend = (n: number, amount: number) =>
    alice.fn('card', { action: 'spend', orderedAt: Date.now(), cardId: card.cardId, code: card.code, amount, orderId: `FAULT-${n}` })

  await fault({ errcode: -1, times: 8 })
  expect((await spend(1, 1000)).balance).toBe(9000) // our books change; WeChat's update failed and is queued
  await fault({ delayMs: 1000, times: 8 })
  expect((await spend(2, 1000)).balance).toBe(8000)
  await fault({ dropReply: true, times: 8 })
  expect((await spend(3, 1000)).balance).toBe(7000)
  expect((await store().get<UserCardDoc>('user_cards', userCardId(card.cardId, card.code)))!.dirty).toBe(true)
  await alice.emu('/__emu/faults', undefined).catch(() => undefined)
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  const run = await cron()
  expect(run.tasks.balances.ok).toBe(true)
  expect(await bagBalance('alice', card.code)).toBe(7000)
  expect((await store().get<UserCardDoc>('user_cards', userCardId(card.cardId, card.code)))!.dirty).toBe(false)
})

test('a crash between our commit and the WeChat update loses nothing', async () => {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  const id = userCardId(card.cardId, card.code)
  // The function committed the spend and died before telling WeChat.
  await post(store(), { card: id, kind: 'spend', amount: -2500, entryId: 'spend:CRASHED', orderId: 'CRASHED' })
  expect(await bagBalance('alice', card.code)).toBe(10000)
  await cron()
  await until(async () => (await bagBalance('alice', card.code)) === 7500, 'WeChat to agree')
  expect(await ledgerSum(store(), id)).toBe(7500)
})

test('refused: not yours, not NORMAL, bad amounts', async () => {
  const alice = person(stack, 'alice')
  const bob = person(stack, 'bob')
  const { card } = await alice.buyAndAdd(card100)
  expect(
    (await bob.fn('card', { action: 'spend', orderedAt: Date.now(), cardId: card.cardId, code: card.code, amount: 100, orderId: 'X1' }))
      .errcode,
  ).toBe(1004)
  expect(
    (await alice.fn('card', { action: 'spend', orderedAt: Date.now(), cardId: card.cardId, code: card.code, amount: 0, orderId: 'X2' }))
      .errmsg,
  ).toBe('amount must be at least 1')
  expect(
    (await alice.fn('card', { action: 'spend', orderedAt: Date.now(), cardId: card.cardId, code: card.code, amount: 1.5, orderId: 'X3' }))
      .errmsg,
  ).toBe('amount must be an integer')
  await alice.emu('/__emu/client/gift', { from: 'alice', to: 'bob', cardId: card.cardId, code: card.code, accept: false })
  await settle(stack)
  const r = await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 100,
    orderId: 'X4',
  })
  expect(r).toMatchObject({ errcode: 1006 })
  expect(r.errmsg).toMatch(/GIFTING/)
})

test('CONSUME_ON_ZERO: a card spent to zero is consumed in WeChat', async () => {
  const s2 = await startJourneyStack({ CONSUME_ON_ZERO: '1' })
  try {
    const alice = person(s2, 'alice')
    const c100 = await alice.shopCardId(10000)
    const { card } = await alice.buyAndAdd(c100)
    expect(
      (
        await alice.fn('card', {
          action: 'spend',
          orderedAt: Date.now(),
          cardId: card.cardId,
          code: card.code,
          amount: 10000,
          orderId: 'ALL',
        })
      ).balance,
    ).toBe(0)
    await s2.wechat.platform.settle()
    expect((await alice.bag()).find((c) => c.code === card.code)).toMatchObject({ balance: 0, status: 'CONSUMED' })
    expect((await alice.fn('card', { action: 'listMine' })).cards[0]).toMatchObject({ status: 'CONSUMED' })
  } finally {
    await s2.stop()
  }
})

describe('checkout with a short balance: both legs, or the gift-card leg reversed', () => {
  let s2: Stack
  beforeAll(async () => {
    s2 = await startJourneyStack({ CHECKOUT_EXPIRY_S: '1' })
  })
  afterAll(() => s2.stop())

  async function shortCard() {
    const alice = person(s2, 'alice')
    const c100 = await alice.shopCardId(10000)
    const { card } = await alice.buyAndAdd(c100)
    await alice.fn('card', {
      action: 'spend',
      orderedAt: Date.now(),
      cardId: card.cardId,
      code: card.code,
      amount: 9000,
      orderId: `PRE-${card.code}`,
    })
    return { alice, card } // 10.00 left
  }

  test('paid: the card pays 10.00, WeChat Pay 20.00, the order is PAID', async () => {
    const { alice, card } = await shortCard()
    const started = await alice.fn('pay', {
      action: 'startCheckout',
      checkoutId: `OK${card.code}`,
      cardId: card.cardId,
      code: card.code,
      total: 3000,
    })
    expect(started).toMatchObject({ errcode: 0, balance: 0, rest: 2000 })
    const paid = await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })
    expect(paid.json.callbackAcknowledged).toBe(true)
    expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order).toMatchObject({
      status: 'PAID',
      totalFee: 2000,
    })
  })

  test('cancelled: the card is credited back once', async () => {
    const { alice, card } = await shortCard()
    const id = `NO${card.code}`
    await alice.fn('pay', { action: 'startCheckout', checkoutId: id, cardId: card.cardId, code: card.code, total: 3000 })
    expect((await alice.fn('pay', { action: 'cancelCheckout', checkoutId: id })).balance).toBe(1000)
    expect((await alice.fn('pay', { action: 'cancelCheckout', checkoutId: id })).balance).toBe(1000)
    await s2.wechat.platform.settle()
    expect((await alice.bag()).find((c) => c.code === card.code)?.balance).toBe(1000)
  })

  test('abandoned: the cron reverses the leg once the checkout expires; a late payment is flagged for refund', async () => {
    const { alice, card } = await shortCard()
    const started = await alice.fn('pay', {
      action: 'startCheckout',
      checkoutId: `AB${card.code}`,
      cardId: card.cardId,
      code: card.code,
      total: 3000,
    })
    await new Promise((r) => setTimeout(r, 1100))
    const run = (await (await fetch(`${s2.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
    expect(run.tasks.checkouts).toMatchObject({ ok: true, cancelled: 1 })
    expect((await alice.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card.balance).toBe(1000)
    await alice.emu('/__emu/client/requestPayment', { user: 'alice', payment: started.payment })
    expect((await alice.fn('pay', { action: 'getOrder', orderId: started.orderId })).order.status).toBe('REFUND_NEEDED')
  })
})
