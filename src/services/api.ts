// Typed calls to the cloud functions, one per action of docs/functions-api.md.
import type { ShelfOrderView } from '../../contract/shelf-order'
import { callFunction } from './cloud'
import { takeAddFailed, type AddedCard, type CardToAdd, type Payment } from './wx'
import type { Card, CardInfo, Claimable, Entry, Gift, MerchantOverview, PendingOrder, RedeemCheck, Share, ShopItem, WhoAmI } from './types'

/** The flag a signing action carries after an add that failed, so the server signs with a fresh ticket. */
const renew = (): { renewTicket?: true } => (takeAddFailed() ? { renewTicket: true } : {})

export const cardApi = {
  whoami: () => callFunction<WhoAmI>('card', 'whoami'),
  /** The first page (with `pending`), or with `cursor` the page after it (cards alone). */
  listMine: (cursor?: string) =>
    callFunction<{ cards: Card[]; pending?: PendingOrder[]; nextCursor?: string }>('card', 'listMine', cursor ? { cursor } : {}),
  detail: (cardId: string, code: string) =>
    callFunction<{ card: Card; history: Entry[]; total?: number; info?: CardInfo }>('card', 'detail', { cardId, code }),
  history: (cardId: string, code: string, offset: number, limit = 20) =>
    callFunction<{ entries: Entry[]; total: number }>('card', 'history', { cardId, code, offset, limit }),
  shop: () => callFunction<{ items: ShopItem[] }>('card', 'shop'),
  signCardExt: (orderId: string) => callFunction<{ cardList: CardToAdd[] }>('card', 'signCardExt', { orderId, ...renew() }),
  recordAdded: (cardList: AddedCard[]) =>
    callFunction<{ cards: Card[] }>('card', 'recordAdded', {
      cardList: cardList.map((c) => ({
        cardId: c.cardId,
        code: c.code,
        isSuccess: c.isSuccess,
        ...(c.cardExt ? { cardExt: c.cardExt } : {}),
      })),
    }),
  /** On opening: codes of ours in the card bag that the server does not know are found and settled (issue 25 §5). */
  readBag: () => callFunction<{ read: number }>('card', 'readBag'),
  decryptCode: (cardId: string, encryptCode: string) => callFunction<{ card: Card }>('card', 'decryptCode', { cardId, encryptCode }),
  spend: (input: { cardId: string; code: string; amount: number; orderId: string; description?: string }) =>
    callFunction<{ balance: number; entryId: string }>('card', 'spend', input),
  /** The hosted-shelf order a shelf cell opened (order_id and openid from the jump). */
  /** #14: free coupons offered on the claim page, and claiming one (signed for the caller). */
  claimables: () => callFunction<{ items: Claimable[] }>('card', 'claimables'),
  claim: (cardId: string, requestId: string) => callFunction<{ cardList: CardToAdd[] }>('card', 'claim', { cardId, requestId, ...renew() }),
  shelfOrder: (orderId: string, openid?: string) =>
    callFunction<{ order: ShelfOrderView }>('card', 'shelfOrder', { orderId, ...(openid ? { openid } : {}) }),
}

export type { ShelfOrderView } from '../../contract/shelf-order'

export interface OrderView {
  orderId: string
  status: 'CREATED' | 'PAID' | 'ISSUED' | 'REFUNDING' | 'REFUND_FAILED' | 'REFUNDED' | 'CANCELLED' | 'REFUND_NEEDED'
  totalFee: number
  /** fen a coupon took off */
  discount?: number
  cards: { cardId: string; code?: string; added: boolean }[]
}

export const payApi = {
  createOrder: (input: { requestId: string; cardId: string; quantity?: number; backgroundPicUrl?: string; message?: string }) =>
    callFunction<{ orderId: string; status: OrderView['status']; payment?: Payment }>('pay', 'createOrder', input),
  getOrder: (orderId: string) => callFunction<{ order: OrderView }>('pay', 'getOrder', { orderId }),
  startCheckout: (input: {
    checkoutId: string
    cardId?: string
    code?: string
    coupon?: { cardId: string; code: string }
    total: number
    description?: string
  }) =>
    callFunction<{ orderId: string; payment: Payment; balance?: number; rest: number; discount: number }>('pay', 'startCheckout', input),
  cancelCheckout: (checkoutId: string) => callFunction<{ status: string; balance?: number }>('pay', 'cancelCheckout', { checkoutId }),
  /** Where a checkout stands (a page reloaded during the WeChat Pay sheet): the payment again while it can be paid. */
  checkoutStatus: (checkoutId: string) =>
    callFunction<{
      status: 'CREATED' | 'PAID' | 'CANCELLED' | 'REFUND_NEEDED'
      held: number
      expiresAt: number
      rest: number
      discount?: number
      total?: number
      payment?: Payment
    }>('pay', 'checkoutStatus', { checkoutId }),
}

export const giftApi = {
  send: (input: { orderId: string; message?: string; face?: string; from?: string }) =>
    callFunction<{ giftId: string; gift: Gift; share: Share }>('gift', 'send', input),
  get: (giftId: string) => callFunction<{ gift: Gift; share?: Share }>('gift', 'get', { giftId }),
  claim: (giftId: string) => callFunction<{ giftId: string; cardList: CardToAdd[] }>('gift', 'claim', { giftId, ...renew() }),
  listSent: () => callFunction<{ gifts: Gift[] }>('gift', 'listSent'),
  listReceived: () => callFunction<{ gifts: Gift[] }>('gift', 'listReceived'),
}

/** merchant.orderList's rows: every channel's orders, newest first. */
export interface ShelfOrderRow {
  orderId: string
  channel: 'mp' | 'checkout' | 'shelf'
  state: string
  totalPrice: number
  cards: { cardId: string; code?: string; price: number }[]
}

export const merchantApi = {
  overview: () => callFunction<MerchantOverview>('merchant', 'overview'),
  cards: () =>
    callFunction<{ cards: { cardId: string; title: string; price: number; onSale: boolean; reviewStatus: string }[] }>(
      'merchant',
      'cardList',
    ),
  shelves: () => callFunction<{ shelves: { pageId: string; title: string; link: string; maintain: boolean }[] }>('merchant', 'shelfList'),
  orders: () => callFunction<{ orders: ShelfOrderRow[]; total: number }>('merchant', 'orderList'),
  refund: (orderId: string) => callFunction<{ status: 'REFUNDING' | 'REFUNDED' }>('merchant', 'orderRefund', { orderId }),
  /** #14 counter redemption (staff and admins). */
  redeemCheck: (code: string) => callFunction<{ check: RedeemCheck }>('merchant', 'redeemCheck', { code }),
  redeem: (input: { code: string; cardId?: string; amount?: number; key: string }) =>
    callFunction<{ status: string; type: string; balance?: number }>('merchant', 'redeem', input),
}

// ---------- member cards (#13) ----------
export type { MemberCardView, OfferedMemberCard, PointsEntryView, RechargeStatus } from '../../contract/member'

export const memberApi = {
  offered: () => callFunction<{ cards: import('../../contract/member').OfferedMemberCard[] }>('member', 'offered'),
  mine: () => callFunction<{ members: import('../../contract/member').MemberCardView[] }>('member', 'mine'),
  join: (cardId: string) => callFunction<{ cardList: CardToAdd[] }>('member', 'join', { cardId, ...renew() }),
  activate: (input: { cardId: string; code: string; phone: string; name?: string; birthday?: string }) =>
    callFunction<{ membershipNumber: string }>('member', 'activate', input),
  recharge: (input: { cardId: string; code: string; amount: number; requestId: string }) =>
    callFunction<{ orderId: string; status: import('../../contract/member').RechargeStatus; payment?: Payment }>(
      'member',
      'recharge',
      input,
    ),
  getRecharge: (orderId: string) =>
    callFunction<{ recharge: { orderId: string; status: import('../../contract/member').RechargeStatus; amount: number } }>(
      'member',
      'getRecharge',
      { orderId },
    ),
  history: (cardId: string, code: string) =>
    callFunction<{ points: import('../../contract/member').PointsEntryView[]; balance: Entry[] }>('member', 'history', { cardId, code }),
}
