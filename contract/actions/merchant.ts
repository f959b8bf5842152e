// The merchant function's actions (docs/functions-api.md, merchant): the merchant's admins and, for the
// counter actions, its staff; also `npm run merchant` and the console pages.
import * as v from 'valibot'
import type { AuditView } from '../audit-view'
import type { RedeemCheck } from '../card-view'
import type { CirculatingCard, CoinAccount, CouponRow, Dashboard, OrderDetail, PayGiftRuleView, ReviewStatus } from '../console'
import type { OrderRow } from '../merchant-orders'
import type { ActivationField } from '../member'
import type { MemberLevelInput } from '../member-levels'
import { defineActions } from './define'
import { entry } from './views'
import { body, bool, CARD_ID, CODE, ID, int, list, NONE, offset, PAGE, str, typed } from './fields'

// Ids are checked before they reach WeChat or the store: an id WeChat would refuse is our 1001, not its errcode.
const PAGE_ID = str({ max: 128, pattern: /^[A-Za-z0-9_+/=-]+$/ })
const ORDER_ID = str({ max: 64, pattern: /^[A-Za-z0-9_+/=-]+$/ })
/** A 券点 order id as WeChat gives it. */
const COIN_ORDER_ID = str({ max: 256, pattern: /^[A-Za-z0-9_+/=*-]+$/ })
/** An idempotency key a page or the CLI makes for one change. */
const KEY = str({ max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ })
/** A Mini Program openid: 28 characters of URL-safe base64, as every openid WeChat hands out is (a typo or "1" is refused, not granted a role). */
const OPENID = str({ max: 28, pattern: /^[A-Za-z0-9_-]{28}$/ })
/** A person as the console refers to one (server/domain/cards/people.ts personIdOf): never an openid. */
const PERSON_ID = str({ max: 17, pattern: /^P[0-9A-F]{16}$/ })
const SUB_MCH_ID = str({ max: 20 })
const WXA_APPID = str({ max: 32 })
/** ± fen or stock: a single change moves at most 1,000,000 yuan. */
const DELTA = int({ min: -100_000_000, max: 100_000_000 })
/** A member adjustment: non-zero, within ±100,000,000 (points or fen). */
const MEMBER_DELTA = v.optional(
  v.nullable(
    v.pipe(
      v.number('must be a non-zero integer within ±100000000'),
      v.check((n) => Number.isInteger(n) && n !== 0 && Math.abs(n) <= 100_000_000, 'must be a non-zero integer within ±100000000'),
    ),
  ),
)
const RULE_ID = v.pipe(
  v.number('must be a positive integer (the rule_id WeChat gave)'),
  v.check((n) => Number.isInteger(n) && n > 0, 'must be a positive integer (the rule_id WeChat gave)'),
)
export const CHANNELS = ['mp', 'checkout', 'shelf'] as const
export const MERCHANT_ROLES = ['admin', 'staff'] as const
export type MerchantRole = (typeof MERCHANT_ROLES)[number]

/** WeChat's answer, without its errcode/errmsg (ours wrap it). */
const wx = typed<Record<string, unknown>>()
/** An answer the console reads as a whole (its shape: the domain module named beside the action). */
const answer = typed<object>()
const page = { ...PAGE }
const levels = v.optional(list(typed<MemberLevelInput>(), { message: 'must be a list' }))
const activationFields = v.optional(list(typed<ActivationField>(), { message: 'must be a list' }))
/** Where WeChat's review of a card the merchant created stands (server/domain/catalog/review.ts), in each list of them. */
const review = {
  /** PENDING (also for a card recorded before reviews were kept), APPROVED or REJECTED */
  reviewStatus: typed<ReviewStatus>(),
  /** WeChat's RefuseReason (card_not_pass_check) while the card stays REJECTED */
  reviewReason: v.optional(v.string()),
}

export const merchant = defineActions('merchant', {
  overview: { input: NONE, answer: v.object({ cards: v.number(), shelves: v.number(), orders: v.number() }) },
  cardCreate: {
    input: v.object({ card: body<Record<string, unknown>>() }),
    answer: v.object({ cardId: v.string(), notice: v.optional(v.string()) }),
  },
  cardGet: { input: v.object({ cardId: CARD_ID }), answer: wx },
  cardUpdate: { input: v.object({ update: v.looseObject({ card_id: CARD_ID }, 'must be a JSON object') }), answer: wx },
  cardList: {
    input: NONE,
    answer: v.object({
      cards: v.array(
        v.object({
          cardId: v.string(),
          title: v.string(),
          price: v.number(),
          initBalance: v.optional(v.number()),
          onSale: v.boolean(),
          ...review,
          backgroundPicUrl: v.optional(v.string()),
          endTime: v.optional(v.number()),
          /** base_info.notice, description, service_phone as last created or updated: the edit form starts from them */
          notice: v.optional(v.string()),
          description: v.optional(v.string()),
          servicePhone: v.optional(v.string()),
        }),
      ),
    }),
  },
  /** `delta` ≠ 0: more (> 0) or less (< 0) stock; a reduction past the stock left is 1001 `delta`, reason STOCK_TOO_LOW, with `stock`. */
  cardStock: {
    input: v.object({
      delta: v.pipe(
        DELTA,
        v.check((n) => n !== 0, 'must not be 0'),
      ),
      cardId: CARD_ID,
    }),
    answer: wx,
  },
  whitelistSet: { input: v.object({ whitelist: body<{ openid?: string[]; username?: string[] }>() }), answer: wx },
  qrcodeCreate: {
    input: v.object({ qrcode: body<Record<string, unknown>>() }),
    answer: v.looseObject({ ticket: v.string(), url: v.string(), show_qrcode_url: v.optional(v.string()) }),
  },
  shelfCreate: {
    input: v.object({ page: body<Record<string, unknown>>(), outerStr: v.optional(str({ max: 64 })) }),
    answer: v.object({ pageId: v.string(), link: v.string() }),
  },
  shelfGet: { input: v.object({ pageId: PAGE_ID }), answer: v.object({ page: typed<Record<string, unknown>>(), link: v.string() }) },
  shelfUpdate: {
    input: v.object({ page: v.looseObject({ page_id: PAGE_ID }, 'must be a JSON object') }),
    answer: v.object({ pageId: v.string(), link: v.string() }),
  },
  shelfList: {
    input: NONE,
    answer: v.object({ shelves: v.array(v.object({ pageId: v.string(), title: v.string(), link: v.string(), maintain: v.boolean() })) }),
  },
  /** `pageId`, or `all: true`; `maintain: false` puts it back. */
  shelfTakedown: {
    input: v.object({ all: v.optional(bool()), pageId: v.optional(PAGE_ID), maintain: v.optional(bool()) }),
    answer: v.looseObject({ maintain: v.boolean() }),
  },
  shelfLink: { input: v.object({ pageId: PAGE_ID, outerStr: v.optional(str({ max: 64 })) }), answer: v.object({ link: v.string() }) },
  /** Every channel's orders, newest first; filters added by the console (#15). */
  orderList: {
    input: v.object({
      channel: v.optional(
        v.pipe(
          str({ max: 8 }),
          v.check((c) => (CHANNELS as readonly string[]).includes(c), `must be one of ${CHANNELS.join(', ')}`),
        ),
      ),
      state: v.optional(str({ max: 16, pattern: /^[A-Z_]+$/ })),
      // An order number, card code or openid; or letters of any script and ·: a buyer's name as the console shows it (顾客·7F3A, 王小波).
      q: v.optional(str({ max: 64, pattern: /^[\p{L}\p{N}_+/=·-]+$/u })),
      since: v.optional(int({ min: 0 })),
      until: v.optional(int({ min: 0 })),
      ...page,
      offset: offset(10_000),
    }),
    answer: v.object({ orders: v.array(typed<OrderRow>()), total: v.number(), nextCursor: v.optional(v.string()) }),
  },
  orderGet: { input: v.object({ orderId: ORDER_ID }), answer: answer },
  orderRefund: {
    input: v.object({ orderId: ORDER_ID, reason: v.optional(str({ max: 64 })) }),
    answer: v.object({
      orderId: v.string(),
      status: v.picklist(['REFUNDING', 'REFUNDED']),
      channel: v.string(),
      refundFee: v.optional(v.number()),
      refundNo: v.optional(v.string()),
    }),
  },
  orderReconcile: { input: v.object({ beginTime: int({ min: 0 }), endTime: int({ min: 0 }) }), answer: answer },
  cardAdjust: {
    input: v.object({ cardId: CARD_ID, code: CODE, amount: DELTA, key: KEY, reason: str({ max: 14 }) }),
    answer: v.object({ balance: v.number(), entryId: v.string() }),
  },
  invoiceSet: {
    input: v.object({
      paymch: v.optional(body<{ mchid: string; s_pappid: string }>()),
      authField: v.optional(body<Record<string, unknown>>()),
    }),
    answer: answer,
  },
  invoiceGet: { input: NONE, answer: answer },
  // gift-card-api §8.1.1 sends sub_mch_id (the sub-merchant number).
  payWhitelistAdd: { input: v.object({ subMchId: SUB_MCH_ID }), answer: wx },
  /**
   * `{name, contentBase64}` (the console's names) or `{filename?, imageBase64}` (the first ones): one upload.
   * `contentUrl` instead of either: the picture marked with wx.cloud.CDN, which reaches the function as the
   * temporary CDN's URL (the function downloads it); the Mini Program sends this, a call's data being
   * limited to about 100 KB.
   */
  imageUpload: {
    input: v.object({
      contentBase64: v.optional(str({ max: 6 * 1024 * 1024, pattern: /^[A-Za-z0-9+/]+=*$/ })),
      imageBase64: v.optional(str({ max: 6 * 1024 * 1024, pattern: /^[A-Za-z0-9+/]+=*$/ })),
      contentUrl: v.optional(str({ max: 2048 })),
      name: v.optional(str({ max: 64, pattern: /^[A-Za-z0-9._-]+$/ })),
      filename: v.optional(str({ max: 64, pattern: /^[A-Za-z0-9._-]+$/ })),
    }),
    answer: v.object({ url: v.string() }),
  },
  submchBind: { input: v.object({ subMchId: SUB_MCH_ID, wxaAppid: WXA_APPID }), answer: wx },
  wxaSet: { input: v.object({ wxaAppid: WXA_APPID, pageId: PAGE_ID }), answer: wx },
  // ---------- roles and the audit log ----------
  /** Anyone may ask: the merchant pages use it to show a plain "no access" page to consumers. */
  whoami: { input: NONE, answer: v.object({ role: v.nullable(v.picklist(MERCHANT_ROLES)), owner: v.boolean() }) },
  staffList: {
    input: NONE,
    answer: v.object({
      staff: v.array(
        v.object({
          /** the handle staffSet takes */
          personId: v.string(),
          /** the person by name (people.ts), never an openid */
          name: v.string(),
          role: v.picklist(MERCHANT_ROLES),
          owner: v.boolean(),
          grantedBy: v.optional(v.string()),
          grantedAt: v.optional(v.number()),
        }),
      ),
    }),
  },
  /** `openid` (the CLI) or `personId` (a staffList row's, the console): exactly one. The answer names nobody. */
  staffSet: {
    input: v.object({
      openid: v.optional(OPENID),
      personId: v.optional(PERSON_ID),
      role: v.nullable(v.picklist(MERCHANT_ROLES, `must be one of ${MERCHANT_ROLES.join(', ')} or null`)),
    }),
    answer: v.object({ role: v.nullable(v.picklist(MERCHANT_ROLES)), changed: v.boolean() }),
  },
  /** Owners only (issue 28): an invite to join with `role`, taken with card.staffAccept. */
  staffInvite: {
    input: v.object({ role: v.picklist(MERCHANT_ROLES, `must be one of ${MERCHANT_ROLES.join(', ')}`) }),
    answer: v.object({
      inviteId: v.string(),
      expiresAt: v.number(),
      qr: v.string(),
      /** the invite's Mini Program code (wxacode.getUnlimited) as a data URL */
      wxacode: v.optional(v.string()),
      /** why there is no `wxacode`: WeChat's errCode and errMsg */
      wxacodeError: v.optional(v.string()),
    }),
  },
  auditList: {
    input: v.object({ ...page, offset: offset(100_000) }),
    answer: v.object({
      entries: v.array(typed<AuditView>()),
      total: v.number(),
      nextCursor: v.optional(v.string()),
    }),
  },
  /** Owners only: it names what is misconfigured (#23). */
  selfCheck: { input: NONE, answer: answer },
  // ---------- #14 coupons ----------
  couponList: { input: NONE, answer: v.object({ coupons: v.array(typed<CouponRow>()) }) },
  claimableSet: {
    input: v.object({ claimable: bool(), cardId: CARD_ID, channel: v.optional(str({ max: 64, pattern: ID })) }),
    answer: v.object({ cardId: v.string(), claimable: v.boolean(), channel: v.string() }),
  },
  claimList: {
    input: v.object({ cardId: v.optional(CARD_ID), ...page }),
    answer: v.object({
      claims: v.array(
        v.object({
          /** `<personId>:<requestId>` */
          claimId: v.string(),
          cardId: v.string(),
          /** the person by name (people.ts), never an openid */
          person: v.string(),
          channel: v.string(),
          status: v.string(),
          code: v.optional(v.string()),
          createdAt: v.number(),
        }),
      ),
      total: v.number(),
      nextCursor: v.optional(v.string()),
    }),
  },
  // Counter redemption (核销): staff and admins.
  redeemCheck: { input: v.object({ code: CODE, cardId: v.optional(CARD_ID) }), answer: v.object({ check: typed<RedeemCheck>() }) },
  redeem: {
    input: v.object({
      location: v.optional(str({ max: 32 })),
      code: CODE,
      cardId: v.optional(CARD_ID),
      amount: v.optional(int({ min: 1, max: 100_000_000 })),
      key: str({ min: 8, max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }),
    }),
    answer: v.object({
      key: v.string(),
      cardId: v.string(),
      code: v.string(),
      type: v.string(),
      status: v.string(),
      at: v.number(),
      by: v.string(),
      amount: v.optional(v.number()),
      balance: v.optional(v.number()),
    }),
  },
  // Friend coupons' coin account (friend-coupons.zh.txt 配置库存、充值券点).
  coins: { input: NONE, answer: typed<CoinAccount>() },
  coinsActivate: { input: NONE, answer: typed<CoinAccount & { reward: number; notice: string }>() },
  /** A quote (card/pay/getpayprice: its coin amounts are strings). */
  coinsPrice: {
    input: v.object({ cardId: CARD_ID, quantity: int({ min: 1, max: 100_000 }) }),
    answer: v.object({
      orderId: v.string(),
      price: v.string(),
      freeCoin: v.string(),
      payCoin: v.string(),
      expiresAt: v.number(),
      notice: v.string(),
    }),
  },
  coinsConfirm: {
    input: v.object({ cardId: CARD_ID, orderId: COIN_ORDER_ID, quantity: int({ min: 1, max: 100_000 }) }),
    answer: v.looseObject({ orderId: v.string(), quantity: v.number(), status: v.string(), notice: v.string() }),
  },
  coinsRecharge: {
    input: v.object({ coinCount: int({ min: 1, max: 100_000_000 }) }),
    answer: v.object({ orderId: v.string(), qrcodeUrl: v.string(), notice: v.string() }),
  },
  // WeChat pages coin orders by offset and count (≤ 50): a cursor carries both, in the first page's window.
  coinsOrders: {
    input: v.object({
      count: v.optional(int({ min: 1, max: 50 })),
      since: v.optional(int({ min: 0 })),
      until: v.optional(int({ min: 1 })),
      ...page,
      offset: offset(100_000),
    }),
    answer: answer,
  },
  coinsOrder: { input: v.object({ orderId: COIN_ORDER_ID }), answer: answer },
  // The data cube: the days' claims and redemptions for the dashboard (≤ 62 days, YYYY-MM-DD).
  cardStats: {
    input: v.object({ beginDate: v.optional(str({ max: 10 })), endDate: v.optional(str({ max: 10 })), cardId: v.optional(CARD_ID) }),
    answer: answer,
  },
  // ---------- the console (#15) ----------
  dashboard: { input: v.object({ days: int({ min: 1, max: 366 }) }), answer: typed<Dashboard>() },
  orderDetail: { input: v.object({ orderId: ORDER_ID }), answer: typed<OrderDetail>() },
  cardLookup: {
    input: v.object({ code: CODE, cardId: v.optional(CARD_ID) }),
    answer: v.object({ cards: v.array(typed<CirculatingCard>()) }),
  },
  cardHistory: {
    input: v.object({ cardId: CARD_ID, code: CODE, ...page }),
    answer: v.object({ entries: v.array(entry), total: v.number(), nextCursor: v.optional(v.string()) }),
  },
  cardFreeze: {
    input: v.object({ cardId: CARD_ID, code: CODE, reason: str({ max: 64 }) }),
    answer: v.object({ cardId: v.string(), code: v.string(), status: v.string(), changed: v.boolean() }),
  },
  ledgerList: { input: v.object({ since: int({ min: 0 }), ...page, offset: offset(1_000_000) }), answer: answer },
  cardOffSale: { input: v.object({ cardId: CARD_ID }), answer: v.object({ cardId: v.string(), onSale: v.boolean() }) },
  // ---------- member cards (#13) ----------
  memberCardCreate: {
    input: v.object({ card: body<Record<string, unknown>>(), levels, activationFields }),
    answer: v.object({ cardId: v.string() }),
  },
  memberCardUpdate: {
    input: v.object({
      cardId: CARD_ID,
      update: v.optional(body<Record<string, unknown>>()),
      levels,
      activationFields,
      offered: v.optional(bool()),
    }),
    answer: answer,
  },
  memberCardList: {
    input: NONE,
    answer: v.object({
      cards: v.array(
        v.object({
          cardId: v.string(),
          title: v.string(),
          ...review,
        }),
      ),
    }),
  },
  /** card/membercard/activateuserform/set: the fields of WeChat's own form (wx_activate cards). */
  memberFormSet: { input: v.object({ form: body<Record<string, unknown>>(), cardId: CARD_ID }), answer: v.object({ cardId: v.string() }) },
  /** By `phone` or `code`: exactly one. */
  memberFind: {
    input: v.object({
      phone: v.optional(str({ max: 11, pattern: /^1\d{10}$/ })),
      code: v.optional(CODE),
      cardId: v.optional(CARD_ID),
    }),
    answer: answer,
  },
  memberList: { input: v.object({ cardId: v.optional(CARD_ID), ...page, offset: offset(100_000) }), answer: answer },
  memberAdjust: {
    input: v.object({
      cardId: CARD_ID,
      code: CODE,
      bonusDelta: MEMBER_DELTA,
      balanceDelta: MEMBER_DELTA,
      key: KEY,
      reason: str({ max: 14 }),
    }),
    answer: answer,
  },
  memberSetLevel: { input: v.object({ level: v.nullable(str({ max: 4 })), cardId: CARD_ID, code: CODE }), answer: answer },
  // ---------- pay-then-member rules (member-card-management §8.4) ----------
  payGiftRuleAdd: {
    input: v.object({ rule: body<Record<string, unknown>>() }),
    answer: v.object({
      ruleId: v.number(),
      succMchidList: v.array(v.string()),
      failMchidList: v.array(typed<{ mchid: string; errcode?: number; occupy_rule_id?: number }>()),
    }),
  },
  payGiftRuleDelete: { input: v.object({ ruleId: RULE_ID }), answer: v.object({ ruleId: v.number() }) },
  payGiftRuleGet: { input: v.object({ ruleId: RULE_ID }), answer: answer },
  payGiftRuleList: {
    input: v.object({
      effective: v.optional(bool()),
      offset: v.optional(int({ min: 0, max: 10_000 })),
      count: v.optional(int({ min: 1, max: 100 })),
    }),
    answer: v.object({ rules: v.array(typed<PayGiftRuleView>()), total: v.number() }),
  },
})
