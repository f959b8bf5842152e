// card: the consumer's cards. Thin: read the caller from the context, validate input, call server/domain.
import { bagPage, decryptForCaller, listBag, readCardBag, recordAdded, signCardExt } from '../../server/domain/giftcards/card-bag'
import { reconcileAgeMs } from '../../server/domain/upkeep/reconcile'
import { listScope, nextCursor, pageRequest } from '../../server/platform/cursor'
import { MAX_PAGE } from '../../server/store/pages'
import { listOnSale, type GiftCardDoc } from '../../server/domain/catalog/gift-cards'
import { Collections } from '../../server/store/collections'
import { historyOf } from '../../server/domain/ledgers/ledger'
import { shelfOrderForCaller } from '../../server/domain/giftcards/order-view'
import { asHolderSees, givableInBag } from '../../server/domain/giftcards/received'
import { spend } from '../../server/domain/money/spending'
import { claimCoupon, listClaimables } from '../../server/domain/coupons/coupons'
import { roleOf } from '../../server/domain/merchant/staff'
import { acceptInvite } from '../../server/domain/merchant/invites'
import { recordAudit } from '../../server/domain/merchant/audit'
import { activeHolds, cardOf, toCardView, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { card } from '../../contract/actions/card'
import { clock } from '../../server/clock'

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
  const held = new Set(activeHolds(card, clock.now()).map((h) => h.orderId))
  return entries.map((e) => (e.orderId && held.has(e.orderId) ? { ...e, held: true as const } : e))
}

export const main = createHandler('card', card, {
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
  /** Issue 28: the person who opened an owner's invite (its QR code) joins the staff, once, within 10 minutes. */
  async staffAccept(input, ctx) {
    const openid = requireOpenid(ctx)
    const { role, changed } = await acceptInvite(ctx.store, openid, input.inviteId)
    if (changed) await recordAudit(ctx.store, { openid, action: 'staffAccept', target: openid, facts: { person: openid, role } })
    return { role }
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
    const card = await cardOf(ctx.store, requireOpenid(ctx), input.cardId, input.code)
    const [{ entries, total }, def] = await Promise.all([
      historyOf(ctx.store, card._id),
      ctx.store.get<GiftCardDoc>(Collections.giftCards, card.cardId),
    ])
    return {
      card: toCardView(card),
      history: withHolds(asHolderSees(entries, card), card),
      total,
      info: cardInfo(def),
      // 送给好友 with WeChat's 转赠 in the card bag (giftcards/received.ts)
      canGive: givableInBag(card, def),
    }
  },
  async history(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), input.cardId, input.code)
    const scope = listScope('card.history', ctx.caller.openid, { card: card._id })
    const { next, ...history } = await historyOf(ctx.store, card._id, pageRequest(input, scope, { defaultLimit: 20 }))
    return { ...history, entries: withHolds(asHolderSees(history.entries, card), card), ...nextCursor(next, scope) }
  },
  /** The order page the shelf's cells open (gift-card-api §14.2: the jump adds order_id and openid). */
  async shelfOrder(input, ctx) {
    const mpOpenid = requireOpenid(ctx)
    const order = await shelfOrderForCaller(ctx.store, { mpOpenid, unionid: ctx.caller.unionid }, input.orderId, input.openid)
    return { order }
  },
  async shop(_input, ctx) {
    return { items: await listOnSale(ctx.store) }
  },
  async signCardExt(input, ctx) {
    return signCardExt(ctx.store, ctx.wx(), { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid }, input.orderId, input.renewTicket)
  },
  async recordAdded(input, ctx) {
    return recordAdded(ctx.store, ctx.wx(), { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid }, input.cardList, syncOptions())
  },
  // ---------- #14 coupons: the claim page ----------
  async claimables(_input, ctx) {
    return listClaimables(ctx.store, requireOpenid(ctx))
  },
  async claim(input, ctx) {
    return claimCoupon(ctx.store, ctx.wx(), requireOpenid(ctx), input.cardId, input.requestId, input.renewTicket)
  },
  async decryptCode(input, ctx) {
    return {
      card: await decryptForCaller(
        ctx.store,
        ctx.wx(),
        { mpOpenid: requireOpenid(ctx), unionid: ctx.caller.unionid },
        input.cardId,
        input.encryptCode,
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
    return spend(ctx.store, ctx.wx(), requireOpenid(ctx), input, syncOptions())
  },
})
