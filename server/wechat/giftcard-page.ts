// card/giftcard/page/{add,get,update,batchget} and card/giftcard/maintain/set (gift-card-api §7).
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface GiftCardTheme {
  theme_pic_url: string
  title: string
  title_color?: string
  item_list: { card_id: string; title?: string }[]
  pic_item_list: { background_pic_url: string; outer_img_id?: string; default_gifting_msg?: string }[]
  category_index?: number
  is_banner?: boolean
  show_sku_title_first?: boolean
}

export interface GiftCardPage {
  page_id?: string
  page_title: string
  support_multi?: boolean
  support_buy_for_self?: boolean
  banner_pic_url: string
  theme_list: GiftCardTheme[]
  category_list?: { title: string }[]
  address?: string
  service_phone?: string
  biz_description?: string
  need_receipt?: boolean
  cell_1?: { title: string; url: string }
  cell_2?: { title: string; url: string }
  [field: string]: unknown
}

/** The documented rules of a shelf: themes with items and faces; category_index on every theme when categories exist. */
export function checkPage(page: GiftCardPage, r: Rules, needId = false): void {
  if (!page || typeof page !== 'object') r.fail('page', 'is required')
  if (needId && !page.page_id) r.fail('page.page_id', 'is required')
  if (!needId || page.page_title !== undefined) r.chinese('page.page_title', page.page_title, 9, true)
  if (!needId && (typeof page.banner_pic_url !== 'string' || !page.banner_pic_url)) r.fail('page.banner_pic_url', 'is required')
  if (!needId || page.theme_list !== undefined) {
    r.count('page.theme_list', page.theme_list, 1, 100)
    const cats = page.category_list?.length ?? 0
    page.theme_list.forEach((t, i) => {
      const f = (n: string) => `page.theme_list[${i}].${n}`
      if (typeof t.theme_pic_url !== 'string' || !t.theme_pic_url) r.fail(f('theme_pic_url'), 'is required')
      r.chinese(f('title'), t.title, 15, true)
      r.count(f('item_list'), t.item_list, 1, 100)
      t.item_list.forEach((it, j) => {
        if (typeof it.card_id !== 'string' || !it.card_id) r.fail(f(`item_list[${j}].card_id`), 'is required')
      })
      r.count(f('pic_item_list'), t.pic_item_list, 1, 100)
      t.pic_item_list.forEach((p, j) => {
        if (typeof p.background_pic_url !== 'string' || !p.background_pic_url) r.fail(f(`pic_item_list[${j}].background_pic_url`), 'is required')
      })
      if (cats > 0) r.int(f('category_index'), t.category_index, 0, cats - 1)
    })
    const banners = page.theme_list.filter((t) => t.is_banner).length
    if (banners > 1) r.fail('page.theme_list', 'may mark at most one theme is_banner')
  }
}

export class GiftCardPageApi {
  constructor(private readonly t: WxTransport) {}

  async add(page: GiftCardPage) {
    checkPage(page, new Rules('card/giftcard/page/add'))
    return this.t.call<{ page_id: string }>('card/giftcard/page/add', { body: { page } })
  }

  async get(pageId: string) {
    return this.t.call<{ page: GiftCardPage }>('card/giftcard/page/get', { body: { page_id: pageId }, idempotent: true })
  }

  async update(page: GiftCardPage & { page_id: string }) {
    checkPage(page, new Rules('card/giftcard/page/update'), true)
    return this.t.call('card/giftcard/page/update', { body: { page }, idempotent: true })
  }

  async batchGet() {
    return this.t.call<{ page_id_list: string[] }>('card/giftcard/page/batchget', { body: {}, idempotent: true })
  }

  /** Takes one shelf (page_id) or all shelves (all: true) down, or back up with maintain false. */
  async maintainSet(req: { page_id: string; maintain: boolean } | { all: true; maintain: boolean }) {
    const r: Rules = new Rules('card/giftcard/maintain/set')
    if (!('all' in req) && !('page_id' in req && req.page_id)) r.fail('page_id', 'is required unless all is true')
    if (typeof req.maintain !== 'boolean') r.fail('maintain', 'must be true or false')
    return this.t.call('card/giftcard/maintain/set', { body: req, idempotent: true })
  }
}
