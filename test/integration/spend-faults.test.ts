// Issue 17: a spend is a pending ledger entry, one atomic conditional debit (with the entry's hold on
// the card), then the settle. A crash between any two steps loses and mints nothing: the next call
// with the same orderId, or the cron, finishes or voids it. Crashes are injected into the domain code
// run in this process, against the local stack's database and the WeChat emulator.
import { readCloudbaserc, runSettings } from '../../scripts/deploy/cloudbaserc'
import type { Stack } from '../../emulator/stack'
import { ledgerSum, type LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { spend } from '../../server/domain/money/spending'
import { SPEND_LEASE_MS, faults, holdKey, settleAbandonedSpends, type Step } from '../../server/domain/money/spend-entries'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import type { Store } from '../../server/store/port'
import { createWechatClient } from '../../server/wechat/client'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'
import { leaseRunsOut } from '../helpers/spend-leases'
import { storeOver } from '../helpers/store'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())
afterEach(() => {
  faults.at = null
})

const store = () => storeOver(stack.cloud.db)
const wx = () =>
  createWechatClient({ store: store(), appid: stack.env.WX_SA_APPID!, secret: stack.env.WX_SA_SECRET!, apiBase: stack.wechat.url })
const bagBalance = async (code: string) => (await person(stack, 'alice').bag()).find((c) => c.code === code)?.balance

class Crash extends Error {}

async function freshCard() {
  const alice = person(stack, 'alice')
  const { card } = await alice.buyAndAdd(card100)
  await settle(stack)
  return { alice, card, id: userCardId(card.cardId, card.code) }
}

/** Runs a spend that dies right after `step`. */
async function crashAfter(step: Step, mpOpenid: string, card: Json, orderId: string, amount = 2500) {
  faults.at = (s) => {
    if (s === step) throw new Crash(`crashed after ${s}`)
  }
  await expect(spend(store(), wx(), mpOpenid, { cardId: card.cardId, code: card.code, amount, orderId })).rejects.toBeInstanceOf(Crash)
  faults.at = null
}

const card = (id: string) => store().get<UserCardDoc>(Collections.userCards, id)
const entry = (id: string) => store().get<LedgerEntryDoc>(Collections.ledger, id)

test('crash after the pending entry: nothing was debited; the retried call debits once, the lease first', async () => {
  const { alice, card: c, id } = await freshCard()
  await crashAfter('inserted', alice.mpOpenid, c, 'F-INS-1')
  expect((await card(id))!.balance).toBe(10000)
  expect(await entry('spend:F-INS-1')).toMatchObject({ pending: true, amount: -2500 })
  expect(await ledgerSum(store(), id)).toBe(10000) // a pending entry is no part of the balance
  // While the crashed call's lease lasts, a retry waits for it and then answers busy, not a timeout.
  const early = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 2500, orderId: 'F-INS-1' })
  expect(early.errcode).toBe(1503)
  await leaseRunsOut(store(), 'spend:F-INS-1')
  const retried = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 2500, orderId: 'F-INS-1' })
  expect(retried).toMatchObject({ errcode: 0, balance: 7500, entryId: 'spend:F-INS-1' })
  expect((await card(id))!.balance).toBe(7500)
  expect(await entry('spend:F-INS-1')).not.toHaveProperty('pending')
  expect(await ledgerSum(store(), id)).toBe(7500)
  expect((await card(id))!.holds?.[holdKey('spend:F-INS-1')]).toBeUndefined()
  await settle(stack)
  expect(await bagBalance(c.code)).toBe(7500)
})

test('crash after the pending entry, no retry: the cron voids it and the orderId is free again', async () => {
  const { alice, card: c, id } = await freshCard()
  await crashAfter('inserted', alice.mpOpenid, c, 'F-INS-2')
  await leaseRunsOut(store(), 'spend:F-INS-2')
  expect(await settleAbandonedSpends(store(), wx())).toMatchObject({ voided: 1, settled: 0 })
  expect(await entry('spend:F-INS-2')).toBeNull()
  expect((await card(id))!.balance).toBe(10000)
  const again = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 100, orderId: 'F-INS-2' })
  expect(again).toMatchObject({ errcode: 0, balance: 9900 })
})

test('crash after the debit: the hold on the card proves it; the retried call settles without a second debit', async () => {
  const { alice, card: c, id } = await freshCard()
  await crashAfter('debited', alice.mpOpenid, c, 'F-DEB-1')
  expect((await card(id))!.balance).toBe(7500)
  expect((await card(id))!.holds?.[holdKey('spend:F-DEB-1')]).toBe(true)
  expect(await entry('spend:F-DEB-1')).toMatchObject({ pending: true })
  await leaseRunsOut(store(), 'spend:F-DEB-1')
  const retried = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 2500, orderId: 'F-DEB-1' })
  expect(retried).toMatchObject({ errcode: 0, balance: 7500 })
  expect((await card(id))!.balance).toBe(7500)
  expect(await ledgerSum(store(), id)).toBe(7500)
  expect((await card(id))!.holds?.[holdKey('spend:F-DEB-1')]).toBeUndefined()
  await settle(stack)
  expect(await bagBalance(c.code)).toBe(7500)
})

test('crash after the debit, no retry: the cron settles it and WeChat is told', async () => {
  const { alice, card: c, id } = await freshCard()
  await crashAfter('debited', alice.mpOpenid, c, 'F-DEB-2', 4000)
  await leaseRunsOut(store(), 'spend:F-DEB-2')
  const cron = (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
  expect(cron.tasks.pendingSpends).toMatchObject({ ok: true, settled: 1, voided: 0 })
  expect(await entry('spend:F-DEB-2')).toMatchObject({ amount: -4000, balanceAfter: 6000 })
  expect(await entry('spend:F-DEB-2')).not.toHaveProperty('pending')
  expect(await ledgerSum(store(), id)).toBe(6000)
  expect((await card(id))!.balance).toBe(6000)
  await settle(stack)
  expect(await bagBalance(c.code)).toBe(6000)
})

test('crash after the settle: a retry answers the settled result and debits nothing more', async () => {
  const { alice, card: c, id } = await freshCard()
  await crashAfter('settled', alice.mpOpenid, c, 'F-SET-1', 1000)
  expect(await entry('spend:F-SET-1')).toMatchObject({ balanceAfter: 9000 })
  const retried = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 1000, orderId: 'F-SET-1' })
  expect(retried).toMatchObject({ errcode: 0, balance: 9000 })
  expect((await card(id))!.balance).toBe(9000)
  expect(await ledgerSum(store(), id)).toBe(9000)
  // The cron leaves the settled entry alone.
  expect(await settleAbandonedSpends(store(), wx())).toMatchObject({ settled: 0, voided: 0 })
})

test('a debit whose reply is lost stays pending (never voided while it may have applied), and the cron settles it', async () => {
  const { alice, card: c, id } = await freshCard()
  const s = store()
  // The database applies the debit, then the connection drops before the answer arrives.
  const lossy: Store = Object.assign(Object.create(Object.getPrototypeOf(s)) as Store, s, {
    updateIf: async (coll: string, docId: string, filter: Record<string, unknown>, patch: Record<string, unknown>) => {
      const applied = await s.updateIf(coll, docId, filter, patch)
      if (coll === Collections.userCards && 'balance' in patch) throw new Error('connection reset')
      return applied
    },
  })
  await expect(spend(lossy, wx(), alice.mpOpenid, { cardId: c.cardId, code: c.code, amount: 3000, orderId: 'F-LOST' })).rejects.toThrow(
    'connection reset',
  )
  expect(await entry('spend:F-LOST')).toMatchObject({ pending: true })
  expect((await card(id))!.balance).toBe(7000)
  await leaseRunsOut(s, 'spend:F-LOST')
  expect(await settleAbandonedSpends(s, wx())).toMatchObject({ settled: 1 })
  expect(await ledgerSum(s, id)).toBe(7000)
})

test('a refused spend (insufficient balance, not yours) leaves no entry behind', async () => {
  const { alice, card: c, id } = await freshCard()
  const over = await alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 10001, orderId: 'F-OVER' })
  expect(over.errcode).toBe(1006)
  expect(await entry('spend:F-OVER')).toBeNull()
  const bob = person(stack, 'bob')
  const theirs = await bob.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount: 1, orderId: 'F-THEIRS' })
  expect(theirs.errcode).toBe(1004)
  expect(await entry('spend:F-THEIRS')).toBeNull()
  expect((await card(id))!.balance).toBe(10000)
})

test('the lease of a pending entry outlives every function that spends (so a lease that ran out has no live owner)', () => {
  for (const fn of ['card', 'pay', 'cron']) {
    const timeoutS = runSettings(readCloudbaserc(), fn).timeout
    expect({ fn, outlives: SPEND_LEASE_MS > timeoutS * 1000 || fn === 'cron' }).toEqual({ fn, outlives: true })
  }
})
