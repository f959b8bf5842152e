// The merchant function's actions the console pages call (docs/functions-api.md, merchant), each by its
// name in the contract (contract/actions/merchant.ts): the answers are the contract's. Amounts are fen.
import type { Answer, ActionNamed } from '../../contract/actions'
import { stockIn } from '../../contract/card-rules'
import type { Channel, OrderRow } from '../../contract/merchant-orders'
import { call } from '../services/cloud'
import type { PickedContent } from '../services/image'

export type Role = 'admin' | 'staff' | null
export type { Channel, OrderRow }
// A ledger line as card.history shows it to the consumer: the console shows the same lines.
export type { Entry } from '../services/types'
export type { CirculatingCard, CoinAccount, CouponRow, Dashboard, OrderDetail } from '../../contract/console'

export type GiftCardRow = Answer<ActionNamed<'merchant.cardList'>>['cards'][number]
export type ShelfRow = Answer<ActionNamed<'merchant.shelfList'>>['shelves'][number]
/** An audit entry as the console reads it: a sentence, the person by name, a picture to show (issue 28). */
export type AuditEntry = Answer<ActionNamed<'merchant.auditList'>>['entries'][number]
/** A person on the staff list: by name, and the handle staffSet takes (never an openid). */
export type StaffMember = Answer<ActionNamed<'merchant.staffList'>>['staff'][number]

export interface OrderFilter {
  q?: string
  state?: string
  channel?: Channel
  since?: number
  until?: number
}

export const consoleApi = {
  whoami: () => call('merchant.whoami'),
  dashboard: (days: number) => call('merchant.dashboard', { days }),
  cards: () => call('merchant.cardList'),
  cardCreate: (card: Record<string, unknown>) => call('merchant.cardCreate', { card }),
  cardUpdate: (update: { card_id: string } & Record<string, unknown>) => call('merchant.cardUpdate', { update }),
  cardStock: (cardId: string, delta: number) => call('merchant.cardStock', { cardId, delta }),
  /** The stock WeChat holds for the card now (merchant.cardGet: one card/get), undefined when its answer has none. */
  stockLeft: async (cardId: string) => stockIn((await call('merchant.cardGet', { cardId })).card as Record<string, unknown> | undefined),
  cardOffSale: (cardId: string) => call('merchant.cardOffSale', { cardId }),
  qrcode: (cardId: string) =>
    call('merchant.qrcodeCreate', { qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } } }),
  // A marked contentUrl is a wx.cloud.CDN marker, which WeChat's client (or the H5 preview's bridge)
  // replaces by the temporary CDN's URL before the function sees it: the contract's string.
  imageUpload: (name: string, content: PickedContent) =>
    call(
      'merchant.imageUpload',
      'contentUrl' in content
        ? { name, contentUrl: content.contentUrl as unknown as string }
        : { name, contentBase64: content.contentBase64 },
    ),
  shelves: () => call('merchant.shelfList'),
  shelfGet: (pageId: string) => call('merchant.shelfGet', { pageId }),
  shelfCreate: (page: Record<string, unknown>) => call('merchant.shelfCreate', { page }),
  shelfUpdate: (page: { page_id: string } & Record<string, unknown>) => call('merchant.shelfUpdate', { page }),
  shelfTakedown: (pageId: string, maintain: boolean) => call('merchant.shelfTakedown', { pageId, maintain }),
  /** A page of the orders matching `f`: the first, or the one `cursor` (a nextCursor) names. */
  orders: (f: OrderFilter, cursor?: string) => call('merchant.orderList', { ...f, limit: 20, ...(cursor ? { cursor } : {}) }),
  orderDetail: (orderId: string) => call('merchant.orderDetail', { orderId }),
  refund: (orderId: string, reason: string) => call('merchant.orderRefund', { orderId, reason }),
  lookup: (code: string) => call('merchant.cardLookup', { code }),
  cardHistory: (cardId: string, code: string, cursor: string) => call('merchant.cardHistory', { cardId, code, cursor }),
  freeze: (cardId: string, code: string, reason: string) => call('merchant.cardFreeze', { cardId, code, reason }),
  adjust: (cardId: string, code: string, amount: number, reason: string, key: string) =>
    call('merchant.cardAdjust', { cardId, code, amount, reason, key }),
  staff: () => call('merchant.staffList'),
  staffSet: (personId: string, role: 'admin' | 'staff' | null) => call('merchant.staffSet', { personId, role }),
  /** The person who opened an invite's QR code joins the staff (card.staffAccept: any caller, not yet staff). */
  staffAccept: (inviteId: string) => call('card.staffAccept', { inviteId }),
  /** An invite (owners): `qr` is the Mini Program path the QR code carries. */
  staffInvite: (role: 'admin' | 'staff') => call('merchant.staffInvite', { role }),
  couponCreate: (card: Record<string, unknown>) => call('merchant.cardCreate', { card }),
  coupons: () => call('merchant.couponList'),
  claimableSet: (cardId: string, claimable: boolean) => call('merchant.claimableSet', { cardId, claimable }),
  memberCardCreate: (input: Input<'merchant.memberCardCreate'>) => call('merchant.memberCardCreate', input),
  memberCards: () => call('merchant.memberCardList'),
  payGiftRules: () => call('merchant.payGiftRuleList', { effective: true }),
  payGiftRuleAdd: (rule: Record<string, unknown>) => call('merchant.payGiftRuleAdd', { rule }),
  payGiftRuleDelete: (ruleId: number) => call('merchant.payGiftRuleDelete', { ruleId }),
  coins: () => call('merchant.coins'),
  coinsActivate: () => call('merchant.coinsActivate'),
  coinsPrice: (cardId: string, quantity: number) => call('merchant.coinsPrice', { cardId, quantity }),
  coinsConfirm: (cardId: string, orderId: string, quantity: number) => call('merchant.coinsConfirm', { cardId, orderId, quantity }),
  coinsRecharge: (coinCount: number) => call('merchant.coinsRecharge', { coinCount }),
  audit: (cursor?: string) => call('merchant.auditList', { limit: 20, ...(cursor ? { cursor } : {}) }),
}

type Input<N extends Parameters<typeof call>[0]> = import('../../contract/actions').Input<ActionNamed<N>>

/** An idempotency key for one merchant action the page starts (kept across retries of that action). */
export const newKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
