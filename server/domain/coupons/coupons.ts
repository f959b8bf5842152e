// Coupons (card-api-guide.zh.txt: 团购券, 代金券, 折扣券, 兑换券, 优惠券; friend-coupons.zh.txt: 朋友的券):
// the merchant's definitions, offering a free one for claiming in the Mini Program, signing it for
// the caller (get_limit and stock respected, outer_str naming the channel), and recording it in the
// caller's card bag, whether wx.addCard's answer or the user_get_card push arrives first.
import {
  cardSection,
  COUPON_TYPES,
  DEFAULT_GET_LIMIT,
  isFriendCoupon,
  stockIn,
  termsOf,
  type CouponTerms,
  type CouponType,
} from '../../../contract/card-rules'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store, type StoredDoc } from '../../store/port'
import { findPage, type PageRequest } from '../../store/pages'
import type { CardBody, CardCreateRequest } from '../../wechat/card'
import { buildCardExt, signingTicket } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import { overLimit, takeClaimSlot, type ClaimSlotDoc } from './claim-slots'
import { learnIdentity } from '../cards/identities'
import { withConflictRetry } from '../../store/retry'
import { newUserCard, toCardView, userCardId, type CardView, type UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'
import { PENDING_REVIEW, reviewView, type Reviewed } from '../catalog/review'

/** A coupon the merchant created; its review (catalog/review.ts) as WeChat's pushes left it. */
export interface CouponDoc extends StoredDoc, Reviewed {
  cardId: string
  type: CouponType
  /** as WeChat shows it (a friend coupon's is composed by WeChat: read back with card/get) */
  title: string
  terms: CouponTerms
  friend: boolean
  /** offered on the claim page (merchant.claimableSet) */
  claimable: boolean
  /** outer_str of claims from the Mini Program: which channel a card came through */
  channel: string
  /** "每人可领券的数量限制,不填写默认为50" */
  getLimit: number
  date: { type: string; begin: number; end: number; fixedTerm: number; fixedBeginTerm: number }
  createdAt: number
  updatedAt: number
}

export interface ClaimDoc extends StoredDoc {
  mpOpenid: string
  cardId: string
  requestId: string
  channel: string
  status: 'SIGNED' | 'ADDED'
  code?: string
  /** the get_limit slot it holds (coupons/claim-slots.ts); none for a card without a limit or a claim from before slots */
  slot?: number
  createdAt: number
}

/** The merchant's list of claims (merchant.claimList), newest first, of one coupon or all, a page at a time. */
export async function listClaims(store: Store, cardId: string | undefined, page: PageRequest) {
  const filter = cardId ? { cardId } : {}
  const [{ docs, next }, total] = await Promise.all([
    findPage<ClaimDoc>(store, Collections.couponClaims, filter, { field: 'createdAt', direction: 'desc' }, page),
    store.count(Collections.couponClaims, filter),
  ])
  const claims = docs.map((c) => ({
    claimId: c._id,
    cardId: c.cardId,
    openid: c.mpOpenid,
    channel: c.channel,
    status: c.status,
    ...(c.code ? { code: c.code } : {}),
    createdAt: c.createdAt,
  }))
  return { claims, total, ...(next ? { next } : {}) }
}

export const DEFAULT_CHANNEL = 'mp_claim'
export const isCouponType = (t: string): t is CouponType => (COUPON_TYPES as readonly string[]).includes(t)

/** Keeps a coupon the merchant created (merchant.cardCreate), not yet offered. */
export async function recordCouponDef(store: Store, wx: WechatClient, req: CardCreateRequest, cardId: string): Promise<void> {
  const type = req.card.card_type
  if (!isCouponType(type)) return
  const body = req.card[type.toLowerCase()] as CardBody
  const bi = body.base_info
  const friend = isFriendCoupon(body)
  let title = bi.title ?? ''
  if (friend) {
    // WeChat names a friend coupon itself ("统一命名为xxx元代金券"): read back the name it gave.
    const got = await wx.card.get(cardId).catch(() => undefined)
    title = String(cardSection(got?.card).base_info?.title ?? title)
  }
  const d = bi.date_info
  const now = clock.now()
  await store.set<CouponDoc>(Collections.coupons, {
    _id: cardId,
    cardId,
    type,
    title,
    terms: termsOf(type, body as Record<string, unknown>),
    friend,
    claimable: false,
    channel: DEFAULT_CHANNEL,
    getLimit: bi.get_limit ?? DEFAULT_GET_LIMIT,
    date: {
      type: d.type,
      begin: d.begin_timestamp ?? 0,
      end: d.end_timestamp ?? 0,
      fixedTerm: d.fixed_term ?? 0,
      fixedBeginTerm: d.fixed_begin_term ?? 0,
    },
    ...PENDING_REVIEW,
    createdAt: now,
    updatedAt: now,
  })
}

export async function couponDefOf(store: Store, cardId: string): Promise<CouponDoc | null> {
  return store.get<CouponDoc>(Collections.coupons, cardId)
}

/** The validity of one received code: a fixed range, or fixed_term days counted from receipt. */
export function validityOf(def: CouponDoc, receivedSec: number): { beginTime: number; endTime: number } {
  if (def.date.type === 'DATE_TYPE_FIX_TIME_RANGE') return { beginTime: def.date.begin, endTime: def.date.end }
  if (def.date.type === 'DATE_TYPE_FIX_TERM') {
    const begin = receivedSec + def.date.fixedBeginTerm * 86400
    const end = begin + def.date.fixedTerm * 86400
    // "设置了fixed_term卡券,当时间达到end_timestamp时卡券统一过期"
    return { beginTime: begin, endTime: def.date.end ? Math.min(end, def.date.end) : end }
  }
  return { beginTime: 0, endTime: 0 }
}

/** What a user card of this coupon carries beside its identity. */
export function couponCardFields(def: CouponDoc, receivedSec = Math.floor(clock.now() / 1000)): Partial<UserCardDoc> {
  return { couponType: def.type, terms: def.terms, title: def.title, ...validityOf(def, receivedSec) }
}

export async function setClaimable(store: Store, cardId: string, claimable: boolean, channel?: string) {
  const def = await couponDefOf(store, cardId)
  if (!def) throw new AppError(ErrCode.NOT_FOUND, `cardId ${cardId} is not a coupon created by this merchant`)
  // Friend coupons are shared by a scan in a store ("现共享券仅支持线下二维码扫码投放"), not claimed in the Mini Program.
  if (claimable && def.friend)
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'cardId is a friend coupon: friend coupons are delivered by QR code in a store only')
  await store.update(Collections.coupons, cardId, { claimable, ...(channel ? { channel } : {}), updatedAt: clock.now() })
  return { cardId, claimable, channel: channel ?? def.channel }
}

/** The coupons this merchant created, newest first, for the console (merchant.couponList). */
export async function listCoupons(store: Store) {
  const defs = await store.find<CouponDoc>(Collections.coupons, {}, { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 200 })
  return {
    coupons: defs.map((def) => ({
      cardId: def.cardId,
      type: def.type,
      title: def.title,
      terms: def.terms,
      friend: def.friend,
      claimable: def.claimable,
      endTime: def.date.end,
      ...reviewView(def),
    })),
  }
}

export async function listClaimables(store: Store, mpOpenid?: string) {
  const nowSec = Math.floor(clock.now() / 1000)
  const defs = (
    await store.find<CouponDoc>(
      Collections.coupons,
      { claimable: true },
      { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 100 },
    )
  ).filter((d) => !(d.date.type === 'DATE_TYPE_FIX_TIME_RANGE' && d.date.end && d.date.end < nowSec))
  // How many of each the caller has claimed (their claim slots: claim-slots.ts), so the page can say 已领取
  // instead of offering a claim get_limit refuses. One query, on the slots' (cardId, mpOpenid) index.
  const claimed = new Map<string, number>()
  if (mpOpenid && defs.length) {
    const slots = await store.find<ClaimSlotDoc>(
      Collections.couponClaimSlots,
      { cardId: where.in(defs.map((d) => d.cardId)), mpOpenid },
      { limit: defs.reduce((n, d) => n + Math.max(1, d.getLimit), 0) },
    )
    for (const s of slots) claimed.set(s.cardId, (claimed.get(s.cardId) ?? 0) + 1)
  }
  return {
    items: defs.map((d) => ({
      cardId: d.cardId,
      type: d.type,
      title: d.title,
      terms: d.terms,
      getLimit: d.getLimit,
      claimed: claimed.get(d.cardId) ?? 0,
      ...(d.date.type === 'DATE_TYPE_FIX_TIME_RANGE' ? { beginTime: d.date.begin, endTime: d.date.end } : { fixedTerm: d.date.fixedTerm }),
    })),
  }
}

const claimId = (mpOpenid: string, requestId: string) => `${mpOpenid}:${requestId}`

/**
 * Signs a claimable coupon for the caller: one claim per requestId (a double tap or retry answers a
 * fresh signature for the same claim), at most get_limit claims per person — held by a slot taken
 * atomically (coupons/claim-slots.ts), even when many claims arrive at once — and only while WeChat
 * shows stock. WeChat enforces get_limit and stock again when the card is added.
 */
export async function claimCoupon(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  cardId: string,
  requestId: string,
  renewTicket = false,
) {
  const def = await couponDefOf(store, cardId)
  if (!def || !def.claimable) throw new AppError(ErrCode.NOT_FOUND, `cardId ${cardId} is not offered for claiming`)
  const id = claimId(mpOpenid, requestId)
  let claim = await store.get<ClaimDoc>(Collections.couponClaims, id)
  if (claim && claim.cardId !== cardId) throw new AppError(ErrCode.CONFLICT, `requestId ${requestId} was already used for another card`)
  if (!claim) {
    // The early count refuses without asking WeChat (and counts claims from before slots); the slot,
    // taken only once stock is confirmed (a refusal for stock takes none), is what holds the limit.
    const held = await store.count(Collections.couponClaims, { mpOpenid, cardId })
    if (def.getLimit > 0 && held >= def.getLimit) throw overLimit(def.getLimit)
    const got = await wx.card.get(cardId)
    const quantity = stockIn(got.card) ?? 0
    if (quantity < 1) throw new AppError(ErrCode.CONFLICT, `cardId ${cardId} is out of stock`)
    const slot = def.getLimit > 0 ? await takeClaimSlot(store, cardId, mpOpenid, requestId, def.getLimit) : undefined
    claim = {
      _id: id,
      mpOpenid,
      cardId,
      requestId,
      channel: def.channel,
      status: 'SIGNED',
      ...(slot !== undefined ? { slot } : {}),
      createdAt: clock.now(),
    }
    try {
      await store.insert(Collections.couponClaims, claim)
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      claim = (await store.get<ClaimDoc>(Collections.couponClaims, id))!
    }
  }
  const apiTicket = await signingTicket(wx.cardTicket, renewTicket)
  // outer_str names the channel; WeChat hands it back in user_get_card (OuterStr), and the data cube counts by card.
  return { cardList: [{ cardId, cardExt: buildCardExt({ apiTicket, cardId, outerStr: claim.channel }).cardExt }] }
}

/**
 * Records a coupon wx.addCard put in the caller's bag (code already decrypted). The push may have
 * created the record first (saOpenid only): the caller completes it. Someone else's is refused.
 */
export async function recordCouponAdded(
  store: Store,
  mpOpenid: string,
  unionid: string | undefined,
  def: CouponDoc,
  code: string,
): Promise<CardView> {
  const id = userCardId(def.cardId, code)
  const doc = await withConflictRetry(() =>
    store.transaction(async (tx) => {
      const cur = await tx.get<UserCardDoc>(Collections.userCards, id)
      if (cur?.mpOpenid && cur.mpOpenid !== mpOpenid)
        throw new AppError(ErrCode.FORBIDDEN, `card ${def.cardId} with that code belongs to someone else`)
      if (!cur) {
        const fresh = newUserCard(def.cardId, code, {
          mpOpenid,
          ...(unionid ? { unionid } : {}),
          checkedAt: clock.now(),
          ...couponCardFields(def),
        })
        await tx.insert(Collections.userCards, fresh)
        return fresh
      }
      const patch: Partial<UserCardDoc> = { mpOpenid, updatedAt: clock.now(), ...(cur.couponType ? {} : couponCardFields(def)) }
      await tx.update(Collections.userCards, id, patch)
      return { ...cur, ...patch }
    }),
  )
  if (doc.saOpenid) await learnIdentity(store, doc.saOpenid, { mpOpenid, unionid })
  // The oldest signed claim of the caller's for this card is now in the bag.
  const signed = await store.find<ClaimDoc>(
    Collections.couponClaims,
    { mpOpenid, cardId: def.cardId, status: 'SIGNED' },
    { orderBy: { field: 'createdAt', direction: 'asc' }, limit: 1 },
  )
  if (signed[0]) await store.updateIf(Collections.couponClaims, signed[0]._id, { status: 'SIGNED' }, { status: 'ADDED', code })
  return toCardView(doc)
}
