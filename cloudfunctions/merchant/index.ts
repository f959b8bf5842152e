// merchant: merchant operations for the merchant's admins (MERCHANT_ADMIN_OPENIDS and those granted
// by merchant.staffSet) and, for the counter actions, its staff. The same actions serve the
// `npm run merchant` CLI and the merchant pages of the Mini Program. Every action that changes something
// writes one audit entry (server/domain/merchant/audit.ts).
import * as m from '../../server/domain/merchant/operations'
import { refundOrder, type Channel } from '../../server/domain/merchant/orders'
import { invalid } from '../../server/errors'
import { cloudPayGateway } from '../../server/platform/cloud-pay'
import { createHandler, type Action, type ActionContext } from '../../server/platform/handler'
import { firstPageCursor, paged } from './paged'
import { syncOptions } from '../../server/platform/settings'
import { asInput, int, optInt, optStr, str, type Input } from '../../server/validate'
import { recordAudit, type AuditFacts } from '../../server/domain/merchant/audit'
import { auditPage, cardFacts } from '../../server/domain/merchant/audit-sentences'
import { named, namesOf, personIdOf } from '../../server/domain/cards/people'
import { createInvite } from '../../server/domain/merchant/invites'
import {
  cardHistory,
  dashboard,
  freezeCard,
  ledgerSince,
  lookupCode,
  orderDetail,
  searchOrders,
  takeOffSale,
} from '../../server/domain/merchant/console'
import {
  isOwner,
  listStaff,
  MERCHANT_ROLES,
  requireOwner,
  requireRole,
  roleOf,
  setStaff,
  staffOpenidOf,
  type MerchantRole,
} from '../../server/domain/merchant/staff'
import { selfCheck } from '../../server/domain/merchant/self-check'
import { pingFunction } from '../../server/platform/ping'
import type { CardCreateRequest, QrCodeRequest } from '../../server/wechat/card'
import { listClaims, listCoupons, setClaimable } from '../../server/domain/coupons/coupons'
import { redeem, redeemCheck } from '../../server/domain/money/redemption'
import {
  activateCoins,
  coinAccount,
  coinOrder,
  coinOrders,
  coinPageOf,
  confirmStock,
  priceStock,
  rechargeCoins,
} from '../../server/domain/coupons/coins'
import { cardStats } from '../../server/domain/merchant/card-stats'
import { reviewSubmitted } from '../../server/domain/events/card-events'
import { ORDINARY_COUPON_TYPES, RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import { UPLOADIMG_MAX_BYTES } from '../../server/wechat/media'
import type { GiftCardPage } from '../../server/wechat/giftcard-page'
import { memberActions } from './member-actions'
import { createMemberCard } from '../../server/domain/catalog/member-cards'

// Ids are checked before they reach WeChat or the store: an id WeChat would refuse is our 1001, not its errcode.
const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const PAGE_ID = { max: 128, pattern: /^[A-Za-z0-9_+/=-]+$/ }
const ORDER_ID = { max: 64, pattern: /^[A-Za-z0-9_+/=-]+$/ }
const CHANNELS = ['mp', 'checkout', 'shelf'] as const
/** A Mini Program openid: 28 characters of URL-safe base64, as every openid WeChat hands out is (a typo or "1" is refused, not granted a role). */
const OPENID = { max: 28, pattern: /^[A-Za-z0-9_-]{28}$/ }
/** A person as the console refers to one (cards/people.ts personIdOf). */
const PERSON_ID = { max: 17, pattern: /^P[0-9A-F]{16}$/ }

/** WeChat's reply without its own errcode/errmsg (ours wrap it). */
async function wxResult(p: Promise<object>): Promise<Record<string, unknown>> {
  const { errcode, errmsg, ...rest } = (await p) as Record<string, unknown>
  void errcode
  void errmsg
  return rest
}

/** What an audit entry says an action acted on (and why, and the facts its sentence tells), from its input and result. */
type AuditOf = (input: Input, result: Record<string, unknown>) => { target: string; reason?: string; facts?: AuditFacts }

/**
 * Every merchant action checks the caller's role first; an action that changes something names its
 * audit target and is logged after it succeeded.
 */
function allow(roles: readonly MerchantRole[], run: Action, audit?: AuditOf): Action {
  return async (input, ctx) => {
    const action = String(input.action)
    await requireRole(ctx.store, ctx.caller.openid, roles, `merchant.${action}`)
    const result = await run(input, ctx)
    // An action that answers `changed: false` (a role set to what it was) changed nothing: no entry.
    if (audit && result.changed !== false) await recordAudit(ctx.store, { openid: ctx.caller.openid!, action, ...audit(input, result) })
    return result
  }
}
const ADMIN = ['admin'] as const
const admin = (run: Action, audit?: AuditOf) => allow(ADMIN, run, audit)
/** Counter actions: staff may call these (and only these). */
export const counter = (run: Action, audit?: AuditOf) => allow(['admin', 'staff'], run, audit)

/** A 券点 purchase's answer, with the notice that WeChat sells coins only to accounts that kept the permission. */
const withNotice = <T extends object>(r: T): T & { notice: string } => ({ ...r, notice: RETIRED_COUPONS_NOTICE })

/** Audit target: one input field (already validated by the action). */
const field =
  (name: string, reasonField?: string): AuditOf =>
  (i) => ({
    target: String(i[name] ?? ''),
    ...(reasonField && typeof i[reasonField] === 'string' ? { reason: i[reasonField] as string } : {}),
  })
const fixed =
  (target: string): AuditOf =>
  () => ({ target })

/** merchant.orderList's input: channel, search text (order number, card code, buyer), state, time range (ms), page. */
function orderQuery(i: Input, ctx: ActionContext) {
  const channel = optStr(i, 'channel', { max: 8 })
  if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel))
    throw invalid('channel', `must be one of ${CHANNELS.join(', ')}`)
  const state = optStr(i, 'state', { max: 16, pattern: /^[A-Z_]+$/ })
  // Letters of any script and ·: a buyer's name as the console shows it (顾客·7F3A, 王小波).
  const q = optStr(i, 'q', { max: 64, pattern: /^[\p{L}\p{N}_+/=·-]+$/u })
  // A search by q looks through a window of the newest orders and pages it by offset only.
  if (q !== undefined && i.cursor !== undefined) throw invalid('cursor', 'is not taken with q (a search answers by offset)')
  const filter = {
    channel: channel as Channel | undefined,
    ...(state ? { state } : {}),
    since: optInt(i, 'since', { min: 0 }),
    until: optInt(i, 'until', { min: 0 }),
  }
  return paged(i, ctx, 'orderList', filter, { defaultLimit: 20, offsetMax: 10_000 }, (page) =>
    searchOrders(ctx.store, { ...filter, ...(q ? { q } : {}) }, page),
  )
}

export const main = createHandler('merchant', {
  overview: admin(async (_i, ctx) => m.overview(ctx.store)),
  // A member card is remembered as one (member-cards.ts), never as an untitled gift card.
  // An ordinary coupon's creation answers with the notice that WeChat creates them only for accounts
  // that kept the permission (server/wechat/advice.ts); a refusal (45103) says the same.
  cardCreate: admin(
    async (i, ctx) => {
      const card = asInput(i.card, 'card') as unknown as CardCreateRequest['card']
      const created =
        card.card_type === 'MEMBER_CARD'
          ? await createMemberCard(ctx.store, ctx.wx(), { card })
          : await m.createGiftCard(ctx.store, ctx.wx(), { card })
      return ORDINARY_COUPON_TYPES.has(card.card_type) ? { ...created, notice: RETIRED_COUPONS_NOTICE } : created
    },
    (i, r) => ({ target: String(r.cardId), facts: cardFacts(i.card) }),
  ),
  cardGet: admin(async (i, ctx) => wxResult(ctx.wx().card.get(str(i, 'cardId', CARD_ID)))),
  // An edit WeChat sends back to review (send_check true) clears a refusal: the card is 审核中 again.
  cardUpdate: admin(
    async (i, ctx) => {
      const update = asInput(i.update, 'update') as { card_id: string }
      const r = await wxResult(ctx.wx().card.update(update))
      if (r.send_check === true) await reviewSubmitted(ctx.store, update.card_id)
      return r
    },
    (i) => ({ target: String(asInput(i.update, 'update').card_id ?? '') }),
  ),
  cardList: admin(async (_i, ctx) => m.listGiftCards(ctx.store)),
  cardStock: admin(
    async (i, ctx) => {
      const delta = int(i, 'delta', { min: -100_000_000, max: 100_000_000 })
      return wxResult(
        ctx.wx().card.modifyStock({
          card_id: str(i, 'cardId', CARD_ID),
          ...(delta >= 0 ? { increase_stock_value: delta } : { reduce_stock_value: -delta }),
        }),
      )
    },
    (i) => ({ target: String(i.cardId), reason: `stock ${String(i.delta)}`, facts: { count: Number(i.delta) } }),
  ),
  whitelistSet: admin(
    async (i, ctx) =>
      wxResult(ctx.wx().card.testWhitelistSet(asInput(i.whitelist, 'whitelist') as { openid?: string[]; username?: string[] })),
    fixed('testwhitelist'),
  ),
  qrcodeCreate: admin(
    async (i, ctx) => wxResult(ctx.wx().card.qrcodeCreate(asInput(i.qrcode, 'qrcode') as unknown as QrCodeRequest)),
    (_i, r) => ({ target: String(r.ticket ?? 'qrcode') }),
  ),
  shelfCreate: admin(
    async (i, ctx) =>
      m.createShelf(ctx.store, ctx.wx(), asInput(i.page, 'page') as unknown as GiftCardPage, optStr(i, 'outerStr', { max: 64 })),
    (i, r) => ({ target: String(r.pageId), facts: { kind: 'shelf', title: String(asInput(i.page, 'page').page_title ?? '') } }),
  ),
  shelfGet: admin(async (i, ctx) => m.getShelf(ctx.wx(), str(i, 'pageId', PAGE_ID))),
  shelfUpdate: admin(
    async (i, ctx) => {
      const page = asInput(i.page, 'page')
      str(page, 'page_id', PAGE_ID)
      return m.updateShelf(ctx.store, ctx.wx(), page as unknown as GiftCardPage & { page_id: string })
    },
    (i) => ({
      target: String(asInput(i.page, 'page').page_id),
      facts: { kind: 'shelf', title: String(asInput(i.page, 'page').page_title ?? '') },
    }),
  ),
  shelfList: admin(async (_i, ctx) => m.listShelves(ctx.store, ctx.wx())),
  shelfTakedown: admin(
    async (i, ctx) =>
      m.takedownShelf(ctx.store, ctx.wx(), i.all === true ? { all: true } : { pageId: str(i, 'pageId', PAGE_ID) }, i.maintain !== false),
    (i) => ({ target: i.all === true ? 'all' : String(i.pageId) }),
  ),
  shelfLink: admin(async (i) => ({ link: m.shelfLink(str(i, 'pageId', PAGE_ID), optStr(i, 'outerStr', { max: 64 })) })),
  // Filters (q, state, since, until) added by the console (#15); without them, the plain newest-first list.
  orderList: admin(async (i, ctx) => {
    const page = await orderQuery(i, ctx)
    return { ...page, orders: await named(ctx.store, page.orders, 'buyer') }
  }),
  orderGet: admin(async (i, ctx) => m.getShelfOrder(ctx.store, str(i, 'orderId', ORDER_ID))),
  orderRefund: admin(
    async (i, ctx) =>
      refundOrder(
        ctx.store,
        ctx.wx(),
        cloudPayGateway,
        str(i, 'orderId', ORDER_ID),
        optStr(i, 'reason', { max: 64 }) ?? '商户退款',
        syncOptions(),
      ),
    (i, r) => ({ ...field('orderId', 'reason')(i, r), facts: typeof r.refundFee === 'number' ? { amount: r.refundFee } : {} }),
  ),
  orderReconcile: admin(
    async (i, ctx) => m.reconcileShelfOrders(ctx.store, ctx.wx(), int(i, 'beginTime', { min: 0 }), int(i, 'endTime', { min: 0 })),
    (i) => ({ target: `${String(i.beginTime)}-${String(i.endTime)}` }),
  ),
  cardAdjust: admin(
    async (i, ctx) =>
      m.adjustBalance(
        ctx.store,
        ctx.wx(),
        {
          cardId: str(i, 'cardId', CARD_ID),
          code: str(i, 'code', CODE),
          amount: int(i, 'amount', { min: -100_000_000, max: 100_000_000 }),
          key: str(i, 'key', { max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }),
          reason: str(i, 'reason', { max: 14 }),
        },
        syncOptions(),
      ),
    (i) => ({
      target: `${String(i.cardId)}:${String(i.code)}`,
      reason: `${String(i.amount)} fen: ${String(i.reason)}`,
      facts: { amount: Number(i.amount) },
    }),
  ),
  invoiceSet: admin(
    async (i, ctx) =>
      m.setInvoice(ctx.wx(), {
        paymch: i.paymch as { mchid: string; s_pappid: string } | undefined,
        authField: i.authField as object | undefined,
      }),
    fixed('invoice'),
  ),
  invoiceGet: admin(async (_i, ctx) => m.getInvoice(ctx.wx())),
  // gift-card-api §8.1.1 sends sub_mch_id (the sub-merchant number).
  payWhitelistAdd: admin(async (i, ctx) => wxResult(ctx.wx().giftCardPay.whitelistAdd(str(i, 'subMchId', { max: 20 }))), field('subMchId')),
  // Pictures must be on WeChat's CDN before a card or shelf names them (gift-card-api §6.1).
  // `{name, contentBase64}` (the console's names) or `{filename?, imageBase64}` (the first ones): one upload.
  // The limit is the picture's: 1 MB of bytes (UPLOADIMG_MAX_BYTES), checked decoded here so the merchant
  // reads it in the picture's terms; its base64 (4/3 as long) only has to fit the call (6 MB).
  imageUpload: admin(
    async (i, ctx) => {
      const content = i.contentBase64 !== undefined ? 'contentBase64' : 'imageBase64'
      const bytes = Buffer.from(str(i, content, { max: 6 * 1024 * 1024, pattern: /^[A-Za-z0-9+/]+=*$/ }), 'base64')
      if (bytes.length > UPLOADIMG_MAX_BYTES)
        throw invalid(content, `must be a picture of at most 1 MB (WeChat's uploadimg limit), got ${bytes.length} bytes`)
      return wxResult(
        ctx
          .wx()
          .media.uploadImg(
            bytes,
            optStr(i, i.name !== undefined ? 'name' : 'filename', { max: 64, pattern: /^[A-Za-z0-9._-]+$/ }) ?? 'image',
          ),
      )
    },
    (_i, r) => ({ target: 'image', facts: { image: String(r.url) } }),
  ),
  submchBind: admin(
    async (i, ctx) =>
      wxResult(
        ctx.wx().giftCardPay.submchBind({ sub_mch_id: str(i, 'subMchId', { max: 20 }), wxa_appid: str(i, 'wxaAppid', { max: 32 }) }),
      ),
    field('subMchId'),
  ),
  wxaSet: admin(
    async (i, ctx) =>
      wxResult(ctx.wx().giftCardPay.wxaSet({ wxa_appid: str(i, 'wxaAppid', { max: 32 }), page_id: str(i, 'pageId', PAGE_ID) })),
    field('pageId'),
  ),
  // ---------- roles and the audit log ----------
  /** Anyone may ask: the merchant pages use it to show a plain "no access" page to consumers. */
  whoami: async (_i, ctx) => ({ role: await roleOf(ctx.store, ctx.caller.openid), owner: isOwner(ctx.caller.openid) }),
  staffList: admin(async (_i, ctx) => listStaff(ctx.store)),
  // `openid` from the CLI, `personId` (a staffList row's) from the console; the answer names nobody.
  staffSet: admin(
    async (i, ctx) => {
      if (i.role !== null && !(MERCHANT_ROLES as readonly unknown[]).includes(i.role))
        throw invalid('role', `must be one of ${MERCHANT_ROLES.join(', ')} or null`)
      const openid = i.personId !== undefined ? await staffOpenidOf(ctx.store, str(i, 'personId', PERSON_ID)) : str(i, 'openid', OPENID)
      i.openid = openid // for the audit entry, which keeps it and names the person when read
      return setStaff(ctx.store, ctx.caller.openid!, openid, i.role as MerchantRole | null)
    },
    (i) => ({
      target: String(i.openid),
      reason: `role ${String(i.role)}`,
      facts: { person: String(i.openid), role: i.role as string | null },
    }),
  ),
  // Issue 28: staff join by scanning an invite an owner makes here (invites.ts); card.staffAccept takes it.
  staffInvite: async (i, ctx) => {
    const owner = requireOwner(ctx.caller.openid, 'merchant.staffInvite')
    if (!(MERCHANT_ROLES as readonly unknown[]).includes(i.role)) throw invalid('role', `must be one of ${MERCHANT_ROLES.join(', ')}`)
    const invite = await createInvite(ctx.store, owner, i.role as MerchantRole)
    await recordAudit(ctx.store, { openid: owner, action: 'staffInvite', target: invite.inviteId, facts: { role: invite.role } })
    return { inviteId: invite.inviteId, expiresAt: invite.expiresAt, qr: invite.qr }
  },
  // ---------- #14 coupons ----------
  couponList: admin(async (_i, ctx) => listCoupons(ctx.store)),
  claimableSet: admin(
    async (i, ctx) => {
      if (typeof i.claimable !== 'boolean') throw invalid('claimable', 'must be true or false')
      return setClaimable(ctx.store, str(i, 'cardId', CARD_ID), i.claimable, optStr(i, 'channel', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }))
    },
    (i) => ({
      target: String(i.cardId),
      reason: `claimable ${String(i.claimable)}${typeof i.channel === 'string' ? ` via ${i.channel}` : ''}`,
    }),
  ),
  // Each claim names its person (cards/people.ts), never by openid.
  claimList: admin(async (i, ctx) => {
    const cardId = optStr(i, 'cardId', CARD_ID)
    const page = await paged(i, ctx, 'claimList', { cardId }, { defaultLimit: 20 }, (p) => listClaims(ctx.store, cardId, p))
    const nameOf = await namesOf(
      ctx.store,
      page.claims.map((c) => c.openid),
    )
    // A claim's id is `<openid>:<requestId>`: answered with the person's handle in place of the openid.
    return {
      ...page,
      claims: page.claims.map(({ openid, claimId, ...c }) => ({
        ...c,
        claimId: `${personIdOf(openid)}:${claimId.slice(openid.length + 1)}`,
        person: nameOf(openid),
      })),
    }
  }),
  // Counter redemption (核销): staff and admins. The audit entry says who (the caller), where (location)
  // and when (its time), and what was redeemed.
  redeemCheck: counter(async (i, ctx) => ({
    check: await redeemCheck(ctx.store, ctx.wx(), str(i, 'code', CODE), optStr(i, 'cardId', CARD_ID)),
  })),
  redeem: counter(
    async (i, ctx) => {
      optStr(i, 'location', { max: 32 })
      return redeem(
        ctx.store,
        ctx.wx(),
        ctx.caller.openid!,
        {
          code: str(i, 'code', CODE),
          cardId: optStr(i, 'cardId', CARD_ID),
          amount: optInt(i, 'amount', { min: 1, max: 100_000_000 }),
          key: str(i, 'key', { min: 8, max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }),
        },
        syncOptions(),
      )
    },
    (i, r) => ({
      target: `${String(r.cardId)}:${String(r.code)}`,
      reason: `${String(r.type)}${r.amount !== undefined ? ` ${String(r.amount)} fen` : ''}${typeof i.location === 'string' ? ` @ ${i.location}` : ''} key ${String(i.key)}`,
      facts: {
        ...(typeof r.amount === 'number' ? { amount: r.amount } : {}),
        ...(typeof i.location === 'string' && i.location ? { location: i.location } : {}),
      },
    }),
  ),
  // Friend coupons' coin account (friend-coupons.zh.txt 配置库存、充值券点).
  coins: admin(async (_i, ctx) => coinAccount(ctx.wx())),
  coinsActivate: admin(async (_i, ctx) => withNotice(await activateCoins(ctx.wx())), fixed('coins')),
  coinsPrice: admin(
    async (i, ctx) =>
      withNotice(
        await priceStock(ctx.store, ctx.wx(), ctx.caller.openid!, str(i, 'cardId', CARD_ID), int(i, 'quantity', { min: 1, max: 100_000 })),
      ),
    (i, r) => ({
      target: String(i.cardId),
      reason: `quote ${String(r.orderId)}: ${String(i.quantity)} for ${String(r.price)} coins`,
      facts: { count: Number(i.quantity) },
    }),
  ),
  coinsConfirm: admin(
    async (i, ctx) =>
      withNotice(
        await confirmStock(
          ctx.store,
          ctx.wx(),
          str(i, 'cardId', CARD_ID),
          str(i, 'orderId', { max: 256, pattern: /^[A-Za-z0-9_+/=*-]+$/ }),
          int(i, 'quantity', { min: 1, max: 100_000 }),
        ),
      ),
    (i) => ({
      target: String(i.cardId),
      reason: `stock +${String(i.quantity)} (${String(i.orderId)})`,
      facts: { count: Number(i.quantity) },
    }),
  ),
  coinsRecharge: admin(
    async (i, ctx) => withNotice(await rechargeCoins(ctx.wx(), int(i, 'coinCount', { min: 1, max: 100_000_000 }))),
    (i, r) => ({ target: String(r.orderId), reason: 'recharge', facts: { count: Number(i.coinCount) } }),
  ),
  // WeChat pages coin orders by offset and count (≤ 50): a cursor carries both, in the first page's window.
  coinsOrders: admin(async (i, ctx) => {
    const count = optInt(i, 'count', { min: 1, max: 50 }) ?? 20
    const sinceMs = optInt(i, 'since', { min: 0 })
    const untilMs = optInt(i, 'until', { min: 1 })
    const sec = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000))
    return paged(i, ctx, 'coinsOrders', { since: sinceMs, until: untilMs }, { defaultLimit: count, offsetMax: 100_000 }, (page) =>
      coinOrders(
        ctx.wx(),
        page.after ? { ...coinPageOf(page.after), count } : { offset: page.skip ?? 0, count, since: sec(sinceMs), until: sec(untilMs) },
      ),
    )
  }),
  coinsOrder: admin(async (i, ctx) => coinOrder(ctx.wx(), str(i, 'orderId', { max: 256, pattern: /^[A-Za-z0-9_+/=*-]+$/ }))),
  // The data cube: the days' claims and redemptions for the dashboard (≤ 62 days, YYYY-MM-DD).
  cardStats: admin(async (i, ctx) =>
    cardStats(ctx.wx(), {
      beginDate: optStr(i, 'beginDate', { max: 10 }),
      endDate: optStr(i, 'endDate', { max: 10 }),
      cardId: optStr(i, 'cardId', CARD_ID),
    }),
  ),
  // Sentences about titles and amounts, people by name (audit-sentences.ts).
  auditList: admin(async (i, ctx) =>
    paged(i, ctx, 'auditList', {}, { defaultLimit: 20, offsetMax: 100_000 }, (page) => auditPage(ctx.store, page)),
  ),
  // ---------- the console (#15): dashboard, order search and detail, cards in circulation ----------
  dashboard: admin(async (i, ctx) => dashboard(ctx.store, ctx.wx(), int(i, 'days', { min: 1, max: 366 }))),
  orderDetail: admin(async (i, ctx) => {
    const detail = await orderDetail(ctx.store, str(i, 'orderId', ORDER_ID))
    const [order] = await named(ctx.store, [detail.order], 'buyer')
    return { ...detail, order: order! }
  }),
  cardLookup: admin(async (i, ctx) => {
    const { cards } = await lookupCode(ctx.store, ctx.wx(), str(i, 'code', CODE), optStr(i, 'cardId', CARD_ID))
    // Each card's ledger beyond its newest 50 entries: cardHistory with this cursor. The holder by name.
    return {
      cards: (await named(ctx.store, cards, 'holder')).map(({ next, ...c }) => ({
        ...c,
        ...firstPageCursor(ctx, 'cardHistory', { cardId: c.cardId, code: c.code }, next),
      })),
    }
  }),
  cardHistory: admin(async (i, ctx) => {
    const cardId = str(i, 'cardId', CARD_ID)
    const code = str(i, 'code', CODE)
    return paged(i, ctx, 'cardHistory', { cardId, code }, { defaultLimit: 50 }, (page) => cardHistory(ctx.store, cardId, code, page))
  }),
  cardFreeze: admin(
    async (i, ctx) => freezeCard(ctx.store, ctx.wx(), str(i, 'cardId', CARD_ID), str(i, 'code', CODE), str(i, 'reason', { max: 64 })),
    (i) => ({ target: `${String(i.cardId)}:${String(i.code)}`, reason: String(i.reason) }),
  ),
  ledgerList: admin(async (i, ctx) => {
    const since = int(i, 'since', { min: 0 })
    return paged(i, ctx, 'ledgerList', { since }, { defaultLimit: 100, offsetMax: 1_000_000 }, (page) =>
      ledgerSince(ctx.store, since, page),
    )
  }),
  cardOffSale: admin(async (i, ctx) => takeOffSale(ctx.store, str(i, 'cardId', CARD_ID)), field('cardId')),
  // ---------- the environment's self-check (#23): owners only, since it names what is misconfigured ----------
  selfCheck: async (_i, ctx) => {
    requireOwner(ctx.caller.openid, 'merchant.selfCheck')
    return selfCheck({ store: ctx.store, wx: ctx.wx, env: process.env, self: 'merchant', ping: pingFunction })
  },
  // ---------- member cards (#13): member-actions.ts ----------
  ...memberActions(admin),
})
