// card.spend's round trips (issues #17, #27), counted by the local cloud and the WeChat emulator: the
// card's sync lease rides on the debit. A quiet card's exact debit takes it (3 database calls and 2
// WeChat calls — the code check, updateuser — in the whole invocation); on a card another invocation is
// syncing, the spend leaves WeChat to that sync, which sends the change; and whatever the interleaving,
// the money is exact and WeChat ends in step.
import type { Stack } from '../../emulator/stack'
import { ledgerSum } from '../../server/domain/ledgers/ledger'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import { storeOver } from '../helpers/store'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())

const store = () => storeOver(stack.cloud.db)
const wxCalls = () => Object.values(stack.wechat.platform.stats.calls).reduce((a, b) => a + b, 0)
const card = (id: string) => store().get<UserCardDoc>(Collections.userCards, id)
const bagBalance = async (name: string, code: string) => (await person(stack, name).bag()).find((c) => c.code === code)?.balance

async function freshCard(name = 'alice') {
  const p = person(stack, name)
  const { card: c } = await p.buyAndAdd(card100)
  await settle(stack)
  return { p, c, id: userCardId(c.cardId as string, c.code as string) }
}

/** `call`'s answer with the database and WeChat calls it made (nothing else runs: no timers, pushes settled). */
async function counted(call: () => Promise<Json>) {
  await settle(stack)
  const db0 = stack.cloud.stats.dbCalls
  const wx0 = wxCalls()
  const answer = await call()
  return { answer, db: stack.cloud.stats.dbCalls - db0, wx: wxCalls() - wx0 }
}

const spendOf = (p: ReturnType<typeof person>, c: Json, orderId: string, amount: number) =>
  p.fn('card', { action: 'spend', cardId: c.cardId, code: c.code, amount, orderId, orderedAt: Date.now() })

test('a spend on a quiet card: 3 database calls and 2 WeChat calls, the sync lease taken by the debit and released', async () => {
  const { p, c, id } = await freshCard()
  // The instance learns the card on its first spend (it reads it); calls one at a time reuse that instance.
  expect(await spendOf(p, c, 'RT-QUIET-0', 500)).toMatchObject({ errcode: 0, balance: 9500 })
  const { answer, db, wx } = await counted(() => spendOf(p, c, 'RT-QUIET-1', 2500))
  expect(answer).toMatchObject({ errcode: 0, balance: 7000 })
  // the debit with the lease (the request path: 1), the entry beside updateuser, the last write (key settled, lease freed)
  expect(db).toBe(3)
  // card/code/get (issue 25 §1: WeChat's word on this spend) beside the debit, then updateuser
  expect(wx).toBe(2)
  expect(await card(id)).toMatchObject({ balance: 7000, syncLeaseUntil: 0, dirty: false, openKeys: 0 })
  expect(await bagBalance('alice', c.code as string)).toBe(7000)
})

test('a repeat on a card the instance knows: 2 database calls, the same answer, nothing moved', async () => {
  const { p, c, id } = await freshCard()
  expect(await spendOf(p, c, 'RT-REP-1', 500)).toMatchObject({ errcode: 0, balance: 9500 })
  const { answer, db } = await counted(() => spendOf(p, c, 'RT-REP-1', 500))
  expect(answer).toMatchObject({ errcode: 0, balance: 9500, entryId: 'spend:RT-REP-1' })
  expect(db).toBe(2)
  expect((await card(id))!.balance).toBe(9500)
})

test('a spend while another invocation syncs the card: the spend leaves WeChat to that sync, which sends it', async () => {
  const { p, c, id } = await freshCard()
  expect(await spendOf(p, c, 'RT-HELD-0', 500)).toMatchObject({ errcode: 0, balance: 9500 })
  // Another spend's sync is running: it holds the card's lease (its token is the lease's end).
  const token = Date.now() + 30_000
  await store().update(Collections.userCards, id, { syncLeaseUntil: token })
  const { answer, db, wx } = await counted(() => spendOf(p, c, 'RT-HELD-1', 1000))
  expect(answer).toMatchObject({ errcode: 0, balance: 8500 })
  // the debit refused (the lease is held), the card read, the debit exactly as read (3 on the request
  // path), then the entry and the key marked while that lease is held (the read saw it: left to its
  // holder, no try at the lease)
  expect(db).toBe(5)
  expect(wx).toBe(1)
  const after = (await card(id))!
  expect(after).toMatchObject({ balance: 8500, syncLeaseUntil: token, dirty: true, openKeys: 0 })
  expect(after.syncedVersion).toBeLessThan(after.version)
  // That sync's last write checks the version the debit moved, so it cannot finish without sending it:
  const finished = await store().updateIf(
    Collections.userCards,
    id,
    { syncLeaseUntil: token, version: after.version - 1 },
    { syncLeaseUntil: 0, dirty: false },
  )
  expect(finished).toBe(false)
  // Had it died instead, its lease runs out and the cron's retry of dirty cards brings WeChat in step.
  await store().update(Collections.userCards, id, { syncLeaseUntil: Date.now() - 1 })
  const cron = (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
  expect(cron.errcode ?? 0).toBe(0)
  expect(await bagBalance('alice', c.code as string)).toBe(8500)
  expect(await card(id)).toMatchObject({ dirty: false, syncLeaseUntil: 0 })
})

test('20 concurrent spends on one card: every one exact, WeChat in step after, at most 8 database calls a spend, fewer updateuser calls than spends', async () => {
  const { c, id } = await freshCard('bob')
  const bob = person(stack, 'bob')
  const updates = () => stack.wechat.platform.stats.calls['card/generalcard/updateuser'] ?? 0
  const updates0 = updates()
  const { answer, db } = await counted(async () => {
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => spendOf(bob, c, `RT-HOT-${i}`, 100)))
    return { errcodes: all.map((r) => r.errcode) } as Json
  })
  expect(answer.errcodes).toEqual(Array(20).fill(0))
  expect(await card(id)).toMatchObject({ balance: 8000, dirty: false, syncLeaseUntil: 0, openKeys: 0 })
  expect(await ledgerSum(store(), id)).toBe(8000)
  expect(await bagBalance('bob', c.code as string)).toBe(8000)
  // A hot card's spend, or an instance's first of the card, is 4–7 (docs/functions-api.md), and the one sync
  // of the burst adds a read and a last write for each round it goes while the card keeps changing, shared
  // by the burst. The 20 land on all 8 instances at once, each new to the card: 6.7 a spend measured here
  // alone, 7.15 with the property test running beside it. Above 8 something costs a call more a spend.
  expect(db / 20).toBeLessThanOrEqual(8)
  // One sync at a time, waiting for the card to hold still before it sends again: fewer updateuser calls
  // than spends. (This stack's 8 instances spread the 20 over waves, each of which may be sent; the
  // bench's 100 on one card cost 6: docs/bench/issue-27-one-path-2026-12-06.txt.)
  expect(updates() - updates0).toBeLessThan(20)
})

test('a code WeChat refuses for good (given away: 40056) stops being retried by the cron, and the card records why', async () => {
  const { c, id } = await freshCard()
  // alice gives the card to bob in WeChat's card bag; both pushes lost, so our record still says alice's
  // code is NORMAL, with a change to send (its balance moved).
  const given = await person(stack, 'alice').emu('/__emu/client/gift', { from: 'alice', to: 'bob', cardId: c.cardId, code: c.code })
  expect(given.json.status).toBe('ACCEPTED')
  await settle(stack)
  const cur = (await card(id))!
  await store().update(Collections.userCards, id, {
    status: 'NORMAL',
    mpOpenid: cur.mpOpenid,
    version: cur.version + 1,
    dirty: true,
    syncLeaseUntil: 0,
  })
  const updates = () => stack.wechat.platform.stats.calls['card/generalcard/updateuser'] ?? 0
  const cron = async () => (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
  const before = updates()
  expect((await cron()).errcode ?? 0).toBe(0)
  expect(updates() - before).toBe(1)
  // A code given away is "invalid serial code" (40056: card-api-guide "code未被添加或被转赠领取的情况则统一报错"): not ours any more.
  expect(await card(id)).toMatchObject({ dirty: false, syncRefused: { errcode: 40056, version: cur.version + 1 } })
  await cron()
  await cron()
  expect(updates() - before).toBe(1)
})
