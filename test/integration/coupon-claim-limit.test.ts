// get_limit under a burst (followups-18): a person who sends many claims of one coupon at once, each
// with its own requestId, holds at most get_limit claims from us — each claim takes a slot
// `claim:<cardId>:<openid>:<n>` (n < get_limit) by an insert the database refuses twice — and the
// rest are refused with the limit's errcode; a replay of a claim that succeeded still answers that claim.
import type { Stack } from '../../emulator/stack'
import type { ClaimDoc } from '../../server/domain/coupons/coupons'
import { claimSlotId, takeClaimSlot, type ClaimSlotDoc } from '../../server/domain/coupons/claim-slots'
import { Collections } from '../../server/store/collections'
import { person, startJourneyStack, type Json } from '../helpers/stack'
import { storeOver } from '../helpers/store'
import { couponCard } from '../helpers/coupons'

let stack: Stack
const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)
const store = () => storeOver(stack.cloud.db)

beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

/** A claimable 代金券 (card-api-guide.zh.txt's CASH) with this get_limit. */
async function claimableCoupon(getLimit: number, quantity = 100): Promise<string> {
  const created = await merchant({
    action: 'cardCreate',
    card: couponCard('CASH', { least_cost: 10000, reduce_cost: 1000 }, { sku: { quantity }, get_limit: getLimit }),
  })
  expect(created).toMatchObject({ errcode: 0 })
  expect(await merchant({ action: 'claimableSet', cardId: created.cardId, claimable: true })).toMatchObject({ errcode: 0 })
  return created.cardId as string
}

const claimsOf = (mpOpenid: string, cardId: string) =>
  store().find<ClaimDoc>(Collections.couponClaims, { mpOpenid, cardId }, { limit: 100 })
const slotsOf = (mpOpenid: string, cardId: string) =>
  store().find<ClaimSlotDoc>(Collections.couponClaimSlots, { mpOpenid, cardId }, { limit: 100 })

test('get_limit + 3 claims at once with distinct requestIds: exactly get_limit succeed, the rest get 1006; a replay answers the same claim', async () => {
  const limit = 4
  const cardId = await claimableCoupon(limit)
  const alice = person(stack, 'alice')
  const ids = Array.from({ length: limit + 3 }, (_, i) => `burst-${i}-${Math.random().toString(36).slice(2, 8)}`)
  const replies = await Promise.all(ids.map((requestId) => alice.fn('card', { action: 'claim', cardId, requestId })))
  const won = ids.filter((_, i) => replies[i]!.errcode === 0)
  const lost = replies.filter((r) => r.errcode !== 0)
  expect(won).toHaveLength(limit)
  expect(lost).toEqual(
    Array.from({ length: 3 }, () => expect.objectContaining({ errcode: 1006, errmsg: expect.stringContaining('get_limit') })),
  )
  for (const i of ids.keys()) if (replies[i]!.errcode === 0) expect(replies[i]!.cardList).toEqual([expect.objectContaining({ cardId })])
  // What we hold: get_limit claims, one per winning requestId, each on its own slot 0…get_limit−1.
  const claims = await claimsOf(alice.mpOpenid, cardId)
  expect(claims.map((c) => c.requestId).sort()).toEqual([...won].sort())
  expect(claims.map((c) => c.slot).sort()).toEqual([0, 1, 2, 3])
  expect((await slotsOf(alice.mpOpenid, cardId)).map((s) => s._id).sort()).toEqual(
    [0, 1, 2, 3].map((n) => claimSlotId(cardId, alice.mpOpenid, n)).sort(),
  )
  // A replay of a claim that succeeded (twice at once, beside a new one) answers that claim; the new one is refused.
  const before = claims.find((c) => c.requestId === won[0])!
  const [r1, r2, fresh] = await Promise.all([
    alice.fn('card', { action: 'claim', cardId, requestId: won[0] }),
    alice.fn('card', { action: 'claim', cardId, requestId: won[0] }),
    alice.fn('card', { action: 'claim', cardId, requestId: `after-${Math.random().toString(36).slice(2, 8)}` }),
  ])
  expect([r1, r2]).toEqual([
    expect.objectContaining({ errcode: 0, cardList: [expect.objectContaining({ cardId })] }),
    expect.objectContaining({ errcode: 0, cardList: [expect.objectContaining({ cardId })] }),
  ])
  expect(fresh).toMatchObject({ errcode: 1006, errmsg: expect.stringContaining('get_limit') })
  expect(await store().get<ClaimDoc>(Collections.couponClaims, before._id)).toEqual(before)
  expect(await claimsOf(alice.mpOpenid, cardId)).toHaveLength(limit)
  expect(await slotsOf(alice.mpOpenid, cardId)).toHaveLength(limit)
  // The limit is per person: bob's burst is counted apart from alice's.
  const bob = person(stack, 'bob')
  const bobs = await Promise.all(
    Array.from({ length: limit + 3 }, (_, i) =>
      bob.fn('card', { action: 'claim', cardId, requestId: `bob-${i}-${Math.random().toString(36).slice(2, 8)}` }),
    ),
  )
  expect(bobs.filter((r) => r.errcode === 0)).toHaveLength(limit)
  expect(bobs.filter((r) => r.errcode === 1006)).toHaveLength(3)
})

test('the same requestId tapped many times at once beside other claims takes one slot: the others still get theirs', async () => {
  const limit = 3
  const cardId = await claimableCoupon(limit)
  const alice = person(stack, 'alice')
  const tapped = `tap-${Math.random().toString(36).slice(2, 8)}`
  const others = [1, 2].map((i) => `other-${i}-${Math.random().toString(36).slice(2, 8)}`)
  const replies = await Promise.all(
    [...Array.from({ length: 5 }, () => tapped), ...others].map((requestId) => alice.fn('card', { action: 'claim', cardId, requestId })),
  )
  expect(replies.map((r) => r.errcode)).toEqual(Array.from({ length: 7 }, () => 0))
  const claims = await claimsOf(alice.mpOpenid, cardId)
  expect(claims.map((c) => c.requestId).sort()).toEqual([tapped, ...others].sort())
  expect(new Set(claims.map((c) => c.slot))).toEqual(new Set([0, 1, 2]))
})

test('a claim refused for stock takes no slot; get_limit 0 (no limit set) takes none either', async () => {
  const soldOut = await claimableCoupon(2, 1)
  const bob = person(stack, 'bob')
  const alice = person(stack, 'alice')
  // bob's claim and add take the one left (WeChat lowers the stock when the card is added).
  const claimed = await bob.fn('card', {
    action: 'claim',
    cardId: soldOut,
    requestId: `stock-bob-${Math.random().toString(36).slice(2, 8)}`,
  })
  const added = await bob.emu('/__emu/client/addCard', { user: 'bob', cardList: claimed.cardList })
  expect(added.status).toBe(200)
  const refused = await alice.fn('card', {
    action: 'claim',
    cardId: soldOut,
    requestId: `stock-alice-${Math.random().toString(36).slice(2, 8)}`,
  })
  expect(refused).toMatchObject({ errcode: 1006, errmsg: expect.stringContaining('out of stock') })
  expect(await slotsOf(alice.mpOpenid, soldOut)).toEqual([])
  const unlimited = await claimableCoupon(0)
  const free = await Promise.all(
    [1, 2, 3].map((i) =>
      alice.fn('card', { action: 'claim', cardId: unlimited, requestId: `free-${i}-${Math.random().toString(36).slice(2, 8)}` }),
    ),
  )
  expect(free.map((r) => r.errcode)).toEqual([0, 0, 0])
  expect(await slotsOf(alice.mpOpenid, unlimited)).toEqual([])
})

test('a claim that died after taking its slot, before writing its claim, finds its slot again when retried', async () => {
  const cardId = await claimableCoupon(2)
  const alice = person(stack, 'alice')
  const requestId = `died-${Math.random().toString(36).slice(2, 8)}`
  // What the dead call left: its slot, no claim.
  expect(await takeClaimSlot(store(), cardId, alice.mpOpenid, requestId, 2)).toBe(0)
  expect(await claimsOf(alice.mpOpenid, cardId)).toEqual([])
  expect(await alice.fn('card', { action: 'claim', cardId, requestId })).toMatchObject({ errcode: 0 })
  expect((await claimsOf(alice.mpOpenid, cardId)).map((c) => [c.requestId, c.slot])).toEqual([[requestId, 0]])
  // The allowance left is one more claim, not zero.
  expect(await alice.fn('card', { action: 'claim', cardId, requestId: `next-${Math.random().toString(36).slice(2, 8)}` })).toMatchObject({
    errcode: 0,
  })
  expect(await alice.fn('card', { action: 'claim', cardId, requestId: `over-${Math.random().toString(36).slice(2, 8)}` })).toMatchObject({
    errcode: 1006,
  })
})

test('slots under a wider burst, straight on the database: 40 takers (some the same requestId) for 10 slots', async () => {
  const cardId = `pslots${Math.random().toString(36).slice(2, 10)}`
  const who = 'o-burst-openid'
  const requestIds = Array.from({ length: 40 }, (_, i) => `r${i % 30}`)
  const taken = await Promise.allSettled(requestIds.map((r) => takeClaimSlot(store(), cardId, who, r, 10)))
  const won = new Map<string, Set<number>>()
  taken.forEach((t, i) => {
    if (t.status === 'fulfilled') won.set(requestIds[i]!, (won.get(requestIds[i]!) ?? new Set()).add(t.value))
    else expect(t.reason).toMatchObject({ errcode: 1006 })
  })
  // Ten requestIds hold a slot each (a repeated requestId was answered its one slot), slots 0…9 with no gaps.
  expect(won.size).toBe(10)
  expect([...won.values()].every((ns) => ns.size === 1)).toBe(true)
  expect([...won.values()].map((ns) => [...ns][0]).sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  expect(await store().count(Collections.couponClaimSlots, { cardId, mpOpenid: who })).toBe(10)
})
