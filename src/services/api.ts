// Calls to the cloud functions, one per action of docs/functions-api.md: each by its name in the contract
// (contract/actions/), so its answer is the contract's, never a type the caller picks.
import type { ActionNamed, Input } from '../../contract/actions'
import { call } from './cloud'
import { takeAddFailed, type AddedCard } from './wx'

/** The flag a signing action carries after an add that failed, so the server signs with a fresh ticket. */
const renew = (): { renewTicket?: true } => (takeAddFailed() ? { renewTicket: true } : {})

export const cardApi = {
  whoami: () => call('card.whoami'),
  /** The first page (with `pending`), or with `cursor` the page after it (cards alone). */
  listMine: (cursor?: string) => call('card.listMine', cursor ? { cursor } : {}),
  detail: (cardId: string, code: string) => call('card.detail', { cardId, code }),
  history: (cardId: string, code: string, offset: number, limit = 20) => call('card.history', { cardId, code, offset, limit }),
  shop: () => call('card.shop'),
  signCardExt: (orderId: string) => call('card.signCardExt', { orderId, ...renew() }),
  recordAdded: (cardList: AddedCard[]) =>
    call('card.recordAdded', {
      cardList: cardList.map((c) => ({
        cardId: c.cardId,
        code: c.code,
        isSuccess: c.isSuccess,
        ...(c.cardExt ? { cardExt: c.cardExt } : {}),
      })),
    }),
  /** On opening: codes of ours in the card bag that the server does not know are found and settled (issue 25 §5). */
  readBag: () => call('card.readBag'),
  decryptCode: (cardId: string, encryptCode: string) => call('card.decryptCode', { cardId, encryptCode }),
  /** `orderedAt`: when the person pressed pay (ms), the same on every retry of the orderId (docs/functions-api.md). */
  spend: (input: Input<ActionNamed<'card.spend'>>) => call('card.spend', input),
  /** #14: free coupons offered on the claim page, and claiming one (signed for the caller). */
  claimables: () => call('card.claimables'),
  claim: (cardId: string, requestId: string) => call('card.claim', { cardId, requestId, ...renew() }),
  /** The hosted-shelf order a shelf cell opened (order_id and openid from the jump). */
  shelfOrder: (orderId: string, openid?: string) => call('card.shelfOrder', { orderId, ...(openid ? { openid } : {}) }),
}

export type { ShelfOrderView } from '../../contract/shelf-order'
export type { OrderView } from '../../contract/actions/pay'

export const payApi = {
  createOrder: (input: Input<ActionNamed<'pay.createOrder'>>) => call('pay.createOrder', input),
  getOrder: (orderId: string) => call('pay.getOrder', { orderId }),
  startCheckout: (input: Input<ActionNamed<'pay.startCheckout'>>) => call('pay.startCheckout', input),
  cancelCheckout: (checkoutId: string) => call('pay.cancelCheckout', { checkoutId }),
  /** Where a checkout stands (a page reloaded during the WeChat Pay sheet): the payment again while it can be paid. */
  checkoutStatus: (checkoutId: string) => call('pay.checkoutStatus', { checkoutId }),
}

export const giftApi = {
  send: (input: Input<ActionNamed<'gift.send'>>) => call('gift.send', input),
  get: (giftId: string) => call('gift.get', { giftId }),
  claim: (giftId: string) => call('gift.claim', { giftId, ...renew() }),
  listSent: () => call('gift.listSent'),
  listReceived: () => call('gift.listReceived'),
}

/** merchant.orderList's rows: every channel's orders, newest first. */
export type { OrderRow as ShelfOrderRow } from '../../contract/merchant-orders'

export const merchantApi = {
  overview: () => call('merchant.overview'),
  cards: () => call('merchant.cardList'),
  shelves: () => call('merchant.shelfList'),
  orders: () => call('merchant.orderList'),
  refund: (orderId: string) => call('merchant.orderRefund', { orderId }),
  /** #14 counter redemption (staff and admins). */
  redeemCheck: (code: string) => call('merchant.redeemCheck', { code }),
  redeem: (input: Input<ActionNamed<'merchant.redeem'>>) => call('merchant.redeem', input),
}

// ---------- member cards (#13) ----------
export type { MemberCardView, OfferedMemberCard, PointsEntryView, RechargeStatus } from '../../contract/member'

export const memberApi = {
  offered: () => call('member.offered'),
  mine: () => call('member.mine'),
  join: (cardId: string) => call('member.join', { cardId, ...renew() }),
  activate: (input: Input<ActionNamed<'member.activate'>>) => call('member.activate', input),
  recharge: (input: Input<ActionNamed<'member.recharge'>>) => call('member.recharge', input),
  getRecharge: (orderId: string) => call('member.getRecharge', { orderId }),
  history: (cardId: string, code: string) => call('member.history', { cardId, code }),
}
