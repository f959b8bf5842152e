// Gift cards (gift-card-api §7–§12): shelves, maintenance, payment access, orders, refunds.
import { randomBytes } from 'node:crypto'
import { list, num, obj, str, type Body, type Endpoint } from './api'
import { cardOf } from './api-card'
import { WxError, type Platform } from './platform'
import type { EmuOrder } from './state'

function checkPage(p: Platform, page: Body, forUpdate: boolean): void {
  if (!forUpdate || page.theme_list !== undefined) {
    const themes = list(page, 'theme_list') as Body[]
    if (themes.length === 0) throw new WxError(40097, 'invalid args: theme_list is empty')
    const cats = (page.category_list as unknown[] | undefined)?.length ?? 0
    for (const t of themes) {
      str(t, 'theme_pic_url')
      str(t, 'title')
      for (const it of list(t, 'item_list') as Body[]) cardOf(p, str(it, 'card_id'))
      if ((list(t, 'pic_item_list') as Body[]).length === 0) throw new WxError(40097, 'invalid args: pic_item_list is empty')
      if (cats > 0) {
        const idx = num(t, 'category_index')
        if (idx < 0 || idx >= cats) throw new WxError(40097, 'invalid args: category_index out of range')
      }
    }
  }
  if (!forUpdate) {
    str(page, 'page_title')
    str(page, 'banner_pic_url')
  }
}

function orderView(o: EmuOrder): Body {
  const { status, is_chat_room, ...rest } = o
  void status
  void is_chat_room
  return rest
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
      return {}
    },
  },
  'card/giftcard/pay/whitelist/add': {
    method: 'POST',
    handler: (p, b) => {
      const mchid = str(b, 'mchid')
      p.s.payWhitelist[mchid] = 'PENDING'
      p.touch()
      return { url: `https://pay.weixin.qq.com/index.php/public/giftcard/confirm?mchid=${mchid}&appid=${p.o.saAppid}` }
    },
  },
  'card/giftcard/pay/submch/bind': {
    method: 'POST',
    handler: (p, b) => {
      const sub = str(b, 'sub_mch_id')
      if (!(sub in p.s.payWhitelist)) throw new WxError(40097, 'invalid args: sub_mch_id is not on the gift-card pay whitelist')
      p.s.submch[sub] = str(b, 'wxa_appid')
      p.touch()
      return {}
    },
  },
  'card/giftcard/wxa/set': {
    method: 'POST',
    handler: (p, b) => {
      const page = str(b, 'page_id')
      if (!p.s.pages[page]) throw new WxError(40097, 'invalid args: page_id')
      p.s.wxa[page] = str(b, 'wxa_appid')
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
        .sort((x, y) => (sort === 'DESC' ? y.create_time - x.create_time : x.create_time - y.create_time) || x.order_id.localeCompare(y.order_id))
      return { total_count: all.length, order_list: all.slice(offset, offset + count).map(orderView) }
    },
  },
  'card/giftcard/order/refund': {
    method: 'POST',
    handler: (p, b) => {
      const o = p.s.orders[str(b, 'order_id')]
      if (!o) throw new WxError(40097, 'invalid args: order_id')
      if (o.status === 'REFUND') throw new WxError(40097, 'invalid args: the order is already refunded')
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
