// Merchant operations (gift-card-api.en.txt): gift cards, shelves, payment access, orders bought on
// the hosted shelf, refunds, invoices. One code path behind the `merchant` function, its CLI and the
// merchant pages. Who may call what is decided in staff.ts (roles) and the function's action table.
import { namesOf } from '../cards/people'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store } from '../../store/port'
import { stockIn } from '../../../contract/card-rules'
import type { CardBody, CardCreateRequest } from '../../wechat/card'
import type { WechatClient } from '../../wechat/client'
import type { GiftCardOrder } from '../../wechat/giftcard-order'
import type { GiftCardPage } from '../../wechat/giftcard-page'
import type { AuthField } from '../../wechat/invoice'
import type { GiftCardDoc } from '../catalog/gift-cards'
import type { ShelfDoc } from '../catalog/shelves'
import { PAID_STATUSES, type ShelfOrderDoc } from '../cards/order-types'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import { post } from '../ledgers/ledger'
import { newUserCard, userCardId, type UserCardDoc } from '../cards/user-cards'
import { mpOpenidOf } from '../cards/identities'
import { WxApiError } from '../../wechat/errors'
import { recordCouponDef } from '../coupons/coupons'
import { clock } from '../../clock'

export async function overview(store: Store) {
  // Orders of every channel: hosted-shelf orders and paid Mini Program purchases and checkouts.
  const [cards, shelves, shelfOrders, mpOrders] = await Promise.all([
    store.count(Collections.giftCards, {}),
    store.count(Collections.shelves, {}),
    store.count(Collections.shelfOrders, {}),
    store.count(Collections.orders, { status: where.in(PAID_STATUSES) }),
  ])
  return { cards, shelves, orders: shelfOrders + mpOrders }
}

// ---------- gift cards ----------

/** The stock WeChat holds for a card (card/get's base_info.sku.quantity), or undefined when it does not say. */
async function stockOf(wx: WechatClient, cardId: string): Promise<number | undefined> {
  const got = await wx.card.get(cardId).catch(() => undefined)
  return stockIn(got?.card)
}

/**
 * Changes a card's stock by `delta` (card/modifystock). WeChat refuses a reduction past the stock left with
 * a bare 40097 (invalid args): that is the merchant's input, so it is 1001 naming `delta`, with the stock
 * WeChat holds now (`stock`) and reason STOCK_TOO_LOW for the console to say it in words.
 */
export async function changeStock(wx: WechatClient, cardId: string, delta: number) {
  try {
    return await wx.card.modifyStock({
      card_id: cardId,
      ...(delta > 0 ? { increase_stock_value: delta } : { reduce_stock_value: -delta }),
    })
  } catch (err) {
    if (!(delta < 0 && err instanceof WxApiError && err.errcode === 40097)) throw err
    const stock = await stockOf(wx, cardId)
    if (stock === undefined || stock >= -delta) throw err
    throw new AppError(ErrCode.INVALID_ARGUMENT, `delta must not reduce the stock by more than the ${stock} left`, {
      field: 'delta',
      reason: 'STOCK_TOO_LOW',
      stock,
    })
  }
}

export async function createGiftCard(store: Store, wx: WechatClient, req: CardCreateRequest) {
  const { card_id } = await wx.card.create(req)
  await recordCouponDef(store, wx, req, card_id)
  const body = req.card[req.card.card_type.toLowerCase()] as CardBody
  if (req.card.card_type === 'GENERAL_CARD' && body.sub_card_type === 'GIFT_CARD') {
    const bi = body.base_info
    const price = bi.giftcard_info!.price
    const now = clock.now()
    const fixed = bi.date_info.type === 'DATE_TYPE_FIX_TIME_RANGE'
    await store.set<GiftCardDoc>(Collections.giftCards, {
      _id: card_id,
      cardId: card_id,
      title: bi.title,
      price,
      initBalance: body.init_balance ?? price,
      ...(body.background_pic_url ? { backgroundPicUrl: body.background_pic_url } : {}),
      faces: [],
      defaultMessage: '',
      onSale: false,
      reviewStatus: 'PENDING',
      // What the card detail page shows a holder: the card's own notes and service phone.
      ...(bi.brand_name ? { brandName: bi.brand_name } : {}),
      ...(bi.notice ? { notice: bi.notice } : {}),
      ...(bi.description ? { description: bi.description } : {}),
      ...(bi.service_phone ? { servicePhone: bi.service_phone } : {}),
      // Whether a holder may give it on with WeChat's 转赠, and how often (giftcards/received.ts).
      canGiveFriend: bi.can_give_friend !== false,
      ...(bi.max_give_friend_times !== undefined ? { maxGiveFriendTimes: bi.max_give_friend_times } : {}),
      beginTime: fixed ? (bi.date_info.begin_timestamp ?? 0) : 0,
      endTime: fixed ? (bi.date_info.end_timestamp ?? 0) : 0,
      createdAt: now,
      updatedAt: now,
    })
  }
  return { cardId: card_id }
}

export async function listGiftCards(store: Store) {
  return {
    cards: await store.find<GiftCardDoc>(Collections.giftCards, {}, { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 200 }),
  }
}

/**
 * After WeChat took a card/update: the gift card's texts as the Mini Program's card page shows them (notice,
 * description, service phone) and the console's edit form starts from follow, or both would go on showing
 * what the merchant has just changed. Other kinds of card keep no such copy.
 */
export async function recordCardTexts(store: Store, update: { card_id: string } & Record<string, unknown>): Promise<void> {
  const bi = (update.general_card as { base_info?: { notice?: string; description?: string; service_phone?: string } } | undefined)
    ?.base_info
  if (!bi) return
  const patch = {
    ...(bi.notice ? { notice: bi.notice } : {}),
    ...(bi.description ? { description: bi.description } : {}),
    ...(bi.service_phone ? { servicePhone: bi.service_phone } : {}),
  }
  if (Object.keys(patch).length) await store.updateIf(Collections.giftCards, update.card_id, {}, { ...patch, updatedAt: clock.now() })
}

// ---------- shelves ----------

/** gift-card-api §7 notes: page_id URL-encoded into the homepage link; outer_str marks the channel. */
export function shelfLink(pageId: string, outerStr?: string): string {
  const q = `action=homepage&page_id=${encodeURIComponent(pageId)}${outerStr ? `&outer_str=${encodeURIComponent(outerStr)}` : ''}`
  return `https://mp.weixin.qq.com/bizmall/giftcard?${q}#wechat_redirect`
}

async function putOnSale(store: Store, page: GiftCardPage): Promise<void> {
  for (const theme of page.theme_list ?? []) {
    const faces = (theme.pic_item_list ?? []).map((p) => p.background_pic_url)
    const message = theme.pic_item_list?.find((p) => p.default_gifting_msg)?.default_gifting_msg ?? ''
    for (const item of theme.item_list ?? []) {
      // The theme's title is what the shop groups the card under (送给重要的人, 生日快乐, …).
      await store.update(Collections.giftCards, item.card_id, {
        onSale: true,
        faces,
        defaultMessage: message,
        ...(theme.title ? { theme: theme.title } : {}),
        ...(faces[0] ? { backgroundPicUrl: faces[0] } : {}),
        updatedAt: clock.now(),
      })
    }
  }
}

export async function createShelf(store: Store, wx: WechatClient, page: GiftCardPage, outerStr?: string) {
  for (const t of page.theme_list ?? []) {
    for (const it of t.item_list ?? []) {
      if (!(await store.get(Collections.giftCards, it.card_id)))
        throw new AppError(ErrCode.INVALID_ARGUMENT, `page.theme_list: card ${it.card_id} is not a gift card created by this merchant`)
    }
  }
  const { page_id } = await wx.giftCardPage.add(page)
  const now = clock.now()
  await store.set<ShelfDoc>(Collections.shelves, {
    _id: page_id,
    page: { ...page, page_id },
    maintain: false,
    createdAt: now,
    updatedAt: now,
  })
  await putOnSale(store, page)
  return { pageId: page_id, link: shelfLink(page_id, outerStr) }
}

export async function updateShelf(store: Store, wx: WechatClient, page: GiftCardPage & { page_id: string }) {
  const cur = await store.get<ShelfDoc>(Collections.shelves, page.page_id)
  if (!cur) throw new AppError(ErrCode.NOT_FOUND, `no shelf ${page.page_id}`)
  // page/update takes the whole shelf (gift-card-api §7.4 marks address, cells… required), so the
  // merchant's change is applied to the shelf we hold and all of it is sent.
  const next = { ...cur.page, ...page }
  await wx.giftCardPage.update(next)
  await store.update(Collections.shelves, page.page_id, { page: next, updatedAt: clock.now() })
  await putOnSale(store, next)
  return { pageId: page.page_id, link: shelfLink(page.page_id) }
}

export async function getShelf(wx: WechatClient, pageId: string) {
  return { page: (await wx.giftCardPage.get(pageId)).page, link: shelfLink(pageId) }
}

export async function listShelves(store: Store, wx: WechatClient) {
  const { page_id_list } = await wx.giftCardPage.batchGet()
  const ours = await store.find<ShelfDoc>(Collections.shelves, {}, { limit: 200 })
  return {
    shelves: page_id_list.map((id) => ({
      pageId: id,
      link: shelfLink(id),
      title: ours.find((s) => s._id === id)?.page.page_title ?? '',
      maintain: ours.find((s) => s._id === id)?.maintain ?? false,
    })),
  }
}

/** Takes one shelf (or all) down for maintenance, or back up. */
export async function takedownShelf(store: Store, wx: WechatClient, target: { pageId: string } | { all: true }, maintain = true) {
  if ('all' in target) {
    await wx.giftCardPage.maintainSet({ all: true, maintain })
    for (const s of await store.find<ShelfDoc>(Collections.shelves, {}, { limit: 200 }))
      await store.update(Collections.shelves, s._id, { maintain })
  } else {
    await wx.giftCardPage.maintainSet({ page_id: target.pageId, maintain })
    await store.update(Collections.shelves, target.pageId, { maintain })
  }
  return { maintain }
}

// ---------- shelf orders ----------

/** Records a hosted-shelf order from card/giftcard/order/get, exactly once (push or reconciliation). */
export async function recordShelfOrder(store: Store, wx: WechatClient, orderId: string): Promise<{ recorded: boolean }> {
  if (await store.get(Collections.shelfOrders, orderId)) return { recorded: false }
  const { order } = await wx.giftCardOrder.get(orderId)
  return recordFetched(store, order)
}

async function recordFetched(store: Store, order: GiftCardOrder): Promise<{ recorded: boolean }> {
  const now = clock.now()
  try {
    await store.insert<ShelfOrderDoc>(Collections.shelfOrders, {
      _id: order.order_id,
      order,
      state: order.accepter_openid ? 'ACCEPTED' : 'PAID',
      recordedAt: now,
      updatedAt: now,
    })
  } catch (err) {
    if (err instanceof DuplicateIdError) return { recorded: false }
    throw err
  }
  // Each card of the order gets its record and first ledger entry (its price), holder or not.
  for (const c of order.card_list) {
    const id = userCardId(c.card_id, c.code)
    const def = await store.get<GiftCardDoc>(Collections.giftCards, c.card_id)
    const holder = c.accepter_openid || order.accepter_openid || ''
    await store
      .insert<UserCardDoc>(
        Collections.userCards,
        newUserCard(c.card_id, c.code, {
          ...(holder ? { saOpenid: holder } : {}),
          orderId: order.order_id,
          title: def?.title ?? '',
          status: holder ? 'NORMAL' : 'GIFTING',
          beginTime: def?.beginTime ?? 0,
          endTime: def?.endTime ?? 0,
          ...(c.background_pic_url ? { backgroundPicUrl: c.background_pic_url } : {}),
        }),
      )
      .catch((err) => {
        if (!(err instanceof DuplicateIdError)) throw err
      })
    // WeChat already shows the shelf card's balance: recorded as synced.
    await post(store, {
      card: id,
      kind: 'issue',
      amount: def?.initBalance ?? c.price,
      entryId: `issue:${id}`,
      orderId: order.order_id,
      description: 'bought on the shelf',
      cardPatch: (cur) => ({ funded: true, syncedVersion: cur.version + 1 }),
    })
  }
  return { recorded: true }
}

/**
 * giftcard_user_accept (§10.3): the friend has accepted. WeChat pushes no user_get_card for it, so the
 * accepter is read from card/giftcard/order/get (accepter_openid) and each card still waiting for its
 * holder gets it.
 */
export async function setShelfOrderState(store: Store, orderId: string, state: string, extra: Record<string, unknown> = {}) {
  await store.update(Collections.shelfOrders, orderId, { state, ...extra, updatedAt: clock.now() })
}

export const RECONCILE_WINDOW_DAYS = 31

/** Pages card/giftcard/order/batchget (≤ 100 a page, ≤ 31 days a window) so a missed push is still recorded. */
export async function reconcileShelfOrders(store: Store, wx: WechatClient, beginTime: number, endTime: number) {
  let recorded = 0
  let seen = 0
  for (let begin = beginTime; begin < endTime; begin += RECONCILE_WINDOW_DAYS * 86400) {
    const end = Math.min(endTime, begin + RECONCILE_WINDOW_DAYS * 86400)
    for (let offset = 0; ; offset += 100) {
      const page = await wx.giftCardOrder.batchGet({ begin_time: begin, end_time: end, sort_type: 'ASC', offset, count: 100 })
      seen += page.order_list.length
      // One query tells which orders of the page are recorded already, instead of one insert attempt
      // each on every run; recordFetched's insert still decides, should a push record one meanwhile.
      const ids = page.order_list.map((o) => o.order_id)
      const known = ids.length
        ? new Set((await store.find<ShelfOrderDoc>(Collections.shelfOrders, { _id: where.in(ids) }, { limit: 100 })).map((d) => d._id))
        : new Set<string>()
      for (const order of page.order_list) {
        if (known.has(order.order_id)) continue
        if ((await recordFetched(store, order)).recorded) recorded++
      }
      if (offset + 100 >= page.total_count) break
    }
  }
  return { seen, recorded }
}

export async function listShelfOrders(store: Store, offset = 0, limit = 20) {
  const [orders, total] = await Promise.all([
    store.find<ShelfOrderDoc>(Collections.shelfOrders, {}, { orderBy: { field: 'recordedAt', direction: 'desc' }, skip: offset, limit }),
    store.count(Collections.shelfOrders, {}),
  ])
  const nameOf = await namesOf(
    store,
    orders.map((o) => o.order.open_id),
  )
  return {
    orders: orders.map((o) => ({
      orderId: o._id,
      state: o.state,
      totalPrice: o.order.total_price,
      buyer: nameOf(o.order.open_id),
      cards: o.order.card_list.map((c) => ({ cardId: c.card_id, code: c.code, price: c.price })),
      recordedAt: o.recordedAt,
    })),
    total,
  }
}

export async function getShelfOrder(store: Store, orderId: string) {
  const o = await store.get<ShelfOrderDoc>(Collections.shelfOrders, orderId)
  if (!o) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  const cards = await Promise.all(
    o.order.card_list.map((c) => store.get<UserCardDoc>(Collections.userCards, userCardId(c.card_id, c.code))),
  )
  // WeChat's order as it came, its people by name (people.ts; #28: no openid in an answer to the merchant).
  const nameOf = await namesOf(store, [o.order.open_id, o.order.accepter_openid, ...o.order.card_list.map((c) => c.accepter_openid)])
  return {
    order: {
      ...o.order,
      open_id: nameOf(o.order.open_id),
      ...(o.order.accepter_openid ? { accepter_openid: nameOf(o.order.accepter_openid) } : {}),
      card_list: o.order.card_list.map((c) => ({
        ...c,
        ...(c.accepter_openid ? { accepter_openid: nameOf(c.accepter_openid) } : {}),
      })),
    },
    state: o.state,
    invoice: o.invoice ?? null,
    cards: cards.filter(Boolean).map((c) => ({ cardId: c!.cardId, code: c!.code, status: c!.status, balance: c!.balance })),
  }
}

/** WeChat removes a refunded order's cards from the card bag: true when none of them is there any more. */
async function cardsGoneFromWechat(wx: WechatClient, order: GiftCardOrder): Promise<boolean> {
  for (const c of order.card_list) {
    try {
      const res = await wx.code.get({ card_id: c.card_id, code: c.code })
      if (res.user_card_status !== 'DELETE' && res.user_card_status !== 'UNAVAILABLE') return false
    } catch (err) {
      if (!(err instanceof WxApiError && err.errcode === 40056)) throw err
    }
  }
  return true
}

/**
 * order/refund: the cards leave the ledger (a refund entry to zero) and every view. Safe to retry
 * after a lost reply: WeChat is asked first whether the order's cards are already gone (the document
 * gives a second refund of one order no errcode to recognise it by).
 */
export async function refundShelfOrder(store: Store, wx: WechatClient, orderId: string, reason = 'order refunded') {
  const o = await store.get<ShelfOrderDoc>(Collections.shelfOrders, orderId)
  if (!o) throw new AppError(ErrCode.NOT_FOUND, `no order ${orderId}`)
  if (o.state !== 'REFUNDED' && !(await cardsGoneFromWechat(wx, o.order))) {
    try {
      await wx.giftCardOrder.refund(orderId)
    } catch (err) {
      // A retry whose first attempt did reach WeChat: the cards are gone, so the refund happened.
      if (!(await cardsGoneFromWechat(wx, o.order))) throw err
    }
  }
  for (const c of o.order.card_list) {
    const id = userCardId(c.card_id, c.code)
    if (!(await store.get(Collections.userCards, id))) continue
    // WeChat removes the refunded cards itself, so nothing is left to sync: the entry zeroes the
    // balance and the card leaves every view.
    await post(store, {
      card: id,
      kind: 'refund',
      amount: (cur) => -cur.balance,
      entryId: `refund:${id}`,
      orderId,
      description: reason,
      cardPatch: (cur) => ({ status: 'DELETE', syncedVersion: cur.version + 1 }),
    })
  }
  await setShelfOrderState(store, orderId, 'REFUNDED', { refundReason: reason })
  return { orderId, state: 'REFUNDED' }
}

/**
 * A hosted-shelf gift changed hands: accepted (each card's accepter_openid holds it now) or returned
 * after 24 hours unclaimed (back to the buyer). order/get says who holds each card.
 */
export async function settleShelfGift(store: Store, wx: WechatClient, orderId: string, returned: boolean) {
  const { order } = await wx.giftCardOrder.get(orderId)
  for (const c of order.card_list) {
    const holder = returned ? order.open_id : c.accepter_openid || order.accepter_openid || ''
    if (!holder) continue
    const mpOpenid = await mpOpenidOf(store, holder)
    // Only from GIFTING, the state a card is in while it is being sent: a card since spent, refunded or
    // removed keeps that state whatever order the events come in.
    await store.updateIf(
      Collections.userCards,
      userCardId(c.card_id, c.code),
      { status: 'GIFTING' },
      { saOpenid: holder, mpOpenid: mpOpenid ?? '', unionid: '', status: 'NORMAL', checkedAt: clock.now(), updatedAt: clock.now() },
    )
  }
  await setShelfOrderState(store, orderId, returned ? 'RETURNED' : 'ACCEPTED', { order })
}

// ---------- invoices ----------

export async function setInvoice(wx: WechatClient, input: { paymch?: { mchid: string; s_pappid: string }; authField?: AuthField }) {
  if (input.paymch) await wx.invoice.setPayMch(input.paymch)
  if (input.authField) await wx.invoice.setAuthField(input.authField)
  return getInvoice(wx)
}

export async function getInvoice(wx: WechatClient) {
  const [pay, auth] = await Promise.all([wx.invoice.getPayMch(), wx.invoice.getAuthField()])
  return { paymch: pay.paymch_info, authField: { user_field: auth.auth_field?.user_field, biz_field: auth.auth_field?.biz_field } }
}

/** user_authorize_invoice: fetch what the buyer authorized and keep it on the order. */
export async function onInvoiceAuthorized(store: Store, wx: WechatClient, orderId: string) {
  const { paymch_info } = await wx.invoice.getPayMch()
  const data = await wx.invoice.getAuthData({ s_pappid: paymch_info.s_pappid, order_id: orderId })
  const { errcode, errmsg, ...rest } = data as unknown as Record<string, unknown>
  void errcode
  void errmsg
  if (await store.get(Collections.shelfOrders, orderId)) await setShelfOrderState(store, orderId, 'INVOICE_AUTHORIZED', { invoice: rest })
  return rest
}

// ---------- adjustments ----------

/**
 * A merchant's correction of a card's balance (goodwill credit, a fix): one ledger entry under the
 * merchant's own idempotency key, then WeChat is brought up to date.
 */
export async function adjustBalance(
  store: Store,
  wx: WechatClient,
  input: { cardId: string; code: string; amount: number; key: string; reason: string },
  sync: SyncOptions = {},
) {
  const id = userCardId(input.cardId, input.code)
  const { entry } = await post(store, {
    card: id,
    kind: 'adjust',
    amount: input.amount,
    entryId: `adjust:${input.key}`,
    description: input.reason,
    sameAs: (e) => e.card === id && e.amount === input.amount,
    guard: (c) => {
      if (c.status === 'DELETE' || c.status === 'UNAVAILABLE') throw new AppError(ErrCode.CONFLICT, `the card is ${c.status}`)
    },
  })
  await syncCard(store, wx, id, sync)
  return { balance: entry.balanceAfter, entryId: entry._id }
}
