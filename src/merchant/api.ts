// The merchant function's actions the console pages call (docs/functions-api.md, merchant). Amounts are fen.
import { callFunction } from '../services/cloud'

export type Role = 'admin' | 'staff' | null
import type { Channel, OrderRow } from '../../contract/merchant-orders'
import type { AuditView } from '../../contract/audit-view'
export type { Channel, OrderRow }
// A ledger line as card.history shows it to the consumer: the console shows the same lines.
import type { Entry } from '../services/types'
import type { CouponTerms } from '../../contract/card-rules'
export type { Entry }

export interface Dashboard {
  days: number
  sales: { date: string; channel: Channel; amount: number; orders: number }[]
  redeemed: number
  liability: number
  liveCards: number
  claimed: number
  members: number
  cube: boolean
  /** #28: fen of member recharges credited in the window, less the recharge refunds asked for in it */
  rechargeSales?: number
  /** #28: the sales above plus rechargeSales */
  salesWithRecharges?: number
}

export interface GiftCardRow {
  cardId: string
  title: string
  price: number
  initBalance?: number
  onSale: boolean
  reviewStatus: string
  /** WeChat's reason when the review refused the card (card_not_pass_check) */
  reviewReason?: string
  backgroundPicUrl?: string
  endTime?: number
}

export interface ShelfRow {
  pageId: string
  title: string
  link: string
  maintain: boolean
}

export interface OrderDetail {
  order: OrderRow & { refundReason?: string }
  cards: { cardId: string; code: string; title: string; status: string; balance: number; entries: Entry[] }[]
}

export interface CirculatingCard {
  cardId: string
  code: string
  title: string
  status: string
  balance: number
  holder: string
  orderId: string
  synced: boolean
  endTime: number
  entries: Entry[]
  total: number
  /** the ledger goes on beyond `entries`: consoleApi.cardHistory with this */
  nextCursor?: string
  wechat: { status?: string; canConsume?: boolean; error?: number | string }
}

export interface OrderFilter {
  q?: string
  state?: string
  channel?: Channel
  since?: number
  until?: number
}

/** An audit entry as the console reads it: a sentence, the person by name, a picture to show (issue 28). */
export type AuditEntry = AuditView

/** A person on the staff list: by name, and the handle staffSet takes (never an openid). */
export interface StaffMember {
  personId: string
  name: string
  role: 'admin' | 'staff'
  owner: boolean
  grantedBy?: string
  grantedAt?: number
}

export interface CouponRow {
  cardId: string
  type: string
  title: string
  terms: CouponTerms
  friend: boolean
  claimable: boolean
  endTime: number
}

export interface CoinAccount {
  freeCoin: number
  payCoin: number
  totalCoin: number
}

const m = <T>(action: string, fields: Record<string, unknown> = {}) => callFunction<T>('merchant', action, fields)

export const consoleApi = {
  whoami: () => m<{ role: Role; owner?: boolean }>('whoami'),
  dashboard: (days: number) => m<Dashboard>('dashboard', { days }),
  cards: () => m<{ cards: GiftCardRow[] }>('cardList'),
  cardCreate: (card: unknown) => m<{ cardId: string }>('cardCreate', { card }),
  cardUpdate: (update: Record<string, unknown>) => m<Record<string, unknown>>('cardUpdate', { update }),
  cardStock: (cardId: string, delta: number) => m<Record<string, unknown>>('cardStock', { cardId, delta }),
  cardOffSale: (cardId: string) => m<{ onSale: boolean }>('cardOffSale', { cardId }),
  qrcode: (cardId: string) =>
    m<{ url: string; show_qrcode_url?: string }>('qrcodeCreate', {
      qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } },
    }),
  imageUpload: (name: string, contentBase64: string) => m<{ url: string }>('imageUpload', { name, contentBase64 }),
  shelves: () => m<{ shelves: ShelfRow[] }>('shelfList'),
  shelfGet: (pageId: string) => m<{ page: Record<string, unknown>; link: string }>('shelfGet', { pageId }),
  shelfCreate: (page: Record<string, unknown>) => m<{ pageId: string; link: string }>('shelfCreate', { page }),
  shelfUpdate: (page: Record<string, unknown>) => m<{ pageId: string; link: string }>('shelfUpdate', { page }),
  shelfTakedown: (pageId: string, maintain: boolean) => m<{ maintain: boolean }>('shelfTakedown', { pageId, maintain }),
  /** A page of the orders matching `f`: the first, or the one `cursor` (a nextCursor) names. */
  orders: (f: OrderFilter, cursor?: string) =>
    m<{ orders: OrderRow[]; total: number; nextCursor?: string }>('orderList', { ...f, limit: 20, ...(cursor ? { cursor } : {}) }),
  orderDetail: (orderId: string) => m<OrderDetail>('orderDetail', { orderId }),
  refund: (orderId: string, reason: string) =>
    m<{ status: 'REFUNDING' | 'REFUNDED'; refundFee?: number; refundNo?: string }>('orderRefund', { orderId, reason }),
  lookup: (code: string) => m<{ cards: CirculatingCard[] }>('cardLookup', { code }),
  cardHistory: (cardId: string, code: string, cursor: string) =>
    m<{ entries: Entry[]; total: number; nextCursor?: string }>('cardHistory', { cardId, code, cursor }),
  freeze: (cardId: string, code: string, reason: string) => m<{ status: string }>('cardFreeze', { cardId, code, reason }),
  adjust: (cardId: string, code: string, amount: number, reason: string, key: string) =>
    m<{ balance: number }>('cardAdjust', { cardId, code, amount, reason, key }),
  staff: () => m<{ staff: StaffMember[] }>('staffList'),
  staffSet: (personId: string, role: 'admin' | 'staff' | null) => m<{ changed: boolean }>('staffSet', { personId, role }),
  /** The person who opened an invite's QR code joins the staff (card.staffAccept: any caller, not yet staff). */
  staffAccept: (inviteId: string) => callFunction<{ role: 'admin' | 'staff' }>('card', 'staffAccept', { inviteId }),
  /** An invite (owners): `qr` is the Mini Program path the QR code carries. */
  staffInvite: (role: 'admin' | 'staff') => m<{ inviteId: string; expiresAt: number; qr: string }>('staffInvite', { role }),
  couponCreate: (card: unknown) => m<{ cardId: string; notice?: string }>('cardCreate', { card }),
  coupons: () => m<{ coupons: CouponRow[] }>('couponList'),
  claimableSet: (cardId: string, claimable: boolean) => m<{ cardId: string; claimable: boolean }>('claimableSet', { cardId, claimable }),
  memberCardCreate: (input: { card: unknown; levels: { name: string; minBonus: number }[]; activationFields: string[] }) =>
    m<{ cardId: string }>('memberCardCreate', input),
  memberCards: () => m<{ cards: { cardId: string; title: string }[] }>('memberCardList'),
  payGiftRules: () =>
    m<{
      rules: {
        base_info: { mchid_list: string[]; begin_time: number; end_time: number }
        member_rule: { card_id: string; least_cost: number; max_cost: number }
      }[]
      total: number
    }>('payGiftRuleList', { effective: true }),
  payGiftRuleAdd: (rule: unknown) =>
    m<{ ruleId: number; succMchidList: string[]; failMchidList: { mchid: string }[] }>('payGiftRuleAdd', { rule }),
  payGiftRuleDelete: (ruleId: number) => m<{ ruleId: number }>('payGiftRuleDelete', { ruleId }),
  coins: () => m<CoinAccount>('coins'),
  coinsActivate: () => m<CoinAccount & { reward: number; notice: string }>('coinsActivate'),
  coinsPrice: (cardId: string, quantity: number) =>
    m<{ orderId: string; price: string; freeCoin: number; payCoin: number; expiresAt: number; notice: string }>('coinsPrice', {
      cardId,
      quantity,
    }),
  coinsConfirm: (cardId: string, orderId: string, quantity: number) =>
    m<{ orderId: string; quantity: number; status: string; notice: string }>('coinsConfirm', { cardId, orderId, quantity }),
  coinsRecharge: (coinCount: number) => m<{ orderId: string; qrcodeUrl: string; notice: string }>('coinsRecharge', { coinCount }),
  audit: (cursor?: string) =>
    m<{ entries: AuditEntry[]; total: number; nextCursor?: string }>('auditList', { limit: 20, ...(cursor ? { cursor } : {}) }),
}

/** An idempotency key for one merchant action the page starts (kept across retries of that action). */
export const newKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
