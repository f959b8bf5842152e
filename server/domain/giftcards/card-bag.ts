// Getting cards into WeChat's card bag and knowing whose they are.
// - signCardExt signs only the cards a caller's paid order entitles them to (READY entitlements), each
//   cardExt carrying its entitlement id as outer_str.
// - recordAdded decrypts the codes wx.addCard returned and redeems the entitlement each was signed for
//   (entitlements.ts); the user_get_card push does the same from its OuterStr, whichever comes first.
//   Together they join the two openids: (mpOpenid, card_id, code) and (saOpenid, card_id, code).
import type { PendingOrder } from '../../../contract/pending-order'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { anyOf, where, type Store, type StoredDoc } from '../../store/port'
import { MAX_PAGE, findPage, keyOf, sortOf, type KeysetOrder, type PageKey, type PageRequest } from '../../store/pages'
import { buildCardExt, signingTicket } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import { codeClaimed, fundableFresh, fundFresh, redeemEntitlement, sharedReads } from './entitlements'
import { type Holder } from '../cards/identities'
import { learnIdentity, learnMpUnion, mpOpenidOf, type IdentityDoc } from '../cards/identities'
import { codeState, takeInCode, voidExtraCard, type TakeInOptions, type TakenIn } from './bag-codes'
import { ENTITLEMENT_ID, entitlementId, type EntitlementDoc, type OrderDoc } from './orders'
import { shownInBag, toCardView, userCardId, type CardView, type UserCardDoc } from '../cards/user-cards'
import { returnExpiredGiftsOf } from './gifts'
import { couponDefOf, recordCouponAdded } from '../coupons/coupons'
import { memberCardDef } from '../catalog/member-cards'
import { upsertMemberCard } from '../members/members'
import { clock } from '../../clock'

export interface Caller {
  mpOpenid: string
  unionid?: string
}

/** card/code/decrypt, with WeChat's 40075 (not an encrypt_code) reported as a bad `field`. */
async function decryptCode(wx: WechatClient, encrypted: string, field: string): Promise<string> {
  try {
    return (await wx.code.decrypt(encrypted)).code
  } catch (err) {
    if (err instanceof WxApiError && err.errcode === 40075)
      throw new AppError(ErrCode.INVALID_ARGUMENT, `${field} is not a valid encrypted code`)
    throw err
  }
}

/** An order has at most this many entitlements (ENTITLEMENT_ID: a one- or two-digit index). */
const MAX_ENTITLEMENTS = 100

export async function signCardExt(store: Store, wx: WechatClient, caller: Caller, orderId: string, renewTicket = false) {
  // The order and its entitlements in one read, with the wx_card ticket beside them on an instance that has
  // none yet (issue 27: a new instance's first call costs what a warm one's does).
  const r = await store.getWith<OrderDoc, string>(Collections.orders, orderId, {
    ents: { collection: Collections.entitlements, filter: { orderId }, options: { limit: MAX_ENTITLEMENTS } },
    ...(!renewTicket && wx.cardTicket.wantsRead() ? { ticket: wx.cardTicket.beside() } : {}),
  })
  const order = r?.doc
  if (!order || order.kind !== 'mp') throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (order.mpOpenid !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `order ${orderId} is not yours`)
  if (order.status !== 'ISSUED')
    throw new AppError(ErrCode.CONFLICT, `order ${orderId} is ${order.status}: only a paid order's cards can be added`)
  wx.cardTicket.offer(r.found.ticket?.[0])
  // The order's own entitlements (orderId:0 … orderId:quantity-1), in that order.
  const index = new Map(Array.from({ length: order.quantity }, (_, i) => [entitlementId(orderId, i), i]))
  const ents = ((r.found.ents ?? []) as EntitlementDoc[]).filter((e) => index.has(e._id))
  ents.sort((a, b) => index.get(a._id)! - index.get(b._id)!)
  // A card given to a friend (giftId) is theirs to add once claimed, or the sender's again once returned.
  const ready = ents.filter((e) => e.status === 'READY' && !e.giftId && e.mpOpenid === caller.mpOpenid)
  if (ready.length === 0) throw new AppError(ErrCode.CONFLICT, `every card of order ${orderId} is already in the card bag or given`)
  // The wx_card ticket of the Service Account that created the cards; it never leaves the server.
  // Each cardExt carries its entitlement as outer_str, which WeChat hands back in user_get_card.
  const apiTicket = await signingTicket(wx.cardTicket, renewTicket)
  return {
    cardList: ready.map((e) => ({ cardId: e.cardId, cardExt: buildCardExt({ apiTicket, cardId: e.cardId, outerStr: e._id }).cardExt })),
  }
}

/** The entitlement a cardExt was signed for, if the client handed the cardExt back as wx.addCard returned it. */
function entitlementHint(cardExt: string | undefined): string | undefined {
  if (!cardExt) return undefined
  try {
    const outer = (JSON.parse(cardExt) as { outer_str?: unknown }).outer_str
    return typeof outer === 'string' && ENTITLEMENT_ID.test(outer) ? outer : undefined
  } catch {
    return undefined
  }
}

export interface AddedItem {
  cardId: string
  /** the encrypted code wx.addCard returned */
  code: string
  isSuccess: boolean
  cardExt?: string
}

/** What recordAdded reads once for all its cards: the entitlements the cardExts were signed for, the caller's mapping. */
interface FirstRead {
  ents: Map<string, EntitlementDoc>
  /** what the caller's unionid → mpOpenid mapping holds (null: none), when it was read */
  mapped?: string | null
}

/**
 * recordAdded's first read, one round trip for the whole request (issue 27): the entitlements the cardExts
 * name and, beside them, the caller's unionid mapping (learnMpUnion) and, on an instance that has none yet,
 * the access_token (so a new instance's first call costs what a warm one's does). Undefined without a cardExt.
 */
async function readFirst(store: Store, wx: WechatClient, caller: Caller, hints: string[]): Promise<FirstRead | undefined> {
  const [root, ...rest] = [...new Set(hints)]
  if (!root) return undefined
  const r = await store.getWith<EntitlementDoc, string>(Collections.entitlements, root, {
    ...(rest.length
      ? { ents: { collection: Collections.entitlements, filter: { _id: where.in(rest) }, options: { limit: rest.length } } }
      : {}),
    ...(caller.unionid ? { union: { collection: Collections.mpUnion, filter: { _id: caller.unionid }, options: { limit: 1 } } } : {}),
    ...(wx.accessToken.wantsRead() ? { token: wx.accessToken.beside() } : {}),
  })
  if (!r) return undefined
  wx.accessToken.offer(r.found.token?.[0])
  const ents = [r.doc, ...((r.found.ents ?? []) as EntitlementDoc[])]
  return {
    ents: new Map(ents.map((e) => [e._id, e])),
    ...(caller.unionid ? { mapped: (r.found.union?.[0] as MpUnionDoc | undefined)?.mpOpenid ?? null } : {}),
  }
}

/**
 * A card whose cardExt named an entitlement of the caller's, as first read (issue 27): funded by fundFresh's
 * three claims when the entitlement is READY (4 calls with the read: the push has not come yet), or, when
 * its push funded it first, the card read with the identity of its Service Account openid and the two
 * openids joined. Undefined for anything else (a lost claim, a gift, a crash's leftovers): recordOne's
 * general path decides.
 */
async function recordFromEntitlement(
  store: Store,
  wx: WechatClient,
  caller: Caller,
  ent: EntitlementDoc,
  cardId: string,
  code: string,
): Promise<CardView | undefined> {
  if (ent.cardId !== cardId || ent.mpOpenid !== caller.mpOpenid) return undefined
  if (fundableFresh(ent, cardId)) {
    const holder = { mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}) }
    const card = await fundFresh(store, wx, ent, code, holder)
    return card && toCardView(card)
  }
  if (ent.status !== 'ADDED' || ent.code !== code) return undefined
  const id = userCardId(cardId, code)
  const r = await store.getWith<EntitlementDoc, 'card'>(Collections.entitlements, ent._id, {
    card: {
      collection: Collections.userCards,
      filter: { _id: id },
      options: { limit: 1 },
      join: { field: 'saOpenid', collection: Collections.identities, as: 'identity' },
    },
  })
  const card = r?.found.card[0] as (UserCardDoc & { identity: IdentityDoc | null }) | undefined
  if (!card?.funded || card.entitlementId !== ent._id || card.mpOpenid !== caller.mpOpenid) return undefined
  const { identity, ...doc } = card
  if (doc.saOpenid) await learnIdentity(store, doc.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid }, identity)
  return toCardView(doc)
}

async function recordOne(
  store: Store,
  wx: WechatClient,
  caller: Caller,
  item: AddedItem,
  sync: SyncOptions,
  shared: ReturnType<typeof sharedReads>,
  first: Promise<FirstRead | undefined>,
): Promise<CardView> {
  const code = await decryptCode(wx, item.code, `cardList code for ${item.cardId}`)
  const known = (await first)?.ents.get(entitlementHint(item.cardExt) ?? '')
  if (known) {
    const fast = await recordFromEntitlement(store, wx, caller, known, item.cardId, code)
    if (fast) return fast
  }
  // A coupon claimed on the claim page (#14): no entitlement, the card itself is the value.
  const coupon = await couponDefOf(store, item.cardId)
  if (coupon) return recordCouponAdded(store, caller.mpOpenid, caller.unionid, coupon, code)
  // A member card (member.join) is free: recorded without an entitlement (members.ts); one WeChat
  // hands back after it was deleted is the same card restored.
  if (await memberCardDef(store, item.cardId))
    return toCardView(
      await upsertMemberCard(
        store,
        item.cardId,
        code,
        { mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}) },
        true,
      ),
    )
  const id = userCardId(item.cardId, code)
  const hint = entitlementHint(item.cardExt)
  // The card and (without the cardExt) the caller's READY entitlements for it, in one round trip.
  const [existing, found] = await Promise.all([
    store.get<UserCardDoc>(Collections.userCards, id),
    hint
      ? null
      : store.find<EntitlementDoc>(
          Collections.entitlements,
          { mpOpenid: caller.mpOpenid, cardId: item.cardId, status: 'READY' },
          { limit: 100 },
        ),
  ])
  if (existing?.mpOpenid && existing.mpOpenid !== caller.mpOpenid)
    throw new AppError(ErrCode.FORBIDDEN, `card ${item.cardId} with that code belongs to someone else`)
  if (existing?.funded) {
    if (existing.saOpenid) await learnIdentity(store, existing.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid })
    return toCardView(existing)
  }
  const holder: Holder = { mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}) }
  // The entitlement the cardExt was signed for; without the cardExt, any READY one of the caller's for this card.
  const candidates = hint ? [hint] : found!.map((e) => e._id)
  for (const entId of candidates) {
    const r = await redeemEntitlement(store, entId, item.cardId, code, holder, { onlyHolders: true }, shared)
    if (r.outcome === 'not-yours') continue
    if (r.outcome === 'funded') {
      await Promise.all([
        r.card.saOpenid ? learnIdentity(store, r.card.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid }) : undefined,
        syncCard(store, wx, id, sync, r.fresh ? r.card : undefined),
      ])
      return toCardView(r.card)
    }
    if (r.outcome === 'code-funded') return toCardView(r.card)
    // #17: another entitlement's funding of this code is under way (entitlements.ts): not an extra card.
    if (r.outcome === 'code-claimed') throw codeClaimed(item.cardId)
    if (hint) {
      // The cardExt's entitlement is consumed by another code, or its order was refunded — unless a take-in
      // at the app's launch funded this code from another entitlement meanwhile: then it is that card.
      if (!(await voidExtraCard(store, wx, item.cardId, code, holder))) {
        const funded = await store.get<UserCardDoc>(Collections.userCards, id)
        if (funded?.funded) return toCardView(funded)
      }
      throw new AppError(
        ErrCode.CONFLICT,
        r.outcome === 'spent'
          ? `the card for ${entId} is already in the card bag; this extra copy was voided`
          : `the order of ${entId} was refunded; the card was voided`,
      )
    }
  }
  throw new AppError(ErrCode.FORBIDDEN, `no paid order of yours entitles you to card ${item.cardId}`)
}

export async function recordAdded(
  store: Store,
  wx: WechatClient,
  caller: Caller,
  list: AddedItem[],
  sync: SyncOptions = {},
): Promise<{ cards: CardView[] }> {
  // The cards of one request at once (at most 10), sharing one first read and one read of their order
  // and definition.
  const items = list.filter((x) => x.isSuccess)
  const shared = sharedReads(store)
  // On an instance without an access_token yet, the first read brings it: the codes are decrypted after it.
  const tokenInRead = wx.accessToken.wantsRead()
  const first = readFirst(store, wx, caller, items.map((x) => entitlementHint(x.cardExt) ?? '').filter(Boolean))
  if (tokenInRead) await first
  const [, cards] = await Promise.all([
    first.then((f) => learnMpUnion(store, caller.mpOpenid, caller.unionid, f?.mapped)),
    Promise.all(items.map((item) => recordOne(store, wx, caller, item, sync, shared, first))),
  ])
  return { cards }
}

/** At most this many READY entitlements are read for the pending list: more than any one buyer holds. */
const READY_LIMIT = 100

const readyFilter = (mpOpenid: string) => ({ mpOpenid, status: 'READY' })

/** The caller's READY entitlements, given ones (giftId) included. */
export function readyEntitlementsOf(store: Store, mpOpenid: string): Promise<EntitlementDoc[]> {
  return store.find<EntitlementDoc>(Collections.entitlements, readyFilter(mpOpenid), { limit: READY_LIMIT })
}

/** The pending list from the caller's READY entitlements and their orders (`orders` by _id; null: gone). */
function pendingFrom(mpOpenid: string, readyAll: EntitlementDoc[], orders: Map<string, OrderDoc | null>): PendingOrder[] {
  const byOrder = new Map<string, number>()
  for (const e of readyAll) if (!e.giftId) byOrder.set(e.orderId, (byOrder.get(e.orderId) ?? 0) + 1)
  return (
    [...byOrder.keys()]
      .map((id) => orders.get(id))
      // Only the buyer's own orders: a claimed gift is added from the claim page, not from here.
      .filter((o): o is OrderDoc => !!o && o.status === 'ISSUED' && o.mpOpenid === mpOpenid)
      .map((o) => ({
        orderId: o._id,
        cardId: o.cardId,
        title: o.title ?? '',
        price: o.unitPrice ?? o.totalFee,
        count: byOrder.get(o._id)!,
        ...(o.backgroundPicUrl ? { backgroundPicUrl: o.backgroundPicUrl } : {}),
      }))
  )
}

/** Paid cards of the caller's that are not in the card bag yet (a cancelled add sheet, a closed page). */
export async function pendingOf(store: Store, mpOpenid: string, readyAll?: EntitlementDoc[]): Promise<PendingOrder[]> {
  const ready = (readyAll ?? (await readyEntitlementsOf(store, mpOpenid))).filter((e) => !e.giftId)
  if (ready.length === 0) return []
  const ids = [...new Set(ready.map((e) => e.orderId))]
  const orders = await Promise.all(ids.map((id) => store.get<OrderDoc>(Collections.orders, id)))
  return pendingFrom(mpOpenid, ready, new Map(ids.map((id, i) => [id, orders[i] ?? null])))
}

/**
 * The jump protocol: WeChat opens the Mini Program from the card's custom cell with encrypt_code,
 * card_id and openid in the query. The page decodes the query once; this decrypts and shows the card
 * only if it is the caller's. A code we do not know (or know unfunded) is the friend's new code of a
 * gift whose push was lost, or an add whose push and record were lost: taken in here (bag-codes.ts).
 */
export async function decryptForCaller(
  store: Store,
  wx: WechatClient,
  caller: Caller,
  cardId: string,
  encryptCode: string,
  sync: SyncOptions = {},
  takeIn: TakeInOptions = {},
): Promise<CardView> {
  const code = await decryptCode(wx, encryptCode, 'encryptCode (decode the jump URL exactly once)')
  const id = userCardId(cardId, code)
  let card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (card?.mpOpenid && card.mpOpenid !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
  // Not known, not funded, or known only by the Service Account openid (a gift found in the card bag): WeChat
  // says whose it is. The jump's encrypt_code reaches only the holder's Mini Program.
  if (!card?.mpOpenid || (!card.funded && card.status === 'NORMAL')) {
    const state = await codeState(wx, cardId, code)
    // A jump URL replayed by someone else: the code's holder is known to be another person.
    const known = state ? await mpOpenidOf(store, state.openid, caller.unionid) : undefined
    if (known && known !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
    const holder = { saOpenid: state?.openid ?? '', mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}) }
    if (state && card && !card.mpOpenid && card.saOpenid === state.openid) {
      await store.updateIf(Collections.userCards, id, { saOpenid: card.saOpenid, updatedAt: card.updatedAt }, { mpOpenid: caller.mpOpenid })
      await learnIdentity(store, state.openid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid })
    }
    if (state && !card?.funded) await takeInCode(store, wx, cardId, code, holder, sync, { ...takeIn, entitlements: true }, state)
    card = await store.get<UserCardDoc>(Collections.userCards, id)
  }
  if (!card || !shownInBag(card)) throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with that code is known yet`)
  if (card.mpOpenid !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
  return toCardView(card)
}

/** A person's card bag holds at most this many codes of ours that we read back at once. */
const BAG_READ_LIMIT = 100

/**
 * card.readBag (issue 25 §5): the Mini Program calls it when it is opened, as card-api-guide.zh.txt asks (line
 * 609: "开发者须在用户进入小程序时,请求开发者服务器调用获取用户已领取卡券接口"; line 546: "服务端根据用户小程序openId获取
 * 对应的公众平台openId,然后调用微信查询接口"). The codes of our cards in the caller's card bag are read through
 * card/user/getcardlist ("属于该appid下所有可用卡券,包括正常状态和异常状态", line 540), by the Service Account openid an
 * earlier join named, and each one we do not know, or know unfunded, is taken in: funded from the gift it is or
 * an entitlement of the caller's, voided, or left waiting (bag-codes.ts).
 */
export async function readCardBag(
  store: Store,
  wx: WechatClient,
  caller: Caller,
  sync: SyncOptions = {},
  takeIn: TakeInOptions = {},
): Promise<{ read: number } & Partial<Record<TakenIn, number>>> {
  // The Service Account openid from the caller's own cards (the join the push made), newest first. A caller
  // with a unionid has its mapping (learnMpUnion): rooted there, the access_token comes beside the cards on
  // an instance that has none yet (issue 27: the app's launch costs a new instance what it costs a warm one).
  const cards = {
    collection: Collections.userCards,
    filter: { mpOpenid: caller.mpOpenid },
    options: { orderBy: sortOf(BAG_ORDER), limit: 20 },
  }
  const rooted = caller.unionid
    ? await store.getWith<MpUnionDoc, string>(Collections.mpUnion, caller.unionid, {
        cards,
        ...(wx.accessToken.wantsRead() ? { token: wx.accessToken.beside() } : {}),
      })
    : null
  wx.accessToken.offer(rooted?.found.token?.[0])
  const mine = rooted ? (rooted.found.cards as UserCardDoc[]) : await store.find<UserCardDoc>(cards.collection, cards.filter, cards.options)
  const saOpenid = mine.find((c) => c.saOpenid)?.saOpenid
  if (!saOpenid) return { read: 0 }
  const { card_list: codes } = await wx.card.userGetCardList(saOpenid)
  const out: { read: number } & Partial<Record<TakenIn, number>> = { read: codes.length }
  const holder = { saOpenid, mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}) }
  for (const c of codes.slice(0, BAG_READ_LIMIT)) {
    const r = await takeInCode(store, wx, c.card_id, c.code, holder, sync, { ...takeIn, entitlements: true })
    out[r] = (out[r] ?? 0) + 1
  }
  return out
}

/**
 * A card that reached someone through WeChat alone (a friend's gift, a shelf purchase) is known by its
 * saOpenid and unionid; when that person opens the Mini Program, the unionid from their cloud context
 * maps it to them.
 */
export async function adoptByUnionid(store: Store, caller: Caller): Promise<number> {
  if (!caller.unionid) return 0
  const [, candidates] = await Promise.all([
    learnMpUnion(store, caller.mpOpenid, caller.unionid),
    store.find<UserCardDoc>(Collections.userCards, { unionid: caller.unionid }, { limit: 200 }),
  ])
  return (await adopt(store, caller, candidates)).length
}

/** Maps to the caller the cards of `docs` known only by their unionid; returns those it mapped, as they now are. */
async function adopt(store: Store, caller: Caller, docs: UserCardDoc[]): Promise<UserCardDoc[]> {
  const orphans = caller.unionid ? docs.filter((c) => !c.mpOpenid && c.unionid === caller.unionid) : []
  const adopted = await Promise.all(
    orphans.map(async (c): Promise<UserCardDoc | null> => {
      const now = clock.now()
      if (
        !(await store.updateIf(
          Collections.userCards,
          c._id,
          { unionid: caller.unionid, updatedAt: c.updatedAt },
          { mpOpenid: caller.mpOpenid, updatedAt: now },
        ))
      )
        return null
      if (c.saOpenid) await learnIdentity(store, c.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid })
      return { ...c, mpOpenid: caller.mpOpenid, updatedAt: now }
    }),
  )
  return adopted.filter((c): c is UserCardDoc => c !== null)
}

/** The caller's cards and the cards reached through their unionid alone, in one query (`anyOf`). */
const bagFilter = (caller: Caller) =>
  caller.unionid ? anyOf({ mpOpenid: caller.mpOpenid }, { unionid: caller.unionid }) : { mpOpenid: caller.mpOpenid }
/** The bag's order, newest change first (ties by _id), and its pages (store/pages.ts). */
const BAG_ORDER: KeysetOrder = { field: 'updatedAt', direction: 'desc' }
/** The first page's query: one row beyond the page tells whether another follows. */
const bagFirst = (limit: number) => ({ orderBy: sortOf(BAG_ORDER), limit: limit + 1 })

type MpUnionDoc = StoredDoc & { mpOpenid: string }

/** What card.listMine reads: card documents (adoption candidates included), READY entitlements, their orders. */
interface BagReads {
  docs: UserCardDoc[]
  ready: EntitlementDoc[]
  /** the orders of `ready` by _id, when they were read with them */
  orders?: Map<string, OrderDoc | null>
}

/**
 * Everything card.listMine shows in one round trip: the bag query and the READY entitlements with their
 * orders, as one aggregate rooted at the caller's unionid → mpOpenid mapping (mp_union, a document every
 * returning caller with a unionid has: learnMpUnion writes it on their first call). The finds do not
 * depend on the mapping's content, only on its existence; what it holds tells whether it needs writing.
 * Null when it is not stored yet.
 */
async function readBagAtMapping(
  store: Store,
  caller: Caller & { unionid: string },
  limit: number,
): Promise<(BagReads & { mappedTo: string }) | null> {
  const r = await store.getWith<MpUnionDoc, 'cards' | 'ready'>(Collections.mpUnion, caller.unionid, {
    cards: { collection: Collections.userCards, filter: bagFilter(caller), options: bagFirst(limit) },
    ready: {
      collection: Collections.entitlements,
      filter: readyFilter(caller.mpOpenid),
      options: { limit: READY_LIMIT },
      join: { field: 'orderId', collection: Collections.orders, as: 'order' },
    },
  })
  if (!r) return null
  const ready = r.found.ready as (EntitlementDoc & { order: OrderDoc | null })[]
  return { mappedTo: r.doc.mpOpenid, docs: r.found.cards as UserCardDoc[], ready, orders: new Map(ready.map((e) => [e.orderId, e.order])) }
}

/**
 * The reads of card.listMine, in as few round trips as the caller allows:
 * - a returning caller with a unionid (the steady state): 1, the aggregate above;
 * - a caller whose mapping is not stored yet (their first call): the aggregate finds no root, the
 *   mapping is written, the aggregate runs again: 3 (the separate reads would be 4: mapping read and
 *   write, bag, entitlements, and the orders on top);
 * - a caller without a unionid (no Open Platform binding): no mapping to root at, so the bag and the
 *   entitlements as two queries at once, and pendingOf reads the orders if any are pending.
 */
async function readBag(store: Store, caller: Caller, limit: number): Promise<BagReads> {
  const { unionid, mpOpenid } = caller
  if (unionid) {
    const first = await readBagAtMapping(store, { ...caller, unionid }, limit)
    await learnMpUnion(store, mpOpenid, unionid, first?.mappedTo ?? null)
    const reads = first ?? (await readBagAtMapping(store, { ...caller, unionid }, limit))
    if (reads) return reads
  }
  const [docs, ready] = await Promise.all([
    store.find<UserCardDoc>(Collections.userCards, bagFilter(caller), bagFirst(limit)),
    readyEntitlementsOf(store, mpOpenid),
  ])
  return { docs, ready }
}

/**
 * card.listMine: the caller's card bag (newest change first; cards reached through their unionid alone
 * are adopted on the way, each by a conditional write) and the paid cards not added yet. Only a caller
 * with a gift waiting on one of their cards has gifts read (the expired ones come back); the lists are
 * read again only if that changed them.
 */
export async function listBag(
  store: Store,
  caller: Caller,
  limit = MAX_PAGE,
): Promise<{ cards: CardView[]; pending: PendingOrder[]; next?: PageKey }> {
  const { docs: read, ready, orders } = await readBag(store, caller, limit)
  const docs = read.slice(0, limit)
  const next = read.length > limit ? keyOf(BAG_ORDER, docs[docs.length - 1]!) : undefined
  const { returned } = ready.some((e) => e.giftId) ? await returnExpiredGiftsOf(store, caller.mpOpenid) : { returned: 0 }
  if (returned) {
    const [again, pending] = await Promise.all([bagPage(store, caller, { limit }), pendingOf(store, caller.mpOpenid)])
    return { ...again, pending }
  }
  return {
    cards: await shownOf(store, caller, docs),
    pending: orders ? pendingFrom(caller.mpOpenid, ready, orders) : await pendingOf(store, caller.mpOpenid, ready),
    ...(next ? { next } : {}),
  }
}

/** What the bag shows of a page of card documents: the caller's, and those adopted on the way, newest change first. */
async function shownOf(store: Store, caller: Caller, docs: UserCardDoc[]): Promise<CardView[]> {
  const adopted = await adopt(store, caller, docs)
  const cards = [...adopted, ...docs.filter((d) => d.mpOpenid === caller.mpOpenid)].sort((a, b) => b.updatedAt - a.updatedAt)
  return cards.filter(shownInBag).map((d) => toCardView(d))
}

/** A page of the bag by a cursor (card.listMine after its first page): the cards alone, pending orders are on the first. */
export async function bagPage(store: Store, caller: Caller, page: PageRequest): Promise<{ cards: CardView[]; next?: PageKey }> {
  const { docs, next } = await findPage<UserCardDoc>(store, Collections.userCards, bagFilter(caller), BAG_ORDER, page)
  return { cards: await shownOf(store, caller, docs), ...(next ? { next } : {}) }
}
