// Getting cards into WeChat's card bag and knowing whose they are.
// - signCardExt signs only the cards a caller's paid order entitles them to (and not yet added).
// - recordAdded decrypts the codes wx.addCard returned, claims one entitlement per code, and records
//   (mpOpenid, card_id, code); the user_get_card push records (saOpenid, card_id, code): together they
//   join the two openids (card-events.ts).
// - Each new card is funded once: its first ledger entry (issue) and its balance in WeChat.
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { buildCardExt } from '../wechat/card-ext'
import type { WechatClient } from '../wechat/client'
import { WxApiError } from '../wechat/errors'
import { syncCard, type SyncOptions } from './balance-sync'
import { giftCardDef, type GiftCardDoc } from './gift-cards'
import { learnIdentity, learnMpUnion } from './identities'
import { post } from './ledger'
import type { EntitlementDoc, OrderDoc } from './orders'
import { withConflictRetry } from './retry'
import { newUserCard, toCardView, userCardId, type CardView, type UserCardDoc } from './user-cards'

export interface Caller {
  mpOpenid: string
  unionid?: string
}

/** card/code/decrypt, with WeChat's 40075 (not an encrypt_code) reported as a bad `field`. */
async function decryptCode(wx: WechatClient, encrypted: string, field: string): Promise<string> {
  try {
    return (await wx.code.decrypt(encrypted)).code
  } catch (err) {
    if (err instanceof WxApiError && err.errcode === 40075) throw new AppError(ErrCode.INVALID_ARGUMENT, `${field} is not a valid encrypted code`)
    throw err
  }
}

/** The card was funded meanwhile (e.g. by a friend's transfer): no issue entry for it. */
class AlreadyFunded extends Error {}

export async function signCardExt(store: Store, wx: WechatClient, caller: Caller, orderId: string) {
  const order = await store.get<OrderDoc>(Collections.orders, orderId)
  if (!order || order.kind !== 'mp') throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (order.mpOpenid !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `order ${orderId} is not yours`)
  if (order.status !== 'ISSUED') throw new AppError(ErrCode.CONFLICT, `order ${orderId} is ${order.status}: only a paid order's cards can be added`)
  const ready = await store.find<EntitlementDoc>(Collections.entitlements, { orderId, status: 'READY' }, { limit: 10 })
  if (ready.length === 0) throw new AppError(ErrCode.CONFLICT, `every card of order ${orderId} is already in the card bag`)
  // The wx_card ticket of the Service Account that created the cards; it never leaves the server.
  const apiTicket = await wx.cardTicket.get()
  return { cardList: ready.map((e) => ({ cardId: e.cardId, cardExt: buildCardExt({ apiTicket, cardId: e.cardId, outerStr: orderId }).cardExt })) }
}

function cardFields(def: GiftCardDoc, order?: OrderDoc): Partial<UserCardDoc> {
  return { title: def.title, beginTime: def.beginTime, endTime: def.endTime, backgroundPicUrl: order?.backgroundPicUrl ?? def.backgroundPicUrl }
}

/** Creates the card record or completes it with the Mini Program side; refuses a card that is someone else's. */
async function claimForCaller(store: Store, caller: Caller, cardId: string, code: string, fields: Partial<UserCardDoc>): Promise<UserCardDoc> {
  const id = userCardId(cardId, code)
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const cur = await tx.get<UserCardDoc>(Collections.userCards, id)
      if (!cur) {
        // Just added to the card bag, so NORMAL as of now: no need to ask WeChat before the first spend.
        const doc = newUserCard(cardId, code, { ...fields, mpOpenid: caller.mpOpenid, ...(caller.unionid ? { unionid: caller.unionid } : {}), checkedAt: Date.now() })
        await tx.insert(Collections.userCards, doc)
        return doc
      }
      if (cur.mpOpenid && cur.mpOpenid !== caller.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} with that code belongs to someone else`)
      const patch: Partial<UserCardDoc> = { mpOpenid: caller.mpOpenid, updatedAt: Date.now() }
      for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(cur as unknown as Record<string, unknown>)[k]) (patch as Record<string, unknown>)[k] = v
      await tx.update(Collections.userCards, id, patch)
      return { ...cur, ...patch }
    }),
  )
}

/** The card's first ledger entry and its balance in WeChat, once, for a card bought new. */
export async function ensureFunded(store: Store, wx: WechatClient, id: string, sync: SyncOptions = {}): Promise<void> {
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card || card.funded || card.status === 'DELETE') return
  const def = await store.get<GiftCardDoc>(Collections.giftCards, card.cardId)
  if (!def) return
  await post(store, {
    card: id, kind: 'issue', amount: def.initBalance, entryId: `issue:${id}`, orderId: card.orderId, description: 'card issued',
    guard: (c) => {
      if (c.funded) throw new AlreadyFunded()
    },
    cardPatch: () => ({ funded: true }),
  }).catch((err) => {
    if (!(err instanceof AlreadyFunded)) throw err
  })
  await syncCard(store, wx, id, sync)
}

export async function recordAdded(store: Store, wx: WechatClient, caller: Caller, list: { cardId: string; code: string; isSuccess: boolean }[], sync: SyncOptions = {}): Promise<{ cards: CardView[] }> {
  await learnMpUnion(store, caller.mpOpenid, caller.unionid)
  const out: CardView[] = []
  for (const item of list.filter((x) => x.isSuccess)) {
    const code = await decryptCode(wx, item.code, `cardList code for ${item.cardId}`)
    const id = userCardId(item.cardId, code)
    const existing = await store.get<UserCardDoc>(Collections.userCards, id)
    if (existing?.mpOpenid === caller.mpOpenid) {
      out.push(toCardView(existing))
      continue
    }
    if (existing?.mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${item.cardId} with that code belongs to someone else`)
    // The code must be one the caller was entitled to add: claim one READY entitlement for this card.
    const ready = await store.find<EntitlementDoc>(Collections.entitlements, { mpOpenid: caller.mpOpenid, cardId: item.cardId, status: 'READY' }, { limit: 10 })
    let claimed: EntitlementDoc | undefined
    for (const e of ready) {
      if (await store.updateIf(Collections.entitlements, e._id, { status: 'READY' }, { status: 'ADDED', code })) {
        claimed = e
        break
      }
    }
    if (!claimed) throw new AppError(ErrCode.FORBIDDEN, `no paid order of yours entitles you to card ${item.cardId}`)
    const def = await giftCardDef(store, item.cardId)
    const order = await store.get<OrderDoc>(Collections.orders, claimed.orderId)
    const card = await claimForCaller(store, caller, item.cardId, code, { ...cardFields(def, order ?? undefined), orderId: claimed.orderId })
    if (card.saOpenid) await learnIdentity(store, card.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid })
    await ensureFunded(store, wx, id, sync)
    out.push(toCardView((await store.get<UserCardDoc>(Collections.userCards, id))!))
  }
  return { cards: out }
}

/**
 * The jump protocol: WeChat opens the Mini Program from the card's custom cell with encrypt_code,
 * card_id and openid in the query. The page decodes the query once; this decrypts and shows the card
 * only if it is the caller's.
 */
export async function decryptForCaller(store: Store, wx: WechatClient, mpOpenid: string, cardId: string, encryptCode: string): Promise<CardView> {
  const code = await decryptCode(wx, encryptCode, 'encryptCode (decode the jump URL exactly once)')
  const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(cardId, code))
  if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with that code is known yet`)
  if (card.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
  return toCardView(card)
}

/**
 * A card that reached someone through WeChat alone (a friend's gift, a shelf purchase) is known by its
 * saOpenid and unionid; when that person opens the Mini Program, the unionid from their cloud context
 * maps it to them.
 */
export async function adoptByUnionid(store: Store, caller: Caller): Promise<number> {
  if (!caller.unionid) return 0
  await learnMpUnion(store, caller.mpOpenid, caller.unionid)
  const candidates = await store.find<UserCardDoc>(Collections.userCards, { unionid: caller.unionid }, { limit: 200 })
  let adopted = 0
  for (const c of candidates) {
    if (c.mpOpenid) continue
    if (await store.updateIf(Collections.userCards, c._id, { unionid: caller.unionid, updatedAt: c.updatedAt }, { mpOpenid: caller.mpOpenid, updatedAt: Date.now() })) {
      adopted++
      if (c.saOpenid) await learnIdentity(store, c.saOpenid, { mpOpenid: caller.mpOpenid, unionid: caller.unionid })
    }
  }
  return adopted
}
