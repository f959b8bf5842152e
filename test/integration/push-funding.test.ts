// Issue 17: the first user_get_card push of a card bought in the Mini Program funds it with fundFresh's
// three claims (entitlements.ts) in 4 database calls (issue 27), and stays exactly-once when the push is
// delivered twice at once, races recordAdded, or stopped between two claims. Pushes are held back at
// the emulator and delivered here, signed and encrypted as WeChat does, whenever the test wants.
import type { Stack } from '../../emulator/stack'
import { dedupKey, parseEvent } from '../../server/wechat/events'
import { addWithPushHeld, deliverPush, person, settle, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'carol').shopCardId(10000)
})
afterAll(() => stack.stop())

const db = () => storeOver(stack.cloud.db)
const dbCalls = async () => ((await (await fetch(`${stack.cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls

const addHeld = (name: string) => addWithPushHeld(stack, name, card100)

/** Delivers a push as WeChat does in safe mode: fresh timestamp and nonce, encrypted, msg_signature. */
const deliver = (xml: string) => deliverPush(stack, xml)

/** The card is funded once from its entitlement: its balance, one issue entry, the entitlement ADDED with it, WeChat told. */
async function expectFundedOnce(name: string, entId: string, code: string) {
  const id = `${card100}:${code}`
  const ent = (await db().get<Json & { _id: string }>('entitlements', entId))!
  expect(ent).toMatchObject({ status: 'ADDED', code })
  const card = (await db().get<Json & { _id: string }>('user_cards', id))!
  expect(card).toMatchObject({ balance: ent.value, funded: true, entitlementId: entId, version: 1 })
  const entries = await db().find<Json & { _id: string }>('ledger', { card: id })
  expect(entries.map((e) => [e._id, e.kind, e.amount, e.balanceAfter, e.version, e.entitlementId])).toEqual([
    [`issue:${id}`, 'issue', ent.value, ent.value, 1, entId],
  ])
  await settle(stack)
  expect((await person(stack, name).bag()).find((c) => c.code === code)).toMatchObject({ balance: ent.value })
}

test('the first push funds the card in 4 database calls; a redelivery takes 1 and changes nothing', async () => {
  const { entId, xml, code } = await addHeld('carol')
  const before = await dbCalls()
  expect(await deliver(xml)).toEqual({ status: 200, text: 'success' })
  const first = (await dbCalls()) - before
  // Issue 27: the entitlement read (the access_token beside it on a new instance), its CAS, the issue
  // entry, the card inserted after updateuser; no stored event (the entitlement's pushedAt is the record).
  expect(first).toBe(4)
  await expectFundedOnce('carol', entId, code)
  const again = await dbCalls()
  expect(await deliver(xml)).toEqual({ status: 200, text: 'success' })
  expect((await dbCalls()) - again).toBeLessThanOrEqual(1)
  await expectFundedOnce('carol', entId, code)
  // Encrypted pushes keep no nonce record: msg_signature covers the body.
  expect(await db().count('push_nonces', {})).toBe(0)
})

test('the same push delivered at once twice, and as three events with other CreateTimes, funds the card once', async () => {
  const { entId, xml, code } = await addHeld('alice')
  const variants = [1, 2, 3].map((k) =>
    xml.replace(/<CreateTime>(\d+)<\/CreateTime>/, (_, t: string) => `<CreateTime>${Number(t) + k}</CreateTime>`),
  )
  const replies = await Promise.all([xml, xml, ...variants].map(deliver))
  expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  await expectFundedOnce('alice', entId, code)
  // Every stored event was processed (none left for the cron with an error).
  expect(await db().count('events', { processed: false })).toBe(0)
})

test('a push racing recordAdded funds the card once, whichever wins', async () => {
  for (let round = 0; round < 4; round++) {
    const { p, entId, xml, code, cardList } = await addHeld('bob')
    const [pushed, recorded] = await Promise.all([
      round % 2 ? deliver(xml) : new Promise<{ status: number }>((r) => setTimeout(r, 5)).then(() => deliver(xml)),
      p.fn('card', { action: 'recordAdded', cardList }),
    ])
    expect(pushed.status).toBe(200)
    expect(recorded.errcode).toBe(0)
    expect(recorded.cards[0]).toMatchObject({ code, balance: 10000 })
    await expectFundedOnce('bob', entId, code)
  }
})

test('stopped after claiming the entitlement: recordAdded finishes the funding, a later push adds nothing', async () => {
  const { p, entId, xml, code, cardList } = await addHeld('carol')
  // As fundFresh leaves it when its instance dies after the compare-and-set.
  expect(await db().updateIf('entitlements', entId, { status: 'READY' }, { status: 'ADDED', code, addedAt: Date.now() })).toBe(true)
  const recorded = await p.fn('card', { action: 'recordAdded', cardList })
  expect(recorded.errcode).toBe(0)
  expect(recorded.cards[0]).toMatchObject({ code, balance: 10000 })
  await expectFundedOnce('carol', entId, code)
  expect((await deliver(xml)).status).toBe(200)
  await expectFundedOnce('carol', entId, code)
})

test('stopped after the issue entry: the next push for the code finishes the funding', async () => {
  const { p, entId, xml, code } = await addHeld('alice')
  const id = `${card100}:${code}`
  const ent = (await db().get<Json & { _id: string }>('entitlements', entId))!
  expect(await db().updateIf('entitlements', entId, { status: 'READY' }, { status: 'ADDED', code, addedAt: Date.now() })).toBe(true)
  await db().insert('ledger', {
    _id: `issue:${id}`,
    card: id,
    kind: 'issue',
    amount: ent.value,
    balanceAfter: ent.value,
    version: 1,
    orderId: ent.orderId,
    entitlementId: entId,
    description: 'card issued',
    createdAt: Date.now(),
  })
  expect((await deliver(xml)).status).toBe(200)
  await expectFundedOnce('alice', entId, code)
  expect((await p.fn('card', { action: 'listMine' })).cards.filter((c: Json) => c.code === code)).toEqual([
    expect.objectContaining({ balance: 10000 }),
  ])
})

test('stopped after the issue entry with its event stored: the cron finishes the funding once', async () => {
  const { entId, xml, code } = await addHeld('carol')
  const id = `${card100}:${code}`
  const ent = (await db().get<Json & { _id: string }>('entitlements', entId))!
  // As wxpush leaves it when its reply budget ran out (the event stored, not processed) and its instance
  // then died inside fundFresh.
  const event = parseEvent(xml)
  await db().insert('events', { _id: dedupKey(event), event, receivedAt: Date.now(), processed: false, attempts: 0 })
  expect(await db().updateIf('entitlements', entId, { status: 'READY' }, { status: 'ADDED', code, addedAt: Date.now() })).toBe(true)
  await db().insert('ledger', {
    _id: `issue:${id}`,
    card: id,
    kind: 'issue',
    amount: ent.value,
    balanceAfter: ent.value,
    version: 1,
    orderId: ent.orderId,
    entitlementId: entId,
    description: 'card issued',
    createdAt: Date.now(),
  })
  const run = (await (await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as Json
  expect(run.tasks.events.ok).toBe(true)
  await expectFundedOnce('carol', entId, code)
  expect(await db().count('events', { processed: false })).toBe(0)
  // WeChat's own delivery arriving late is a repeat of that event: nothing more.
  expect((await deliver(xml)).status).toBe(200)
  await expectFundedOnce('carol', entId, code)
})

test('a code another entitlement claimed first: this entitlement goes back to READY and funds nothing', async () => {
  const mine = await addHeld('bob')
  const other = await addHeld('bob')
  const id = `${card100}:${mine.code}`
  const value = (await db().get<Json & { _id: string }>('entitlements', other.entId))!.value as number
  // As if the other entitlement's fundFresh had claimed this code (its entry written, its card not yet).
  expect(
    await db().updateIf('entitlements', other.entId, { status: 'READY' }, { status: 'ADDED', code: mine.code, addedAt: Date.now() }),
  ).toBe(true)
  await db().insert('ledger', {
    _id: `issue:${id}`,
    card: id,
    kind: 'issue',
    amount: value,
    balanceAfter: value,
    version: 1,
    entitlementId: other.entId,
    createdAt: Date.now(),
  })
  expect((await deliver(mine.xml)).status).toBe(200)
  const ent = (await db().get<Json & { _id: string }>('entitlements', mine.entId))!
  expect(ent.status).toBe('READY')
  expect(ent.code).toBeUndefined()
  expect((await db().get<Json & { _id: string }>('user_cards', id))?.balance ?? 0).toBe(0)
  expect((await db().find<Json & { _id: string }>('ledger', { card: id })).map((e) => e.entitlementId)).toEqual([other.entId])
  // The other entitlement's funding finishes when its own code is recorded: it is then funded once.
  await db().update('entitlements', other.entId, { code: other.code })
  await db().remove('ledger', `issue:${id}`)
  expect((await deliver(other.xml)).status).toBe(200)
  await expectFundedOnce('bob', other.entId, other.code)
})
