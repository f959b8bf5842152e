// merchant: merchant operations for the merchant's admins (MERCHANT_ADMIN_OPENIDS and those granted
// by merchant.staffSet) and, for the counter actions, its staff. The same actions serve the
// `npm run merchant` CLI and the merchant pages of the Mini Program. Every action that changes something
// writes one audit entry (server/domain/merchant/audit.ts).
import * as m from '../../server/domain/merchant/operations'
import { refundOrder, type Channel } from '../../server/domain/merchant/orders'
import { invalid } from '../../server/errors'
import { cloudPayGateway } from '../../server/platform/cloud-pay'
import { createHandler, type ActionContext } from '../../server/platform/handler'
import { admin, counter } from './roles'
import { cardBody, wechatBody } from './bodies'
import { firstPageCursor, paged } from './paged'
import { syncOptions } from '../../server/platform/settings'
import { merchant } from '../../contract/actions/merchant'
import type { Valid } from '../../contract/actions/define'
import { recordAudit, type AuditFacts } from '../../server/domain/merchant/audit'
import { auditPage, cardFacts } from '../../server/domain/merchant/audit-sentences'
import { named, namesOf, personIdOf } from '../../server/domain/cards/people'
import { createInvite, inviteCode } from '../../server/domain/merchant/invites'
import { wxacodeGetUnlimited } from '../../server/platform/wx-cloud'
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
import { isOwner, listStaff, requireOwner, roleOf, setStaff, staffOpenidOf } from '../../server/domain/merchant/staff'
import { selfCheck } from '../../server/domain/merchant/self-check'
import { pingFunction } from '../../server/platform/ping'
import type { QrCodeRequest } from '../../server/wechat/card'
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
import { reviewSubmitted } from '../../server/domain/events/card-review'
import { ORDINARY_COUPON_TYPES, RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import { UPLOADIMG_MAX_BYTES } from '../../server/wechat/media'
import { CdnDownloadError, downloadCdn } from '../../server/platform/cdn-download'
import type { GiftCardPage } from '../../server/wechat/giftcard-page'
import { memberActions } from './member-actions'
import { createMemberCard } from '../../server/domain/catalog/member-cards'

/** How long imageUpload waits for a contentUrl's picture (the function itself has 20 s: cloudbaserc.json). */
const CDN_DOWNLOAD_TIMEOUT_MS = 5000

/** WeChat's reply without its own errcode/errmsg (ours wrap it). */
async function wxResult<T extends object>(p: Promise<T>): Promise<Omit<T, 'errcode' | 'errmsg'> & Record<string, unknown>> {
  const { errcode, errmsg, ...rest }: T & { errcode?: unknown; errmsg?: unknown } = await p
  void errcode
  void errmsg
  return rest
}

/** A 券点 purchase's answer, with the notice that WeChat sells coins only to accounts that kept the permission. */
const withNotice = <T extends object>(r: T): T & { notice: string } => ({ ...r, notice: RETIRED_COUPONS_NOTICE })

const fixed = (target: string) => (): { target: string } => ({ target })
/** A shelf page's audit facts: its title, for the log's sentence (audit-sentences.ts). */
const shelfFacts = (page: Record<string, unknown>): AuditFacts => ({ kind: 'shelf', title: String(page.page_title ?? '') })

/** merchant.orderList's input: channel, search text (order number, card code, buyer), state, time range (ms), page. */
function orderQuery(i: Valid<typeof merchant.orderList>, ctx: ActionContext) {
  const { channel, state, q } = i
  // A search by q looks through a window of the newest orders and pages it by offset only.
  if (q !== undefined && i.cursor !== undefined) throw invalid('cursor', 'is not taken with q (a search answers by offset)')
  const filter = {
    channel: channel as Channel | undefined,
    ...(state ? { state } : {}),
    since: i.since,
    until: i.until,
  }
  return paged(i, ctx, 'orderList', filter, { defaultLimit: 20 }, (page) =>
    searchOrders(ctx.store, { ...filter, ...(q ? { q } : {}) }, page),
  )
}

export const main = createHandler('merchant', merchant, {
  overview: admin(async (_i, ctx) => m.overview(ctx.store)),
  // A member card is remembered as one (member-cards.ts), never as an untitled gift card.
  // An ordinary coupon's creation answers with the notice that WeChat creates them only for accounts
  // that kept the permission (server/wechat/advice.ts); a refusal (45103) says the same.
  cardCreate: admin(
    async (i, ctx) => {
      const card = cardBody(i.card)
      const created =
        card.card_type === 'MEMBER_CARD'
          ? await createMemberCard(ctx.store, ctx.wx(), { card })
          : await m.createGiftCard(ctx.store, ctx.wx(), { card })
      return ORDINARY_COUPON_TYPES.has(card.card_type) ? { ...created, notice: RETIRED_COUPONS_NOTICE } : created
    },
    (i, r) => ({ target: String(r.cardId), facts: cardFacts(i.card) }),
  ),
  cardGet: admin(async (i, ctx) => wxResult(ctx.wx().card.get(i.cardId))),
  // An edit WeChat sends back to review (send_check true) clears a refusal: the card is 审核中 again.
  cardUpdate: admin(
    async (i, ctx) => {
      const r = await wxResult(ctx.wx().card.update(i.update))
      await m.recordCardTexts(ctx.store, i.update)
      if (r.send_check === true) await reviewSubmitted(ctx.store, i.update.card_id)
      return r
    },
    (i) => ({ target: i.update.card_id }),
  ),
  cardList: admin(async (_i, ctx) => m.listGiftCards(ctx.store)),
  cardStock: admin(
    async (i, ctx) => wxResult(m.changeStock(ctx.wx(), i.cardId, i.delta)),
    (i) => ({ target: String(i.cardId), reason: `stock ${String(i.delta)}`, facts: { count: i.delta } }),
  ),
  whitelistSet: admin(async (i, ctx) => wxResult(ctx.wx().card.testWhitelistSet(i.whitelist)), fixed('testwhitelist')),
  qrcodeCreate: admin(
    async (i, ctx) => wxResult(ctx.wx().card.qrcodeCreate(wechatBody<QrCodeRequest>(i.qrcode))),
    (_i, r) => ({ target: String(r.ticket ?? 'qrcode') }),
  ),
  shelfCreate: admin(
    async (i, ctx) => m.createShelf(ctx.store, ctx.wx(), wechatBody<GiftCardPage>(i.page), i.outerStr),
    (i, r) => ({ target: String(r.pageId), facts: shelfFacts(i.page) }),
  ),
  shelfGet: admin(async (i, ctx) => m.getShelf(ctx.wx(), i.pageId)),
  shelfUpdate: admin(
    async (i, ctx) => m.updateShelf(ctx.store, ctx.wx(), { ...wechatBody<GiftCardPage>(i.page), page_id: i.page.page_id }),
    (i) => ({ target: i.page.page_id, facts: shelfFacts(i.page) }),
  ),
  shelfList: admin(async (_i, ctx) => m.listShelves(ctx.store, ctx.wx())),
  shelfTakedown: admin(
    async (i, ctx) =>
      m.takedownShelf(ctx.store, ctx.wx(), i.all === true ? { all: true } : { pageId: required(i.pageId, 'pageId') }, i.maintain !== false),
    (i) => ({ target: i.all === true ? 'all' : String(i.pageId) }),
  ),
  shelfLink: admin(async (i) => ({ link: m.shelfLink(i.pageId, i.outerStr) })),
  // Filters (q, state, since, until) added by the console (#15); without them, the plain newest-first list.
  orderList: admin(async (i, ctx) => {
    const page = await orderQuery(i, ctx)
    return { ...page, orders: await named(ctx.store, page.orders, 'buyer') }
  }),
  orderGet: admin(async (i, ctx) => m.getShelfOrder(ctx.store, i.orderId)),
  orderRefund: admin(
    async (i, ctx) => refundOrder(ctx.store, ctx.wx(), cloudPayGateway, i.orderId, i.reason ?? '商户退款', syncOptions()),
    (i, r) => ({
      target: i.orderId,
      ...(i.reason ? { reason: i.reason } : {}),
      facts: r.refundFee !== undefined ? { amount: r.refundFee } : {},
    }),
  ),
  orderReconcile: admin(
    async (i, ctx) => m.reconcileShelfOrders(ctx.store, ctx.wx(), i.beginTime, i.endTime),
    (i) => ({ target: `${String(i.beginTime)}-${String(i.endTime)}` }),
  ),
  cardAdjust: admin(
    async (i, ctx) => m.adjustBalance(ctx.store, ctx.wx(), i, syncOptions()),
    (i) => ({
      target: `${String(i.cardId)}:${String(i.code)}`,
      reason: `${String(i.amount)} fen: ${String(i.reason)}`,
      facts: { amount: i.amount },
    }),
  ),
  invoiceSet: admin(async (i, ctx) => m.setInvoice(ctx.wx(), { paymch: i.paymch, authField: i.authField }), fixed('invoice')),
  invoiceGet: admin(async (_i, ctx) => m.getInvoice(ctx.wx())),
  // gift-card-api §8.1.1 sends sub_mch_id (the sub-merchant number).
  payWhitelistAdd: admin(
    async (i, ctx) => wxResult(ctx.wx().giftCardPay.whitelistAdd(i.subMchId)),
    (i) => ({ target: i.subMchId }),
  ),
  // Pictures must be on WeChat's CDN before a card or shelf names them (gift-card-api §6.1).
  // `{name, contentBase64}` (the console's names) or `{filename?, imageBase64}` (the first ones): one upload.
  // `contentUrl` instead: the picture the Mini Program marked with wx.cloud.CDN (a call's data is limited
  // to about 100 KB, a picture is up to 1 MB), which arrives as the temporary CDN's URL; it is downloaded
  // here (cdn-download.ts: https, or the local stack's loopback CDN, and every redirect held to the same),
  // within 5 s and refused past 1 MB as it is read. The limit is the picture's: 1 MB of bytes
  // (UPLOADIMG_MAX_BYTES), checked decoded here so the merchant reads it in the picture's terms; base64
  // (4/3 as long) only has to fit the call.
  imageUpload: admin(
    async (i, ctx) => {
      const given = (['contentBase64', 'imageBase64', 'contentUrl'] as const).filter((f) => i[f] !== undefined)
      if (given.length === 0) throw invalid('contentBase64', 'or imageBase64 or contentUrl: give the picture')
      if (given.length > 1)
        throw invalid(given[1]!, `cannot come with ${given[0]}: give exactly one of contentBase64, imageBase64, contentUrl`)
      const content = given[0]!
      const tooLarge = (got: string) => invalid(content, `must be a picture of at most 1 MB (WeChat's uploadimg limit), got ${got}`)
      let bytes: Uint8Array
      if (content === 'contentUrl') {
        try {
          bytes = await downloadCdn(i.contentUrl!, { maxBytes: UPLOADIMG_MAX_BYTES, timeoutMs: CDN_DOWNLOAD_TIMEOUT_MS })
        } catch (err) {
          if (!(err instanceof CdnDownloadError)) throw err
          if (err.tooLarge)
            throw tooLarge(err.tooLarge.bytes !== undefined ? `${err.tooLarge.bytes} bytes` : `more than ${UPLOADIMG_MAX_BYTES} bytes`)
          throw invalid(content, err.rule)
        }
      } else {
        bytes = Buffer.from(required(i[content], content), 'base64')
        if (bytes.length > UPLOADIMG_MAX_BYTES) throw tooLarge(`${bytes.length} bytes`)
      }
      return wxResult(ctx.wx().media.uploadImg(bytes, i.name ?? i.filename ?? 'image'))
    },
    (_i, r) => ({ target: 'image', facts: { image: String(r.url) } }),
  ),
  submchBind: admin(
    async (i, ctx) => wxResult(ctx.wx().giftCardPay.submchBind({ sub_mch_id: i.subMchId, wxa_appid: i.wxaAppid })),
    (i) => ({ target: i.subMchId }),
  ),
  wxaSet: admin(
    async (i, ctx) => wxResult(ctx.wx().giftCardPay.wxaSet({ wxa_appid: i.wxaAppid, page_id: i.pageId })),
    (i) => ({ target: i.pageId }),
  ),
  // ---------- roles and the audit log ----------
  /** Anyone may ask: the merchant pages use it to show a plain "no access" page to consumers. */
  whoami: async (_i, ctx) => ({ role: await roleOf(ctx.store, ctx.caller.openid), owner: isOwner(ctx.caller.openid) }),
  staffList: admin(async (_i, ctx) => listStaff(ctx.store)),
  // `openid` from the CLI, `personId` (a staffList row's) from the console; the answer names nobody. The
  // audit entry keeps the openid (named when read: audit-sentences.ts), so it is written here, where the
  // openid a personId stands for is known; none when nothing changed, as roles.ts does for the others.
  staffSet: admin(async (i, ctx) => {
    if ((i.openid === undefined) === (i.personId === undefined)) throw invalid('openid', 'or personId: give exactly one')
    const openid = i.personId !== undefined ? await staffOpenidOf(ctx.store, i.personId) : required(i.openid, 'openid')
    const result = await setStaff(ctx.store, ctx.caller.openid!, openid, i.role)
    if (result.changed)
      await recordAudit(ctx.store, {
        openid: ctx.caller.openid!,
        action: 'staffSet',
        target: openid,
        reason: `role ${String(i.role)}`,
        facts: { person: openid, role: i.role },
      })
    return result
  }),
  // Issue 28: staff join by scanning an invite an owner makes here (invites.ts); card.staffAccept takes it.
  staffInvite: async (i, ctx) => {
    const owner = requireOwner(ctx.caller.openid, 'merchant.staffInvite')
    const invite = await createInvite(ctx.store, owner, i.role)
    await recordAudit(ctx.store, { openid: owner, action: 'staffInvite', target: invite.inviteId, facts: { role: invite.role } })
    // The Mini Program code is made after the invite is stored and audited: a refusal costs only the picture.
    return {
      inviteId: invite.inviteId,
      expiresAt: invite.expiresAt,
      qr: invite.qr,
      ...(await inviteCode(invite.inviteId, wxacodeGetUnlimited)),
    }
  },
  // ---------- #14 coupons ----------
  couponList: admin(async (_i, ctx) => listCoupons(ctx.store)),
  claimableSet: admin(
    async (i, ctx) => setClaimable(ctx.store, i.cardId, i.claimable, i.channel),
    (i) => ({
      target: String(i.cardId),
      reason: `claimable ${String(i.claimable)}${i.channel !== undefined ? ` via ${i.channel}` : ''}`,
    }),
  ),
  // Each claim names its person (cards/people.ts), never by openid.
  claimList: admin(async (i, ctx) => {
    const cardId = i.cardId
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
    check: await redeemCheck(ctx.store, ctx.wx(), i.code, i.cardId),
  })),
  redeem: counter(
    async (i, ctx) => {
      const { location, ...input } = i
      void location
      return redeem(ctx.store, ctx.wx(), ctx.caller.openid!, input, syncOptions())
    },
    (i, r) => ({
      target: `${String(r.cardId)}:${String(r.code)}`,
      reason: `${String(r.type)}${r.amount !== undefined ? ` ${String(r.amount)} fen` : ''}${i.location !== undefined ? ` @ ${i.location}` : ''} key ${i.key}`,
      facts: {
        ...(r.amount !== undefined ? { amount: r.amount } : {}),
        ...(i.location ? { location: i.location } : {}),
      },
    }),
  ),
  // Friend coupons' coin account (friend-coupons.zh.txt 配置库存、充值券点).
  coins: admin(async (_i, ctx) => coinAccount(ctx.wx())),
  coinsActivate: admin(async (_i, ctx) => withNotice(await activateCoins(ctx.wx())), fixed('coins')),
  coinsPrice: admin(
    async (i, ctx) => withNotice(await priceStock(ctx.store, ctx.wx(), ctx.caller.openid!, i.cardId, i.quantity)),
    (i, r) => ({
      target: String(i.cardId),
      reason: `quote ${String(r.orderId)}: ${String(i.quantity)} for ${String(r.price)} coins`,
      facts: { count: i.quantity },
    }),
  ),
  coinsConfirm: admin(
    async (i, ctx) => withNotice(await confirmStock(ctx.store, ctx.wx(), i.cardId, i.orderId, i.quantity)),
    (i) => ({ target: String(i.cardId), reason: `stock +${String(i.quantity)} (${String(i.orderId)})`, facts: { count: i.quantity } }),
  ),
  coinsRecharge: admin(
    async (i, ctx) => withNotice(await rechargeCoins(ctx.wx(), i.coinCount)),
    (i, r) => ({ target: String(r.orderId), reason: 'recharge', facts: { count: i.coinCount } }),
  ),
  // WeChat pages coin orders by offset and count (≤ 50): a cursor carries both, in the first page's window.
  coinsOrders: admin(async (i, ctx) => {
    const count = i.count ?? 20
    const sinceMs = i.since
    const untilMs = i.until
    const sec = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000))
    return paged(i, ctx, 'coinsOrders', { since: sinceMs, until: untilMs }, { defaultLimit: count }, (page) =>
      coinOrders(
        ctx.wx(),
        page.after ? { ...coinPageOf(page.after), count } : { offset: page.skip ?? 0, count, since: sec(sinceMs), until: sec(untilMs) },
      ),
    )
  }),
  coinsOrder: admin(async (i, ctx) => coinOrder(ctx.wx(), i.orderId)),
  // The data cube: the days' claims and redemptions for the dashboard (≤ 62 days, YYYY-MM-DD).
  cardStats: admin(async (i, ctx) => cardStats(ctx.wx(), i)),
  // Sentences about titles and amounts, people by name (audit-sentences.ts).
  auditList: admin(async (i, ctx) => paged(i, ctx, 'auditList', {}, { defaultLimit: 20 }, (page) => auditPage(ctx.store, page))),
  // ---------- the console (#15): dashboard, order search and detail, cards in circulation ----------
  dashboard: admin(async (i, ctx) => dashboard(ctx.store, ctx.wx(), i.days)),
  orderDetail: admin(async (i, ctx) => {
    const detail = await orderDetail(ctx.store, i.orderId)
    const [order] = await named(ctx.store, [detail.order], 'buyer')
    return { ...detail, order: order! }
  }),
  cardLookup: admin(async (i, ctx) => {
    const { cards } = await lookupCode(ctx.store, ctx.wx(), i.code, i.cardId)
    // Each card's ledger beyond its newest 50 entries: cardHistory with this cursor. The holder by name.
    return {
      cards: (await named(ctx.store, cards, 'holder')).map(({ next, ...c }) => ({
        ...c,
        ...firstPageCursor(ctx, 'cardHistory', { cardId: c.cardId, code: c.code }, next),
      })),
    }
  }),
  cardHistory: admin(async (i, ctx) => {
    const { cardId, code } = i
    return paged(i, ctx, 'cardHistory', { cardId, code }, { defaultLimit: 50 }, (page) => cardHistory(ctx.store, cardId, code, page))
  }),
  cardFreeze: admin(
    async (i, ctx) => freezeCard(ctx.store, ctx.wx(), i.cardId, i.code, i.reason),
    (i) => ({ target: `${i.cardId}:${i.code}`, reason: i.reason }),
  ),
  ledgerList: admin(async (i, ctx) => {
    const since = i.since
    return paged(i, ctx, 'ledgerList', { since }, { defaultLimit: 100 }, (page) => ledgerSince(ctx.store, since, page))
  }),
  cardOffSale: admin(
    async (i, ctx) => takeOffSale(ctx.store, i.cardId),
    (i) => ({ target: i.cardId }),
  ),
  // ---------- the environment's self-check (#23): owners only, since it names what is misconfigured ----------
  selfCheck: async (_i, ctx) => {
    requireOwner(ctx.caller.openid, 'merchant.selfCheck')
    return selfCheck({ store: ctx.store, wx: ctx.wx, env: process.env, self: 'merchant', ping: pingFunction })
  },
  // ---------- member cards (#13): member-actions.ts ----------
  ...memberActions,
})

/** An optional field the action needs after all (the other of a pair was not given): 1001 naming it. */
function required(value: string | undefined, name: string): string {
  if (value === undefined) throw invalid(name, 'must be a non-empty string')
  return value
}
