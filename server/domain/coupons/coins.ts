// The friend-coupon coin account (friend-coupons.zh.txt 配置库存、充值券点): activate it, read it, price
// a stock order and confirm it once within 60 seconds, recharge by WeChat Pay QR code, list orders.
// A price quote is kept as a state machine so that a double tap or a retry never buys stock twice:
//
//   QUOTED ──confirm (compare-and-set)──▶ CONFIRMING ──WeChat confirmed──▶ CONFIRMED
//
// "order_id … 仅对当前订单有效且仅可以使用一次,60s内可用于兑换库存": a CONFIRMING quote found again (a
// crash or lost reply between the two steps) is settled by asking WeChat for the order's status.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { couponDefOf } from './coupons'
import { clock } from '../../clock'

/** "上一步获得的order_id须在60s内使用" */
export const QUOTE_TTL_MS = 60_000

export interface CoinQuoteDoc extends StoredDoc {
  cardId: string
  quantity: number
  /** coins, as WeChat's string ("0.2") */
  price: string
  status: 'QUOTED' | 'CONFIRMING' | 'CONFIRMED'
  expiresAt: number
  by: string
  createdAt: number
}

export async function coinAccount(wx: WechatClient) {
  const r = await wx.cardPay.getCoinsInfo()
  return { freeCoin: r.free_coin, payCoin: r.pay_coin, totalCoin: r.total_coin }
}

export async function activateCoins(wx: WechatClient) {
  const r = await wx.cardPay.activate()
  return { reward: r.reward, ...(await coinAccount(wx)) }
}

export async function priceStock(store: Store, wx: WechatClient, by: string, cardId: string, quantity: number) {
  const def = await couponDefOf(store, cardId)
  if (!def?.friend) throw new AppError(ErrCode.INVALID_ARGUMENT, 'cardId must be a friend coupon: only their stock is bought with coins')
  const r = await wx.cardPay.getPayPrice({ card_id: cardId, quantity })
  const now = clock.now()
  await store.insert<CoinQuoteDoc>(Collections.coinQuotes, {
    _id: r.order_id,
    cardId,
    quantity,
    price: r.price,
    status: 'QUOTED',
    expiresAt: now + QUOTE_TTL_MS,
    by,
    createdAt: now,
  })
  return { orderId: r.order_id, price: r.price, freeCoin: r.free_coin, payCoin: r.pay_coin, expiresAt: now + QUOTE_TTL_MS }
}

export async function confirmStock(store: Store, wx: WechatClient, cardId: string, orderId: string, quantity: number) {
  const q = await store.get<CoinQuoteDoc>(Collections.coinQuotes, orderId)
  if (!q) throw new AppError(ErrCode.NOT_FOUND, `orderId ${orderId} is not a price quote of ours`)
  if (q.cardId !== cardId || q.quantity !== quantity)
    throw new AppError(ErrCode.CONFLICT, 'cardId and quantity must be those the price was quoted for')
  if (q.status === 'CONFIRMED') return { orderId, cardId, quantity, price: q.price, status: 'CONFIRMED' as const }
  if (q.status === 'QUOTED') {
    if (q.expiresAt < clock.now()) throw new AppError(ErrCode.CONFLICT, 'the price quote has expired (60 s): price it again')
    if (!(await store.updateIf(Collections.coinQuotes, orderId, { status: 'QUOTED' }, { status: 'CONFIRMING' })))
      return confirmStock(store, wx, cardId, orderId, quantity)
  }
  try {
    await wx.cardPay.confirm({ card_id: cardId, order_id: orderId, quantity })
  } catch (err) {
    // A repeat after a lost reply: WeChat refuses the second use; its order says whether the first landed.
    if (!(err instanceof WxApiError)) throw err
    const info = await wx.cardPay.getOrder(orderId).catch(() => undefined)
    if (info?.order_info?.status !== 'ORDER_STATUS_QUANTITY_SUCC') {
      await store.updateIf(Collections.coinQuotes, orderId, { status: 'CONFIRMING' }, { status: 'QUOTED' })
      throw err
    }
  }
  await store.updateIf(Collections.coinQuotes, orderId, { status: 'CONFIRMING' }, { status: 'CONFIRMED' })
  return { orderId, cardId, quantity, price: q.price, status: 'CONFIRMED' as const }
}

export async function rechargeCoins(wx: WechatClient, coinCount: number) {
  const r = await wx.cardPay.recharge(coinCount)
  return { orderId: r.order_id, qrcodeUrl: r.qrcode_url }
}

/** The coin orders' window (s): what the first page saw, kept by its cursor. */
export interface CoinWindow {
  begin: number
  end: number
}

/**
 * Coin orders as WeChat lists them (card/pay/getorderlist), newest first (SORT_BY_TIME, SORT_DESC), in a
 * window of creation times fixed by the first page: from `since` (WeChat's own default: a week before)
 * to `until` or the second before the first page's (times are whole seconds: an order of this very
 * second could still be joined by another). WeChat pages by offset; within a fixed window an order
 * created meanwhile is outside it, so the offsets of the next pages still name the same orders. `next`
 * carries the window and the next offset while orders remain (store/pages.ts's key: `at` the window's
 * end, `id` "begin:offset").
 */
export async function coinOrders(
  wx: WechatClient,
  page: { offset: number; count: number; window?: CoinWindow; since?: number; until?: number },
  nowSec = Math.floor(clock.now() / 1000),
) {
  const end = page.window?.end ?? (page.until ?? nowSec) - 1
  const begin = page.window?.begin ?? page.since ?? end - 7 * 86400
  const r = await wx.cardPay.getOrderList({
    offset: page.offset,
    count: page.count,
    sort_info: { sort_key: 'SORT_BY_TIME', sort_type: 'SORT_DESC' },
    begin_time: begin,
    end_time: end,
  })
  const after = page.offset + r.order_list.length
  return {
    orders: r.order_list,
    total: r.total_num,
    ...(r.order_list.length && after < r.total_num ? { next: { at: end, id: `${begin}:${after}` } } : {}),
  }
}

/** The window and offset a coin-order cursor's key carries (coinOrders' `next`). */
export function coinPageOf(key: { at: number; id: string }): { window: CoinWindow; offset: number } {
  const [begin, offset] = key.id.split(':').map(Number)
  return { window: { begin: begin!, end: key.at }, offset: offset! }
}

export async function coinOrder(wx: WechatClient, orderId: string) {
  return { order: (await wx.cardPay.getOrder(orderId)).order_info }
}
