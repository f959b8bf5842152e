// Giving a paid card to a friend through a chat, as a state machine per gift:
//
//   PENDING ──the friend claims──▶ CLAIMED
//   PENDING ──24 h unclaimed (lazily, or by cron)──▶ RETURNED
//
// A gift holds one READY entitlement of the sender's paid order. gift.send marks that entitlement with
// the gift's id in the same transaction that writes the gift, so the sender can no longer sign or add
// it (signCardExt and pendingOf skip gifted entitlements). gift.claim moves the gift to CLAIMED and
// the entitlement's mpOpenid to the claimer in one transaction, then signs a cardExt whose outer_str
// is the entitlement id: the claimer's wx.addCard and card.recordAdded (or the user_get_card push)
// fund the card through redeemEntitlement, exactly as for a card bought for oneself. A return gives the
// entitlement back to the sender (giftId cleared). Each transition is a transaction on the gift and its
// entitlement, retried on conflict, so a double claim, two friends claiming at once, or a claim racing
// the return: exactly one wins, and the gift id is the idempotency key of each.
import { randomBytes } from 'node:crypto'
import type { Gift, GiftStatus } from '../../../contract/gift'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { buildCardExt, signingTicket } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import { entitlementsOf, type EntitlementDoc, type OrderDoc } from './orders'
import { withConflictRetry } from '../../store/retry'
import { clock } from '../../clock'

export type { GiftStatus }

export interface GiftDoc {
  _id: string
  status: GiftStatus
  /** Mini Program openid of the giver */
  senderMpOpenid: string
  /** the name the giver signed the gift with */
  from: string
  claimerMpOpenid?: string
  orderId: string
  entitlementId: string
  cardId: string
  title: string
  /** fen: what the card holds once added */
  amount: number
  message: string
  face?: string
  createdAt: number
  /** ms: unclaimed after this, the gift returns to the giver */
  expiresAt: number
  claimedAt?: number
  returnedAt?: number
}

/** What the claim page and the lists show (contract/gift.ts). */
export type GiftView = Gift

/** Gift ids are random (the link is the only thing a friend has): GF + 24 hex digits. */
export const GIFT_ID = /^GF[0-9a-f]{24}$/
export const newGiftId = () => `GF${randomBytes(12).toString('hex')}`

export const DEFAULT_FROM = '一位好友'
export const DEFAULT_MESSAGE = '送你一张礼品卡，愿你天天开心'

/** How long a gift waits for its friend (GIFT_EXPIRY_S, default 24 hours, as WeChat's own gifts). */
export function giftExpiryMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.GIFT_EXPIRY_S)
  return (Number.isInteger(s) && s > 0 ? s : 86400) * 1000
}

/** Refusals the claim page explains in words: `reason` travels in the reply beside the errcode. */
const refuse = (errcode: (typeof ErrCode)[keyof typeof ErrCode], reason: string, message: string) =>
  new AppError(errcode, message, { reason })

export function toGiftView(g: GiftDoc, caller: string, nowMs = clock.now()): GiftView {
  // A gift past its expiry reads as returned even before anything has returned it.
  const status = g.status === 'PENDING' && g.expiresAt <= nowMs ? 'RETURNED' : g.status
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
    ...(g.face ? { face: g.face } : {}),
    ...(g.claimedAt ? { claimedAt: g.claimedAt } : {}),
    ...(g.returnedAt ? { returnedAt: g.returnedAt } : {}),
    mine: g.senderMpOpenid === caller,
    claimedByMe: !!caller && g.claimerMpOpenid === caller,
  }
}

export interface SendInput {
  orderId: string
  message?: string
  face?: string
  from?: string
}

/**
 * Turns one card of the caller's paid order that is in nobody's card bag into a gift. A retry after a
 * lost reply (no card left to give, but a gift of this order still waiting) answers that gift.
 */
export async function sendGift(store: Store, sender: string, input: SendInput, nowMs = clock.now()): Promise<{ gift: GiftView }> {
  const order = await store.get<OrderDoc>(Collections.orders, input.orderId)
  if (!order || order.kind !== 'mp') throw new AppError(ErrCode.NOT_FOUND, `no order ${input.orderId}`)
  if (order.mpOpenid !== sender) throw new AppError(ErrCode.FORBIDDEN, `order ${input.orderId} is not yours`)
  if (order.status !== 'ISSUED')
    throw refuse(ErrCode.CONFLICT, 'ORDER_NOT_PAID', `order ${input.orderId} is ${order.status}: only a paid order's cards can be given`)
  const face = input.face ?? order.backgroundPicUrl
  const ents = await entitlementsOf(store, order._id, order.quantity)
  for (const candidate of ents.filter((e) => e.status === 'READY' && !e.giftId && e.mpOpenid === sender)) {
    const gift: GiftDoc = {
      _id: newGiftId(),
      status: 'PENDING',
      senderMpOpenid: sender,
      from: input.from || DEFAULT_FROM,
      orderId: order._id,
      entitlementId: candidate._id,
      cardId: order.cardId,
      title: order.title ?? '',
      amount: candidate.value,
      message: input.message ?? order.message ?? DEFAULT_MESSAGE,
      ...(face ? { face } : {}),
      createdAt: nowMs,
      expiresAt: nowMs + giftExpiryMs(),
    }
    // Compare-and-set on the entitlement: still READY, still the sender's, not given yet.
    const won = await withConflictRetry(() =>
      store.transaction(async (tx) => {
        const ent = await tx.get<EntitlementDoc>(Collections.entitlements, candidate._id)
        if (!ent || ent.status !== 'READY' || ent.giftId || ent.mpOpenid !== sender) return false
        await tx.insert(Collections.gifts, gift)
        await tx.update(Collections.entitlements, ent._id, { giftId: gift._id })
        return true
      }),
    )
    if (won) return { gift: toGiftView(gift, sender, nowMs) }
  }
  const waiting = await store.find<GiftDoc>(Collections.gifts, { orderId: order._id, status: 'PENDING' }, { limit: 10 })
  const live = waiting.find((g) => g.expiresAt > nowMs)
  if (live) return { gift: toGiftView(live, sender, nowMs) }
  throw refuse(ErrCode.CONFLICT, 'NOTHING_TO_GIVE', `every card of order ${order._id} is already in a card bag or given`)
}

async function giftOf(store: Store, giftId: string): Promise<GiftDoc> {
  const g = await store.get<GiftDoc>(Collections.gifts, giftId)
  if (!g) throw refuse(ErrCode.NOT_FOUND, 'GIFT_NOT_FOUND', `no gift ${giftId}`)
  return g
}

/** The gift as the claim page shows it; whoever has the link may look (returning it first if overdue). */
export async function getGift(store: Store, caller: string, giftId: string, nowMs = clock.now()): Promise<{ gift: GiftView }> {
  let g = await giftOf(store, giftId)
  if (g.status === 'PENDING' && g.expiresAt <= nowMs) g = (await returnGift(store, g._id, nowMs)) ?? (await giftOf(store, giftId))
  const view = toGiftView(g, caller, nowMs)
  // The claimer (or the giver) may see whether the card reached the card bag; a claim page opened by
  // anyone else learns nothing more.
  if (g.status === 'CLAIMED' && (view.claimedByMe || view.mine)) {
    view.added = (await store.get<EntitlementDoc>(Collections.entitlements, g.entitlementId))?.status === 'ADDED'
  }
  return { gift: view }
}

/**
 * PENDING → RETURNED once past expiry, with the entitlement given back to the sender, in one
 * transaction. Answers the gift afterwards, or null when it was not PENDING-and-overdue.
 */
export async function returnGift(store: Store, giftId: string, nowMs = clock.now()): Promise<GiftDoc | null> {
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const g = await tx.get<GiftDoc>(Collections.gifts, giftId)
      if (!g || g.status !== 'PENDING' || g.expiresAt > nowMs) return null
      const ent = await tx.get<EntitlementDoc>(Collections.entitlements, g.entitlementId)
      const back: Partial<GiftDoc> = { status: 'RETURNED', returnedAt: nowMs }
      await tx.update(Collections.gifts, g._id, back)
      // Only an entitlement still held by this gift goes back (a refund may have ended it meanwhile).
      if (ent && ent.giftId === g._id && ent.status === 'READY')
        await tx.update(Collections.entitlements, ent._id, { giftId: '', mpOpenid: g.senderMpOpenid })
      return { ...g, ...back }
    }),
  )
}

/** Returns every overdue gift (cron), or a sender's (before showing them their cards). */
export async function returnExpiredGifts(store: Store, nowMs = clock.now(), sender?: string): Promise<{ returned: number }> {
  const filter: Record<string, unknown> = { status: 'PENDING', ...(sender ? { senderMpOpenid: sender } : {}) }
  const pending = await store.find<GiftDoc>(Collections.gifts, filter, { limit: 1000 })
  let returned = 0
  for (const g of pending.filter((x) => x.expiresAt <= nowMs)) if (await returnGift(store, g._id, nowMs)) returned++
  return { returned }
}

/**
 * The friend claims the gift: PENDING → CLAIMED by the caller, and the entitlement becomes the
 * caller's, in one transaction; then a cardExt is signed for it. The same claimer asking again (the add
 * sheet was cancelled) gets a freshly signed cardExt while the card is not in their bag yet.
 */
export async function claimGift(store: Store, wx: WechatClient, claimer: string, giftId: string, nowMs = clock.now(), renewTicket = false) {
  const before = await giftOf(store, giftId)
  if (before.senderMpOpenid === claimer) throw refuse(ErrCode.FORBIDDEN, 'GIFT_OWN', `gift ${giftId} is your own: share it with a friend`)
  if (before.status === 'PENDING' && before.expiresAt <= nowMs) await returnGift(store, giftId, nowMs)
  const outcome = await withConflictRetry(() =>
    store.transaction(async (tx): Promise<{ ok: true; entId: string; cardId: string } | { ok: false; reason: string }> => {
      const g = await tx.get<GiftDoc>(Collections.gifts, giftId)
      if (!g) return { ok: false, reason: 'GIFT_NOT_FOUND' }
      if (g.status === 'RETURNED') return { ok: false, reason: 'GIFT_RETURNED' }
      if (g.status === 'CLAIMED' && g.claimerMpOpenid !== claimer) return { ok: false, reason: 'GIFT_TAKEN' }
      const ent = await tx.get<EntitlementDoc>(Collections.entitlements, g.entitlementId)
      if (g.status === 'CLAIMED') {
        if (ent?.status === 'ADDED') return { ok: false, reason: 'GIFT_ADDED' }
        if (!ent || ent.status !== 'READY' || ent.mpOpenid !== claimer) return { ok: false, reason: 'GIFT_UNAVAILABLE' }
        return { ok: true, entId: ent._id, cardId: ent.cardId }
      }
      if (g.expiresAt <= nowMs) return { ok: false, reason: 'GIFT_RETURNED' }
      if (!ent || ent.status !== 'READY' || ent.giftId !== g._id) return { ok: false, reason: 'GIFT_UNAVAILABLE' }
      await tx.update(Collections.gifts, g._id, { status: 'CLAIMED', claimerMpOpenid: claimer, claimedAt: nowMs })
      await tx.update(Collections.entitlements, ent._id, { mpOpenid: claimer })
      return { ok: true, entId: ent._id, cardId: ent.cardId }
    }),
  )
  if (!outcome.ok) {
    const text: Record<string, [number, string]> = {
      GIFT_NOT_FOUND: [ErrCode.NOT_FOUND, `no gift ${giftId}`],
      GIFT_RETURNED: [ErrCode.CONFLICT, `gift ${giftId} was not claimed in time and went back to its sender`],
      GIFT_TAKEN: [ErrCode.CONFLICT, `gift ${giftId} was claimed by someone else`],
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
  await returnExpiredGifts(store, nowMs, sender)
  const docs = await store.find<GiftDoc>(
    Collections.gifts,
    { senderMpOpenid: sender },
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: LIST_LIMIT },
  )
  return { gifts: docs.map((g) => toGiftView(g, sender, nowMs)) }
}

export async function listReceived(store: Store, claimer: string, nowMs = clock.now()): Promise<{ gifts: GiftView[] }> {
  const docs = await store.find<GiftDoc>(
    Collections.gifts,
    { claimerMpOpenid: claimer },
    { orderBy: { field: 'claimedAt', direction: 'desc' }, limit: LIST_LIMIT },
  )
  return { gifts: docs.map((g) => toGiftView(g, claimer, nowMs)) }
}
