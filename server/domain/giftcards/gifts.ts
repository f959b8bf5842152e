// Giving paid cards to friends through a chat, as a state machine per gift:
//
//   PENDING ──the last of its cards is claimed──▶ CLAIMED
//   PENDING ──GIFT_EXPIRY_S (24 h) with cards unclaimed (lazily, or by the cron)──▶ RETURNED
//
// A gift holds `count` READY entitlements of the sender's paid order: one for a friend in a private chat,
// N for a group gift shared once into a group chat (issue 28), where the first N friends each claim one.
// gift.send marks those entitlements with the gift's id in the same transaction that writes the gift, so
// the sender can no longer sign or add them (signCardExt and pendingOf skip gifted entitlements).
// gift.claim, in one transaction on the gift and one entitlement: appends the claimer to the gift's
// `claims` (refused if they are in it already: nobody claims twice) and gives the claimer the first
// unclaimed entitlement; the claim that takes the last card makes the gift CLAIMED. Then a cardExt whose
// outer_str is the entitlement id is signed: the claimer's wx.addCard and card.recordAdded (or the
// user_get_card push) fund the card through redeemEntitlement, exactly as for a card bought for oneself.
// A return gives every unclaimed entitlement back to the sender (giftId cleared); claimed ones stay the
// claimers'. Each transition is a transaction on the gift document, retried on conflict, so a double
// claim, friends claiming at once, or a claim racing the return: exactly one order of them happens, and
// no card is given twice.
import { randomBytes } from 'node:crypto'
import type { Gift, GiftStatus } from '../../../contract/gift'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { anyOf, where, type Store, type TxStore } from '../../store/port'
import { budgetOf, DEFAULT_TASK_BUDGET_MS, sweep, type Budget } from '../../store/sweep'
import { buildCardExt, signingTicket } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import { log } from '../../log'
import { claimerNameOf, DEFAULT_FROM, giftAliasOf } from './gift-names'
import { entitlementsOf, type EntitlementDoc, type OrderDoc } from './orders'
import { withConflictRetry } from '../../store/retry'
import { clock } from '../../clock'

export type { GiftStatus }
export { DEFAULT_FROM }

/** One friend's claim of one card of a gift. */
export interface GiftClaim {
  /** Mini Program openid of the friend (never shown: the views carry `name`) */
  mpOpenid: string
  /** what the gift shows for them (gift-names.ts) */
  name: string
  claimedAt: number
  entitlementId: string
}

export interface GiftDoc {
  _id: string
  status: GiftStatus
  /** Mini Program openid of the giver */
  senderMpOpenid: string
  /** the name the giver signed the gift with */
  from: string
  orderId: string
  /** the first (a single gift's only) entitlement the gift holds */
  entitlementId: string
  /** every entitlement the gift holds, in the order friends get them (absent on gifts written before #28: [entitlementId]) */
  entitlementIds?: string[]
  /** cards in the gift (absent: 1) */
  count?: number
  /** who claimed which card, first come first served */
  claims?: GiftClaim[]
  /** the claimers' openids, for listReceived's query (`claims` is the truth) */
  claimers?: string[]
  /** gifts written before #28: the one claimer */
  claimerMpOpenid?: string
  cardId: string
  title: string
  /** fen: what each card holds once added */
  amount: number
  message: string
  face?: string
  createdAt: number
  /** ms: unclaimed after this, the gift's unclaimed cards return to the giver */
  expiresAt: number
  /** when the last card was claimed */
  claimedAt?: number
  returnedAt?: number
}

/** What the claim page and the lists show (contract/gift.ts). */
export type GiftView = Gift

export const newGiftId = () => `GF${randomBytes(12).toString('hex')}`

export const DEFAULT_MESSAGE = '送你一张礼品卡，愿你天天开心'

/** How long a gift waits for its friends (GIFT_EXPIRY_S, default 24 hours, as WeChat's own gifts). */
export function giftExpiryMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.GIFT_EXPIRY_S)
  return (Number.isInteger(s) && s > 0 ? s : 86400) * 1000
}

/** Refusals the claim page explains in words: `reason` travels in the reply beside the errcode. */
const refuse = (errcode: (typeof ErrCode)[keyof typeof ErrCode], reason: string, message: string) =>
  new AppError(errcode, message, { reason })

export const countOf = (g: GiftDoc) => g.count ?? 1
export const entitlementIdsOf = (g: GiftDoc) => g.entitlementIds ?? [g.entitlementId]

/** The gift's claims; a gift written before #28 has its one claimer in claimerMpOpenid. */
export function claimsOf(g: GiftDoc): GiftClaim[] {
  if (g.claims) return g.claims
  if (g.status !== 'CLAIMED' || !g.claimerMpOpenid) return []
  return [
    {
      mpOpenid: g.claimerMpOpenid,
      name: giftAliasOf(g.claimerMpOpenid),
      claimedAt: g.claimedAt ?? g.createdAt,
      entitlementId: g.entitlementId,
    },
  ]
}

/** Whether `mpOpenid` claimed the gift's entitlement `entitlementId` (redeemEntitlement: only they may add it). */
export const claimedBy = (g: GiftDoc, entitlementId: string, mpOpenid: string) =>
  claimsOf(g).some((c) => c.entitlementId === entitlementId && c.mpOpenid === mpOpenid)

export function toGiftView(g: GiftDoc, caller: string, nowMs = clock.now()): GiftView {
  // A gift past its expiry reads as returned even before anything has returned it.
  const status = g.status === 'PENDING' && g.expiresAt <= nowMs ? 'RETURNED' : g.status
  const claims = claimsOf(g)
  const mineClaim = caller ? claims.find((c) => c.mpOpenid === caller) : undefined
  const claimedAt = mineClaim?.claimedAt ?? g.claimedAt
  return {
    giftId: g._id,
    status,
    from: g.from,
    message: g.message,
    title: g.title,
    amount: g.amount,
    cardId: g.cardId,
    createdAt: g.createdAt,
    expiresAt: g.expiresAt,
    count: countOf(g),
    remaining: status === 'PENDING' ? countOf(g) - claims.length : 0,
    // Names only: who claimed, as a group chat sees it; never an openid.
    claims: claims.map((c) => ({ name: c.name, claimedAt: c.claimedAt })),
    ...(g.face ? { face: g.face } : {}),
    ...(claimedAt ? { claimedAt } : {}),
    ...(g.returnedAt ? { returnedAt: g.returnedAt } : {}),
    mine: g.senderMpOpenid === caller,
    claimedByMe: !!mineClaim,
  }
}

export interface SendInput {
  orderId: string
  message?: string
  face?: string
  from?: string
  /** cards in the gift: 1 (a friend), or 2–10 for a group gift (at most the order's quantity) */
  count?: number
}

/**
 * Turns `count` cards of the caller's paid order that are in nobody's card bag into one gift. A retry
 * after a lost reply (not enough cards left to give, but a gift of this order and size still waiting)
 * answers that gift.
 */
export async function sendGift(store: Store, sender: string, input: SendInput, nowMs = clock.now()): Promise<{ gift: GiftView }> {
  const order = await store.get<OrderDoc>(Collections.orders, input.orderId)
  if (!order || order.kind !== 'mp') throw new AppError(ErrCode.NOT_FOUND, `no order ${input.orderId}`)
  if (order.mpOpenid !== sender) throw new AppError(ErrCode.FORBIDDEN, `order ${input.orderId} is not yours`)
  if (order.status !== 'ISSUED')
    throw refuse(ErrCode.CONFLICT, 'ORDER_NOT_PAID', `order ${input.orderId} is ${order.status}: only a paid order's cards can be given`)
  const count = input.count ?? 1
  if (count > order.quantity)
    throw new AppError(ErrCode.INVALID_ARGUMENT, `count must be at most the ${order.quantity} cards of order ${order._id}`)
  const face = input.face ?? order.backgroundPicUrl
  // A rival send may take a card between the read and the transaction: read again and retry, a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const ents = await entitlementsOf(store, order._id, order.quantity)
    const free = ents.filter((e) => e.status === 'READY' && !e.giftId && e.mpOpenid === sender).slice(0, count)
    if (free.length < count) break
    const gift: GiftDoc = {
      _id: newGiftId(),
      status: 'PENDING',
      senderMpOpenid: sender,
      from: input.from || DEFAULT_FROM,
      orderId: order._id,
      entitlementId: free[0]!._id,
      entitlementIds: free.map((e) => e._id),
      count,
      claims: [],
      claimers: [],
      cardId: order.cardId,
      title: order.title ?? '',
      amount: free[0]!.value,
      message: input.message ?? order.message ?? DEFAULT_MESSAGE,
      ...(face ? { face } : {}),
      createdAt: nowMs,
      expiresAt: nowMs + giftExpiryMs(),
    }
    // Compare-and-set on each entitlement: still READY, still the sender's, not given yet.
    const won = await withConflictRetry(() =>
      store.transaction(async (tx) => {
        for (const candidate of free) {
          const ent = await tx.get<EntitlementDoc>(Collections.entitlements, candidate._id)
          if (!ent || ent.status !== 'READY' || ent.giftId || ent.mpOpenid !== sender) return false
        }
        await tx.insert(Collections.gifts, gift)
        for (const candidate of free) await tx.update(Collections.entitlements, candidate._id, { giftId: gift._id })
        return true
      }),
    )
    if (won) return { gift: toGiftView(gift, sender, nowMs) }
  }
  const waiting = await store.find<GiftDoc>(Collections.gifts, { orderId: order._id, status: 'PENDING' }, { limit: 10 })
  const live = waiting.find((g) => g.expiresAt > nowMs && countOf(g) === count)
  if (live) return { gift: toGiftView(live, sender, nowMs) }
  throw refuse(
    ErrCode.CONFLICT,
    'NOTHING_TO_GIVE',
    `fewer than ${count} cards of order ${order._id} are in nobody's card bag and not given`,
  )
}

async function giftOf(store: Store, giftId: string): Promise<GiftDoc> {
  const g = await store.get<GiftDoc>(Collections.gifts, giftId)
  if (!g) throw refuse(ErrCode.NOT_FOUND, 'GIFT_NOT_FOUND', `no gift ${giftId}`)
  return g
}

const isAdded = async (store: Store, entitlementId: string) =>
  (await store.get<EntitlementDoc>(Collections.entitlements, entitlementId))?.status === 'ADDED'

/** The gift as the claim page shows it; whoever has the link may look (returning it first if overdue). */
export async function getGift(store: Store, caller: string, giftId: string, nowMs = clock.now()): Promise<{ gift: GiftView }> {
  let g = await giftOf(store, giftId)
  if (g.status === 'PENDING' && g.expiresAt <= nowMs) g = (await returnGift(store, g._id, nowMs)) ?? (await giftOf(store, giftId))
  const view = toGiftView(g, caller, nowMs)
  // The claimer may see whether their card reached the card bag, the giver whether every claimed card
  // did; a claim page opened by anyone else learns nothing more.
  const claims = claimsOf(g)
  const mine = claims.find((c) => c.mpOpenid === caller)
  if (mine) view.added = await isAdded(store, mine.entitlementId)
  else if (view.mine && claims.length) view.added = (await Promise.all(claims.map((c) => isAdded(store, c.entitlementId)))).every(Boolean)
  return { gift: view }
}

/**
 * PENDING → RETURNED once past expiry, every unclaimed entitlement given back to the sender, in one
 * transaction (claimed cards stay their claimers'). Answers the gift afterwards, or null when it was not
 * PENDING-and-overdue.
 */
export async function returnGift(store: Store, giftId: string, nowMs = clock.now()): Promise<GiftDoc | null> {
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const g = await tx.get<GiftDoc>(Collections.gifts, giftId)
      if (!g || g.status !== 'PENDING' || g.expiresAt > nowMs) return null
      const claimed = new Set(claimsOf(g).map((c) => c.entitlementId))
      for (const id of entitlementIdsOf(g).filter((e) => !claimed.has(e))) await giveBack(tx, g, id)
      const back: Partial<GiftDoc> = { status: 'RETURNED', returnedAt: nowMs }
      await tx.update(Collections.gifts, g._id, back)
      return { ...g, ...back }
    }),
  )
}

/** Only an entitlement still held by this gift goes back (a refund may have ended it meanwhile). */
async function giveBack(tx: TxStore, g: GiftDoc, entitlementId: string): Promise<void> {
  const ent = await tx.get<EntitlementDoc>(Collections.entitlements, entitlementId)
  if (ent && ent.giftId === g._id && ent.status === 'READY')
    await tx.update(Collections.entitlements, ent._id, { giftId: '', mpOpenid: g.senderMpOpenid })
}

/** A sender's overdue gifts returned (before showing them their cards or their gifts). */
export async function returnExpiredGiftsOf(store: Store, sender: string, nowMs = clock.now()): Promise<{ returned: number }> {
  const pending = await store.find<GiftDoc>(Collections.gifts, { senderMpOpenid: sender, status: 'PENDING' }, { limit: 100 })
  let returned = 0
  for (const g of pending.filter((x) => x.expiresAt <= nowMs)) if (await returnGift(store, g._id, nowMs)) returned++
  return { returned }
}

const RETURN_SLICE = 100
const RETURN_CONCURRENCY = 4

/**
 * The cron's task: every gift overdue by the budget's clock returned, oldest expiry first, in slices
 * from the stored cursor until the budget is spent (server/store/sweep.ts): bounded, and resumed by
 * the next run where this one stopped.
 */
export async function returnExpiredGifts(store: Store, budget: Budget = budgetOf(DEFAULT_TASK_BUDGET_MS)) {
  const now = budget.now()
  const out = { returned: 0, failed: 0 }
  const run = await sweep<GiftDoc>(store, budget, {
    task: 'gifts',
    collection: Collections.gifts,
    field: 'expiresAt',
    filter: () => ({ status: 'PENDING', expiresAt: where.lte(now) }),
    sliceSize: RETURN_SLICE,
    concurrency: RETURN_CONCURRENCY,
    work: async (g) => {
      try {
        if (await returnGift(store, g._id, now)) out.returned++
      } catch (err) {
        out.failed++
        log('warn', { msg: 'gift return failed', gift: g._id, error: (err as Error).message })
      }
    },
  })
  return { ...out, ...run }
}

type ClaimOutcome = { ok: true; entId: string; cardId: string } | { ok: false; reason: string }

/**
 * A friend claims one card of the gift: in one transaction the friend joins the gift's claims (once:
 * someone already in them gets their own card again) and the first unclaimed entitlement becomes theirs;
 * then a cardExt is signed for it. The same claimer asking again (the add sheet was cancelled) gets a
 * freshly signed cardExt while the card is not in their bag yet.
 */
export async function claimGift(store: Store, wx: WechatClient, claimer: string, giftId: string, nowMs = clock.now(), renewTicket = false) {
  const before = await giftOf(store, giftId)
  if (before.senderMpOpenid === claimer) throw refuse(ErrCode.FORBIDDEN, 'GIFT_OWN', `gift ${giftId} is your own: share it with a friend`)
  if (before.status === 'PENDING' && before.expiresAt <= nowMs) await returnGift(store, giftId, nowMs)
  const name = await claimerNameOf(store, claimer)
  const outcome = await withConflictRetry(() =>
    store.transaction(async (tx): Promise<ClaimOutcome> => {
      const g = await tx.get<GiftDoc>(Collections.gifts, giftId)
      if (!g) return { ok: false, reason: 'GIFT_NOT_FOUND' }
      const claims = claimsOf(g)
      const mine = claims.find((c) => c.mpOpenid === claimer)
      if (mine) {
        const ent = await tx.get<EntitlementDoc>(Collections.entitlements, mine.entitlementId)
        if (ent?.status === 'ADDED') return { ok: false, reason: 'GIFT_ADDED' }
        if (!ent || ent.status !== 'READY' || ent.mpOpenid !== claimer) return { ok: false, reason: 'GIFT_UNAVAILABLE' }
        return { ok: true, entId: ent._id, cardId: ent.cardId }
      }
      if (g.status === 'RETURNED') return { ok: false, reason: 'GIFT_RETURNED' }
      if (g.status === 'CLAIMED' || claims.length >= countOf(g))
        return { ok: false, reason: countOf(g) > 1 ? 'GIFT_ALL_CLAIMED' : 'GIFT_TAKEN' }
      if (g.expiresAt <= nowMs) return { ok: false, reason: 'GIFT_RETURNED' }
      const taken = new Set(claims.map((c) => c.entitlementId))
      for (const id of entitlementIdsOf(g).filter((e) => !taken.has(e))) {
        const ent = await tx.get<EntitlementDoc>(Collections.entitlements, id)
        // Refunded meanwhile: that card is gone; the next one may still be there.
        if (!ent || ent.status !== 'READY' || ent.giftId !== g._id) continue
        const next = [...claims, { mpOpenid: claimer, name, claimedAt: nowMs, entitlementId: id }]
        const last = next.length >= countOf(g)
        await tx.update(Collections.gifts, g._id, {
          claims: next,
          claimers: next.map((c) => c.mpOpenid),
          ...(last ? { status: 'CLAIMED', claimedAt: nowMs } : {}),
        })
        await tx.update(Collections.entitlements, id, { mpOpenid: claimer })
        return { ok: true, entId: id, cardId: ent.cardId }
      }
      return { ok: false, reason: 'GIFT_UNAVAILABLE' }
    }),
  )
  if (!outcome.ok) {
    const text: Record<string, [number, string]> = {
      GIFT_NOT_FOUND: [ErrCode.NOT_FOUND, `no gift ${giftId}`],
      GIFT_RETURNED: [ErrCode.CONFLICT, `gift ${giftId} was not claimed in time and went back to its sender`],
      GIFT_TAKEN: [ErrCode.CONFLICT, `gift ${giftId} was claimed by someone else`],
      GIFT_ALL_CLAIMED: [ErrCode.CONFLICT, `every card of gift ${giftId} has been claimed`],
      GIFT_ADDED: [ErrCode.CONFLICT, `gift ${giftId} is already in your card bag`],
      GIFT_UNAVAILABLE: [ErrCode.CONFLICT, `gift ${giftId} can no longer be claimed (its order was refunded)`],
    }
    const [errcode, message] = text[outcome.reason]!
    throw refuse(errcode as (typeof ErrCode)[keyof typeof ErrCode], outcome.reason, message)
  }
  const apiTicket = await signingTicket(wx.cardTicket, renewTicket)
  return {
    giftId,
    cardList: [{ cardId: outcome.cardId, cardExt: buildCardExt({ apiTicket, cardId: outcome.cardId, outerStr: outcome.entId }).cardExt }],
  }
}

const LIST_LIMIT = 100

export async function listSent(store: Store, sender: string, nowMs = clock.now()): Promise<{ gifts: GiftView[] }> {
  await returnExpiredGiftsOf(store, sender, nowMs)
  const docs = await store.find<GiftDoc>(
    Collections.gifts,
    { senderMpOpenid: sender },
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: LIST_LIMIT },
  )
  return { gifts: docs.map((g) => toGiftView(g, sender, nowMs)) }
}

/** Gifts the caller claimed a card of: `claimers` (gifts before #28: `claimerMpOpenid`), newest first. */
export async function listReceived(store: Store, claimer: string, nowMs = clock.now()): Promise<{ gifts: GiftView[] }> {
  const docs = await store.find<GiftDoc>(Collections.gifts, anyOf({ claimers: claimer }, { claimerMpOpenid: claimer }), {
    orderBy: { field: 'createdAt', direction: 'desc' },
    limit: LIST_LIMIT,
  })
  return { gifts: docs.map((g) => toGiftView(g, claimer, nowMs)) }
}
