// Gift cards (gift-card-api §7–§12): shelves, maintenance, payment access, orders, refunds.
import { randomBytes } from 'node:crypto'
import { list, num, obj, str, type Body, type Endpoint } from './api'
import { cardOf } from './cards'
import { needCdn } from './card-type-rules'
import { WxError, type Platform } from './platform'
import type { EmuOrder } from './state'

/**
 * gift-card-api §7.2 (page/add) and §7.4 (page/update) mark the same fields required: banner_pic_url,
 * theme_list, address, service_phone, biz_description, cell_1 and cell_2 (title and url), and in each
 * theme theme_pic_url, title, title_color, item_list, pic_item_list (each face its background_pic_url
 * and default_gifting_msg), category_index when categories exist; page/add also page_title. WeChat
 * checks the whole shelf on update too, so both answer 47001 for a missing field. Every picture must
 * be on the CDN (banner_pic_url line 569, theme_pic_url 583, background_pic_url 601: "must be uploaded
 * to the CDN first"): 40141 otherwise.
 *
 * item_list (lines 596-599): "title Trade name, not filled in, default card name yes", "pic_url Product
 * thumbnail … yes", "desc Product Description yes"; the §7.2 example (lines 449-456) sends card_id and
 * title only, and title's own row says it may be left out. The reading: WeChat takes what the example
 * sends, so only card_id is required; title, pic_url and desc are checked when given (non-empty text,
 * pic_url on the CDN).
 */
function checkPage(p: Platform, page: Body, forUpdate: boolean): void {
  if (!forUpdate) str(page, 'page_title')
  needCdn('banner_pic_url', str(page, 'banner_pic_url'), p.cdn.baseUrl)
  for (const k of ['address', 'service_phone', 'biz_description']) str(page, k)
  for (const k of ['cell_1', 'cell_2']) {
    const cell = obj(page, k)
    str(cell, 'title')
    str(cell, 'url')
  }
  const themes = list(page, 'theme_list') as Body[]
  if (themes.length === 0) throw new WxError(40097, 'invalid args: theme_list is empty')
  const cats = (page.category_list as unknown[] | undefined)?.length ?? 0
  for (const t of themes) {
    needCdn('theme_pic_url', str(t, 'theme_pic_url'), p.cdn.baseUrl)
    str(t, 'title')
    str(t, 'title_color')
    for (const it of list(t, 'item_list') as Body[]) {
      cardOf(p, str(it, 'card_id'))
      for (const k of ['title', 'desc'])
        if (it[k] !== undefined && (typeof it[k] !== 'string' || it[k] === ''))
          throw new WxError(47001, `data format error: item_list ${k} must be non-empty text`)
      if (it.pic_url !== undefined) needCdn('item_list.pic_url', it.pic_url, p.cdn.baseUrl)
    }
    const faces = list(t, 'pic_item_list') as Body[]
    if (faces.length === 0) throw new WxError(40097, 'invalid args: pic_item_list is empty')
    for (const f of faces) {
      needCdn('pic_item_list.background_pic_url', str(f, 'background_pic_url'), p.cdn.baseUrl)
      str(f, 'default_gifting_msg')
    }
    if (cats > 0) {
      const idx = num(t, 'category_index')
      if (idx < 0 || idx >= cats) throw new WxError(40097, 'invalid args: category_index out of range')
    }
  }
}

/** §7.6's control_info: the merchant's and the system's control of every shelf under the AppID. */
function controlInfo(p: Platform): Body {
  const biz = (down: boolean) => (down ? 'E_PAGE_CONTROL_BIZ' : 'E_PAGE_CONTROL_NORMAL')
  return {
    biz_control_type: biz(p.s.maintainAll),
    system_biz_control_type: 'E_PAGE_CONTROL_NORMAL',
    list: Object.entries(p.s.pages).map(([pageId, page]) => ({
      page_id: pageId,
      page_control_type: biz(page.maintain === true),
      system_page_control_type: 'E_PAGE_CONTROL_NORMAL',
    })),
  }
}

/** An order as §9.1 shows it, with "IsChatRoom" (CamelCase, as the document writes it). */
function orderView(o: EmuOrder): Body {
  const { status, is_chat_room, ...rest } = o
  void status
  return { ...rest, IsChatRoom: is_chat_room }
}

export const giftCardApi: Record<string, Endpoint> = {
  'card/giftcard/page/add': {
    method: 'POST',
    handler: (p, b) => {
      const page = obj(b, 'page')
      checkPage(p, page, false)
      // Page ids are base64 with + / = (gift-card-api's examples), so links must URL-encode them.
      const pageId = randomBytes(32).toString('base64')
      p.s.pages[pageId] = { ...page, page_id: pageId, maintain: false }
      p.touch()
      return { page_id: pageId }
    },
  },
  'card/giftcard/page/get': {
    method: 'POST',
    handler: (p, b) => {
      const page = p.s.pages[str(b, 'page_id')]
      if (!page) throw new WxError(40097, 'invalid args: page_id')
      return { page }
    },
  },
  'card/giftcard/page/update': {
    method: 'POST',
    handler: (p, b) => {
      const patch = obj(b, 'page')
      const id = str(patch, 'page_id')
      const page = p.s.pages[id]
      if (!page) throw new WxError(40097, 'invalid args: page_id')
      checkPage(p, patch, true)
      p.s.pages[id] = { ...page, ...patch }
      p.touch()
      return {}
    },
  },
  'card/giftcard/page/batchget': { method: 'POST', handler: (p) => ({ page_id_list: Object.keys(p.s.pages) }) },
  'card/giftcard/maintain/set': {
    method: 'POST',
    handler: (p, b) => {
      if (typeof b.maintain !== 'boolean') throw new WxError(47001, 'data format error: maintain is required')
      if (b.all === true) p.s.maintainAll = b.maintain
      else {
        const page = p.s.pages[str(b, 'page_id')]
        if (!page) throw new WxError(40097, 'invalid args: page_id')
        page.maintain = b.maintain
      }
      p.touch()
      return { control_info: controlInfo(p) }
    },
  },
  'card/giftcard/pay/whitelist/add': {
    method: 'POST',
    handler: (p, b) => {
      // §8.1.1: `"sub_mch_id": "1900015421"//微信支付子商户号`.
      const sub = str(b, 'sub_mch_id')
      if (!/^\d+$/.test(sub)) throw new WxError(40097, 'invalid args: sub_mch_id must be a merchant number')
      p.s.payWhitelist[sub] = 'PENDING'
      p.touch()
      return { url: `https://pay.weixin.qq.com/index.php/public/product/detail?pid=61&productType=0&sub_mch_id=${sub}` }
    },
  },
  'card/giftcard/pay/submch/bind': {
    method: 'POST',
    handler: (p, b) => {
      const sub = str(b, 'sub_mch_id')
      // §8.2 note 2 (line 1109): "The merchant number must be the merchant number applied for Service
      // Account, otherwise the error is reported" — applied for through §8.1.1 whitelist/add. The
      // document names no errcode, so the emulator answers WeChat's generic 40097 (invalid args).
      if (!(sub in p.s.payWhitelist))
        throw new WxError(40097, 'invalid args: sub_mch_id was not applied for by this Service Account (card/giftcard/pay/whitelist/add)')
      const appid = str(b, 'wxa_appid')
      if (!/^wx[0-9a-f]{16}$/.test(appid)) throw new WxError(40013, 'invalid appid')
      p.s.submch[sub] = appid
      p.touch()
      return {}
    },
  },
  'card/giftcard/wxa/set': {
    method: 'POST',
    handler: (p, b) => {
      const page = str(b, 'page_id')
      if (!p.s.pages[page]) throw new WxError(40097, 'invalid args: page_id')
      const appid = str(b, 'wxa_appid')
      // An appid is wx and 16 hex digits; anything else names no Mini Program (WeChat: 40013 invalid appid).
      if (!/^wx[0-9a-f]{16}$/.test(appid)) throw new WxError(40013, 'invalid appid')
      p.s.wxa[page] = appid
      p.touch()
      return {}
    },
  },
  'card/giftcard/order/get': {
    method: 'POST',
    handler: (p, b) => {
      const o = p.s.orders[str(b, 'order_id')]
      if (!o) throw new WxError(40097, 'invalid args: order_id')
      return { order: orderView(o) }
    },
  },
  'card/giftcard/order/batchget': {
    method: 'POST',
    handler: (p, b) => {
      const begin = num(b, 'begin_time')
      const end = num(b, 'end_time')
      const count = num(b, 'count')
      const offset = num(b, 'offset')
      if (end < begin || end - begin > 31 * 86400) throw new WxError(40097, 'invalid args: the time window must be at most 31 days')
      if (count < 1 || count > 100) throw new WxError(40097, 'invalid args: count must be 1 to 100')
      const sort = str(b, 'sort_type', false) || 'ASC'
      const all = Object.values(p.s.orders)
        .filter((o) => o.create_time >= begin && o.create_time <= end)
        .sort(
          (x, y) =>
            (sort === 'DESC' ? y.create_time - x.create_time : x.create_time - y.create_time) || x.order_id.localeCompare(y.order_id),
        )
      return { total_count: all.length, order_list: all.slice(offset, offset + count).map(orderView) }
    },
  },
  'card/giftcard/order/refund': {
    method: 'POST',
    handler: (p, b) => {
      const o = p.s.orders[str(b, 'order_id')]
      if (!o) throw new WxError(40097, 'invalid args: order_id')
      // §12.2.1 documents no errcode for refunding an order twice; the reading taken is that the
      // refund is a state (the order is refunded, its cards gone), so a repeat changes nothing and
      // answers ok, as WeChat's other set-state APIs do.
      if (o.status === 'REFUND') return {}
      o.status = 'REFUND'
      // The cards leave the bag.
      for (const item of o.card_list) {
        const c = p.code(item.card_id, item.code)
        if (c) c.status = 'DELETE'
      }
      p.touch()
      return {}
    },
  },
}
