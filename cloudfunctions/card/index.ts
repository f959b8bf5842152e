// card: the consumer's cards. Thin: read the caller from the context, validate input, call server/domain.
import { bagPage, decryptForCaller, listBag, readCardBag, recordAdded, signCardExt } from '../../server/domain/giftcards/card-bag'
import { reconcileAgeMs } from '../../server/domain/upkeep/reconcile'
import { listScope, nextCursor, pageRequest } from '../../server/platform/cursor'
import { MAX_PAGE } from '../../server/store/pages'
import { listOnSale, type GiftCardDoc } from '../../server/domain/catalog/gift-cards'
import { Collections } from '../../server/store/collections'
import { historyOf } from '../../server/domain/ledgers/ledger'
import { shelfOrderForCaller } from '../../server/domain/giftcards/order-view'
import { spend } from '../../server/domain/money/spending'
import { claimCoupon, listClaimables } from '../../server/domain/coupons/coupons'
import { roleOf } from '../../server/domain/merchant/staff'
import { activeHolds, cardOf, toCardView, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { invalid } from '../../server/errors'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { arr, asInput, int, optBool, optInt, optStr, str } from '../../server/validate'

const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const ORDER_ID = { max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }
/** One spend is at most 1,000,000 yuan: anything above is a bug, not a purchase. */
const MAX_SPEND_FEN = 100_000_000

/** What the card detail page shows besides the balance: the card's own notes and service phone. */
function cardInfo(def: GiftCardDoc | null) {
  if (!def) return {}
  return {
    ...(def.brandName ? { brandName: def.brandName } : {}),
    ...(def.notice ? { notice: def.notice } : {}),
    ...(def.description ? { description: def.description } : {}),
    ...(def.servicePhone ? { servicePhone: def.servicePhone } : {}),
  }
}

/**
 * An unexplained code is voided only after two read-back periods of the cron: a gift whose pushes were all
 * lost has had its old code read back and parked by then, and claims the code first (bag-codes.ts).
 */
const takeInOptions = () => ({ voidAfterMs: 2 * reconcileAgeMs() })

/** History lines of checkouts not finished yet are held (冻结), not spent: `held: true` (issue 25 §7). */
function withHolds<E extends { orderId?: string }>(entries: E[], card: UserCardDoc): (E & { held?: true })[] {
  const held = new Set(activeHolds(card, Date.now()).map((h) => h.orderId))
  return entries.map((e) => (e.orderId && held.has(e.orderId) ? { ...e, held: true as const } : e))
}

export const main = createHandler('card', {
  async whoami(_input, ctx) {
    const openid = requireOpenid(ctx)
    // Owners, and admins or counter staff granted in the console: `merchant` opens the way into it,
    // `role` tells the home page whether to offer the console or only the redemption page.
    const role = await roleOf(ctx.store, openid)
    return {
      openid,
      appid: ctx.caller.appid ?? '',
      merchant: role !== null,
      role,
      ...(ctx.caller.unionid ? { unionid: ctx.caller.unionid } : {}),
    }
  },
  async listMine(input, ctx) {
    const caller = { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid }
    const scope = listScope('card.listMine', caller.mpOpenid)
    const page = pageRequest(input, scope, { defaultLimit: MAX_PAGE })
    // The first page: one database round trip for a returning caller (card-bag.ts listBag), with the
    // pending orders; the next ones by the cursor, cards alone.
    const { next, ...bag } = page.after ? await bagPage(ctx.store, caller, page) : await listBag(ctx.store, caller, page.limit)
    return { ...bag, ...nextCursor(next, scope) }
  },
  async detail(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), str(input, 'cardId', CARD_ID), str(input, 'code', CODE))
    const [{ entries, total }, def] = await Promise.all([
      historyOf(ctx.store, card._id),
      ctx.store.get<GiftCardDoc>(Collections.giftCards, card.cardId),
    ])
    return { card: toCardView(card), history: withHolds(entries, card), total, info: cardInfo(def) }
  },
  async history(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), str(input, 'cardId', CARD_ID), str(input, 'code', CODE))
    const scope = listScope('card.history', ctx.caller.openid, { card: card._id })
    const { next, ...history } = await historyOf(
      ctx.store,
      card._id,
      pageRequest(input, scope, { defaultLimit: 20, offsetMax: Number.MAX_SAFE_INTEGER }),
    )
    return { ...history, entries: withHolds(history.entries, card), ...nextCursor(next, scope) }
  },
  /** The order page the shelf's cells open (gift-card-api §14.2: the jump adds order_id and openid). */
  async shelfOrder(input, ctx) {
    const mpOpenid = requireOpenid(ctx)
    const order = await shelfOrderForCaller(
      ctx.store,
      { mpOpenid, unionid: ctx.caller.unionid },
      str(input, 'orderId', { max: 64, pattern: /^[A-Za-z0-9_+/=-]+$/ }),
      optStr(input, 'openid', { max: 64 }),
    )
    return { order }
  },
  async shop(_input, ctx) {
    return { items: await listOnSale(ctx.store) }
  },
  async signCardExt(input, ctx) {
    return signCardExt(
      ctx.store,
      ctx.wx(),
      { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid },
      str(input, 'orderId', ORDER_ID),
      optBool(input, 'renewTicket'),
    )
  },
  async recordAdded(input, ctx) {
    const list = arr(input, 'cardList', { min: 1, max: 10 }).map((raw, i) => {
      const item = asInput(raw, `cardList[${i}]`)
      if (typeof item.isSuccess !== 'boolean') throw invalid(`cardList[${i}].isSuccess`, 'must be true or false')
      return {
        cardId: str(item, 'cardId', CARD_ID),
        code: str(item, 'code', { max: 512 }),
        isSuccess: item.isSuccess,
        cardExt: optStr(item, 'cardExt', { max: 2048 }),
      }
    })
    return recordAdded(ctx.store, ctx.wx(), { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid }, list, syncOptions())
  },
  // ---------- #14 coupons: the claim page ----------
  async claimables(_input, ctx) {
    requireOpenid(ctx)
    return listClaimables(ctx.store)
  },
  async claim(input, ctx) {
    return claimCoupon(
      ctx.store,
      ctx.wx(),
      requireOpenid(ctx),
      str(input, 'cardId', CARD_ID),
      str(input, 'requestId', { min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
      optBool(input, 'renewTicket'),
    )
  },
  async decryptCode(input, ctx) {
    return {
      card: await decryptForCaller(
        ctx.store,
        ctx.wx(),
        { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid },
        str(input, 'cardId', CARD_ID),
        str(input, 'encryptCode', { max: 512 }),
        syncOptions(),
        takeInOptions(),
      ),
    }
  },
  /** The Mini Program was opened: codes of ours in the caller's card bag that we do not know are taken in (issue 25 §5). */
  async readBag(_input, ctx) {
    return readCardBag(ctx.store, ctx.wx(), { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid }, syncOptions(), takeInOptions())
  },
  async spend(input, ctx) {
    return spend(
      ctx.store,
      ctx.wx(),
      requireOpenid(ctx),
      {
        cardId: str(input, 'cardId', CARD_ID),
        code: str(input, 'code', CODE),
        amount: int(input, 'amount', { min: 1, max: MAX_SPEND_FEN }),
        orderId: str(input, 'orderId', ORDER_ID),
        description: optStr(input, 'description', { max: 100 }),
        // Present: the one-call spend (docs/functions-api.md); the window is checked there.
        orderedAt: optInt(input, 'orderedAt', { min: 0 }),
      },
      syncOptions(),
    )
  },
})
