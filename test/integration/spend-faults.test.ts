// Issue 27: the spend stopped after each of its writes (server/domain/money/spend-keys.ts): after the
// debit (before WeChat's answer is acted on), after the ledger entry, after the key is marked settled;
// and WeChat's updateuser failing. Money exact, nothing debited or written twice: a repeat of the
// orderId or the cron finishes what the crash left. Crashes are injected into the domain code run in
// this process (keyFaults), against the local stack's database and the WeChat emulator.
import type { Stack } from '../../emulator/stack'
import { ledgerSum, type LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { spend } from '../../server/domain/money/spending'
import { keyFaults, settleCard, settleOpenKeys, spendKey, type SettleStep } from '../../server/domain/money/spend-keys'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import { change, where, type Filter, type Patch, type StoredDoc } from '../../server/store/port'
import { person, settle, startJourneyStack, type Json, wechatOf } from '../helpers/stack'
import { graceRunsOut } from '../helpers/spend-leases'
import { overriding, storeOver } from '../helpers/store'

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
const wx = () => wechatOf(stack, store())
const bagBalance = async (code: string) => (await person(stack, 'alice').bag()).find((c) => c.code === code)?.balance
const card = (id: string) => store().get<UserCardDoc>(Collections.userCards, id)
const entries = (id: string) => store().find<LedgerEntryDoc>(Collections.ledger, { card: id, kind: 'spend' })

class Crash extends Error {}

async function freshCard() {
  const alice = person(stack, 'alice')
  const { card: c } = await alice.buyAndAdd(card100)
  await settle(stack)
  return { alice, c, id: userCardId(c.cardId, c.code) }
}

/** A spend in this process (the instance's memory warmed first, so the quiet path takes the sync lease) that dies right after `step`. */
async function crashAfter(step: SettleStep, mpOpenid: string, c: Json, orderId: string, amount = 2500) {
  const input = { cardId: c.cardId as string, code: c.code as string, amount, orderedAt: Date.now() }
  keyFaults.at = (s) => {
    if (s === step) throw new Crash(`crashed after ${s}`)
  }
  await expect(spend(store(), wx(), mpOpenid, { ...input, orderId })).rejects.toBeInstanceOf(Crash)
  keyFaults.at = null
}

const retry = (alice: ReturnType<typeof person>, c: Json, orderId: string, amount = 2500) =>
  alice.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount, orderId, orderedAt: Date.now() })

const cron = () => fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' }).then((r) => r.json() as Promise<Json>)

test.each<SettleStep>(['debited', 'entry', 'marked'])(
  'crashed after %s: a repeat while the crashed call could still run is BUSY; after it, answers once; money and ledger exact',
  async (step) => {
    const { alice, c, id } = await freshCard()
    // A first spend so this process knows the card (the quiet path: version condition and sync lease).
    expect(
      await spend(store(), wx(), alice.mpOpenid, {
        cardId: c.cardId,
        code: c.code,
        amount: 500,
        orderId: `F-${step}-0`,
        orderedAt: Date.now(),
      }),
    ).toMatchObject({ balance: 9500 })
    await crashAfter(step, alice.mpOpenid, c, `F-${step}-1`)
    expect((await card(id))!.balance).toBe(7000)
    if (step !== 'marked') {
      // Its own call might still be running: a repeat waits for it, then answers busy, not a second debit.
      expect((await retry(alice, c, `F-${step}-1`)).errcode).toBe(1503)
      expect((await card(id))!.balance).toBe(7000)
    }
    await graceRunsOut(store(), id)
    expect(await retry(alice, c, `F-${step}-1`)).toMatchObject({ errcode: 0, balance: 7000, entryId: `spend:F-${step}-1` })
    await settle(stack)
    expect(await card(id)).toMatchObject({ balance: 7000, openKeys: 0 })
    expect((await entries(id)).map((e) => e._id).sort()).toEqual([`spend:F-${step}-0`, `spend:F-${step}-1`])
    expect(await ledgerSum(store(), id)).toBe(7000)
    await graceRunsOut(store(), id)
    expect((await cron()).tasks.balances.ok).toBe(true)
    expect(await bagBalance(c.code)).toBe(7000)
  },
)

test.each<SettleStep>(['debited', 'entry', 'marked'])(
  'crashed after %s, no repeat: the cron settles it once and WeChat is told',
  async (step) => {
    const { alice, c, id } = await freshCard()
    await crashAfter(step, alice.mpOpenid, c, `FC-${step}-1`, 1200)
    // Younger than the grace: the crashed call's own, the cron leaves it.
    await settleOpenKeys(store(), wx())
    if (step !== 'marked') expect((await card(id))!.openKeys).toBe(1)
    await graceRunsOut(store(), id)
    expect((await cron()).errcode ?? 0).toBe(0)
    await settleOpenKeys(store(), wx())
    expect(await card(id)).toMatchObject({ balance: 8800, openKeys: 0, dirty: false })
    expect((await entries(id)).map((e) => e._id)).toEqual([`spend:FC-${step}-1`])
    expect(await ledgerSum(store(), id)).toBe(8800)
    expect(await bagBalance(c.code)).toBe(8800)
    // A repeat now still debits nothing.
    expect(await retry(alice, c, `FC-${step}-1`, 1200)).toMatchObject({ errcode: 0, balance: 8800 })
    expect((await card(id))!.balance).toBe(8800)
  },
)

test.each<SettleStep>(['claimed', 'entry', 'marked'])(
  "the cron's settle of a died spend stops after %s: a repeat then answers it, the next run finishes it once",
  async (step) => {
    const { alice, c, id } = await freshCard()
    await crashAfter('debited', alice.mpOpenid, c, `FS-${step}-1`, 1300)
    await graceRunsOut(store(), id)
    keyFaults.at = (s) => {
      if (s === step) throw new Crash(`settle crashed after ${s}`)
    }
    await expect(settleOpenKeys(store(), wx())).resolves.toMatchObject({ failed: 1 })
    keyFaults.at = null
    if (step !== 'marked') expect((await card(id))!.spendKeys![spendKey(`FS-${step}-1`)]).toMatchObject({ c: true })
    // The repeat (WeChat says yes) settles what the settle left; the next run finds nothing more to do.
    expect(await retry(alice, c, `FS-${step}-1`, 1300)).toMatchObject({ errcode: 0, balance: 8700 })
    await settleOpenKeys(store(), wx())
    expect(await card(id)).toMatchObject({ balance: 8700, openKeys: 0 })
    expect((await entries(id)).map((e) => e._id)).toEqual([`spend:FS-${step}-1`])
    expect(await ledgerSum(store(), id)).toBe(8700)
  },
)

test('two settles of one died spend: the one that reads before the other claims, and claims after it, still settles it once', async () => {
  const { alice, c, id } = await freshCard()
  await crashAfter('debited', alice.mpOpenid, c, 'FS-TWO-1', 1300)
  await graceRunsOut(store(), id)
  let first = true
  const late = overriding(store(), {
    get: async (collection: string, docId: string, omit?: readonly string[]) => {
      const read = await store().get(collection, docId, omit)
      if (first && collection === Collections.userCards) {
        first = false
        // The other settle claims the key now, and stops there (its entry and mark never come).
        keyFaults.at = (s) => {
          if (s === 'claimed') throw new Crash('the other settle stopped after claimed')
        }
        await expect(settleCard(store(), wx(), id, {}, true)).rejects.toBeInstanceOf(Crash)
        keyFaults.at = null
      }
      return read
    },
  })
  // This settle's claim changes nothing (claimed already): it goes on, as the other would have.
  expect(await settleCard(late, wx(), id, {}, true)).toBe(1)
  expect((await card(id))!.spendKeys![spendKey('FS-TWO-1')]).toMatchObject({ s: true, c: true })
  expect(await card(id)).toMatchObject({ balance: 8700, openKeys: 0 })
  expect((await entries(id)).map((e) => e._id)).toEqual(['spend:FS-TWO-1'])
  expect(await ledgerSum(store(), id)).toBe(8700)
})

/** Two spends of ¥10 and ¥5 on one fresh ¥100 card that died after their debits, past the grace: the settler's. */
async function twoDiedSpends(prefix: string) {
  const { alice, c, id } = await freshCard()
  await crashAfter('debited', alice.mpOpenid, c, `${prefix}-1`, 1000)
  await crashAfter('debited', alice.mpOpenid, c, `${prefix}-2`, 500)
  await graceRunsOut(store(), id)
  return { id, k1: spendKey(`${prefix}-1`), k2: spendKey(`${prefix}-2`) }
}

test('a settle whose mark meets a neighbour settled by another settler marks its own keys in another round', async () => {
  const { id, k1, k2 } = await twoDiedSpends('FS-N')
  let neighbourMarked = false
  const racing = overriding(store(), {
    insert: async (collection: string, doc: StoredDoc) => {
      await store().insert(collection, doc)
      if (!neighbourMarked && collection === Collections.ledger && doc._id === 'spend:FS-N-2') {
        neighbourMarked = true
        // Another settler (a repeat of FS-N-2) marks its key settled before this one's mark.
        const marked = await store().updateIf(
          Collections.userCards,
          id,
          { [`spendKeys.${k2}.on`]: true, [`spendKeys.${k2}.s`]: where.neq(true) },
          { [`spendKeys.${k2}.s`]: true, openKeys: change.inc(-1) },
        )
        expect(marked).toBe(true)
      }
    },
  })
  expect(await settleCard(racing, wx(), id, {}, true)).toBe(2)
  expect(neighbourMarked).toBe(true)
  const after = (await card(id))!
  expect(after.spendKeys![k1]).toMatchObject({ s: true })
  expect(after).toMatchObject({ balance: 8500, openKeys: 0 })
  expect((await entries(id)).map((e) => e._id).sort()).toEqual(['spend:FS-N-1', 'spend:FS-N-2'])
  expect(await ledgerSum(store(), id)).toBe(8500)
})

test('a settle whose claim meets a neighbour put back meanwhile claims and settles the keys still open', async () => {
  const { id, k1, k2 } = await twoDiedSpends('FS-C')
  let putBack = false
  const racing = overriding(store(), {
    updateIf: async (collection: string, docId: string, filter: Filter, patch: Patch) => {
      if (!putBack && `spendKeys.${k2}.c` in patch) {
        putBack = true
        // A repeat of FS-C-2 heard WeChat refuse and put its debit back, before this settle's claim.
        const done = await store().updateIf(
          Collections.userCards,
          id,
          { [`spendKeys.${k2}.on`]: true, [`spendKeys.${k2}.s`]: where.neq(true), [`spendKeys.${k2}.c`]: where.neq(true) },
          { balance: change.inc(500), version: change.inc(1), openKeys: change.inc(-1), [`spendKeys.${k2}`]: change.unset() },
        )
        expect(done).toBe(true)
      }
      return store().updateIf(collection, docId, filter, patch)
    },
  })
  expect(await settleCard(racing, wx(), id, {}, true)).toBe(1)
  expect(putBack).toBe(true)
  const after = (await card(id))!
  expect(after.spendKeys![k1]).toMatchObject({ s: true, c: true })
  expect(after.spendKeys![k2]).toBeUndefined()
  expect(after).toMatchObject({ balance: 9000, openKeys: 0 })
  expect((await entries(id)).map((e) => e._id)).toEqual(['spend:FS-C-1'])
  expect(await ledgerSum(store(), id)).toBe(9000)
})

test("a settle that stopped after claiming, then the code given away: the claimed spend stands (its settler had WeChat's yes)", async () => {
  const { alice, c, id } = await freshCard()
  await crashAfter('debited', alice.mpOpenid, c, 'FS-GIVEN-1', 1300)
  await graceRunsOut(store(), id)
  keyFaults.at = (s) => {
    if (s === 'claimed') throw new Crash('settle crashed after claimed')
  }
  await settleOpenKeys(store(), wx())
  keyFaults.at = null
  await alice.emu('/__emu/faults', { path: 'card/code/get', errcode: 40056, times: 2 })
  await settleOpenKeys(store(), wx())
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  expect(await card(id)).toMatchObject({ balance: 8700, openKeys: 0 })
  expect((await entries(id)).map((e) => e._id)).toEqual(['spend:FS-GIVEN-1'])
  expect(await ledgerSum(store(), id)).toBe(8700)
})

test('WeChat does not answer the code check: the debit is put back before the reply (1502), the orderId free for a retry', async () => {
  const { alice, c, id } = await freshCard()
  await alice.emu('/__emu/faults', { path: 'card/code/get', errcode: -1, times: 4 })
  const r = await retry(alice, c, 'F-NOANSWER-1', 3000)
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
  expect(r.errcode).toBe(1502)
  expect(await card(id)).toMatchObject({ balance: 10000, openKeys: 0 })
  expect((await card(id))!.spendKeys?.[spendKey('F-NOANSWER-1')]).toBeUndefined()
  expect(await entries(id)).toEqual([])
  expect(await retry(alice, c, 'F-NOANSWER-1', 3000)).toMatchObject({ errcode: 0, balance: 7000 })
  expect(await ledgerSum(store(), id)).toBe(7000)
})

test('a refused spend (insufficient balance, not yours) leaves no key and no entry behind', async () => {
  const { alice, c, id } = await freshCard()
  expect((await retry(alice, c, 'F-REF-1', 20000)).errcode).toBe(1006)
  expect(
    (
      await person(stack, 'bob').fn('card', {
        action: 'spend',
        cardId: c.cardId,
        code: c.code,
        amount: 100,
        orderId: 'F-REF-2',
        orderedAt: Date.now(),
      })
    ).errcode,
  ).toBe(1004)
  expect((await card(id))!.balance).toBe(10000)
  expect((await card(id))!.openKeys ?? 0).toBe(0)
  expect((await card(id))!.spendKeys ?? {}).toEqual({})
  expect(await entries(id)).toEqual([])
})
