// card/giftcard/page/{add,get,update,batchget} and card/giftcard/maintain/set (gift-card-api §7).
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface GiftCardTheme {
  theme_pic_url: string
  title: string
  title_color?: string
  item_list: { card_id: string; title?: string; pic_url?: string; desc?: string }[]
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

export type PageControlType = 'E_PAGE_CONTROL_NORMAL' | 'E_PAGE_CONTROL_BIZ' | 'E_PAGE_CONTROL_SYSTEM' | string

/** gift-card-api §7.6: what card/giftcard/maintain/set answers, the control state of every shelf. */
export interface MaintainReply {
  control_info: {
    /** the merchant's control of all shelves under the AppID */
    biz_control_type: PageControlType
    /** the system's control of all shelves under the AppID */
    system_biz_control_type: PageControlType
    list: { page_id: string; page_control_type: PageControlType; system_page_control_type: PageControlType }[]
  }
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0

/**
 * The documented rules of a shelf (gift-card-api §7.2 page/add, §7.4 page/update; both tables mark
 * the same fields "yes"): page_title, banner_pic_url, theme_list, address, service_phone,
 * biz_description, cell_1 and cell_2 (each a title and a url: "Merchant custom links to carry out
 * refunds, invoices, etc." — §12.2 makes a refund and an invoice entry a legal duty); each theme its
 * theme_pic_url, title, title_color, items and faces; each face its background_pic_url and
 * default_gifting_msg; category_index on every theme when categories exist.
 *
 * Every picture must be on WeChat's CDN: banner_pic_url (line 569), theme_pic_url (583) and
 * background_pic_url (601) "must be uploaded to the CDN first".
 *
 * item_list (lines 596-599): "title Trade name, not filled in, default card name yes", "pic_url Product
 * thumbnail … yes", "desc Product Description yes"; the §7.2 example (lines 449-456) sends card_id and
 * title only, and title's own row says it may be left out. The reading: WeChat takes what its example
 * sends, so only card_id is required, and title, pic_url and desc are checked when given (non-empty
 * text; pic_url on the CDN). page_title is absent from the §7.4 table, so an update may leave it out.
 */
export function checkPage(page: GiftCardPage, r: Rules, needId = false): void {
  if (!page || typeof page !== 'object') r.fail('page', 'is required')
  if (needId && !page.page_id) r.fail('page.page_id', 'is required')
  if (!needId || page.page_title !== undefined) r.chinese('page.page_title', page.page_title, 9, true)
  r.picture('page.banner_pic_url', page.banner_pic_url)
  for (const k of ['address', 'service_phone', 'biz_description'] as const) {
    if (!nonEmpty(page[k])) r.fail(`page.${k}`, 'is required')
  }
  for (const k of ['cell_1', 'cell_2'] as const) {
    const cell = page[k]
    if (!cell || typeof cell !== 'object') r.fail(`page.${k}`, 'is required (a title and a url, e.g. refunds and invoices)')
    if (!nonEmpty(cell.title)) r.fail(`page.${k}.title`, 'is required')
    if (!nonEmpty(cell.url) || !/^https?:\/\//.test(cell.url)) r.fail(`page.${k}.url`, 'must be an http(s) URL')
  }
  r.count('page.theme_list', page.theme_list, 1, 100)
  const cats = page.category_list?.length ?? 0
  page.theme_list.forEach((t, i) => {
    const f = (n: string) => `page.theme_list[${i}].${n}`
    r.picture(f('theme_pic_url'), t.theme_pic_url)
    r.chinese(f('title'), t.title, 15, true)
    if (!nonEmpty(t.title_color)) r.fail(f('title_color'), 'is required (a color value such as #FB966E)')
    r.count(f('item_list'), t.item_list, 1, 100)
    t.item_list.forEach((it, j) => {
      if (!nonEmpty(it.card_id)) r.fail(f(`item_list[${j}].card_id`), 'is required')
      for (const k of ['title', 'desc'] as const)
        if (it[k] !== undefined && !nonEmpty(it[k])) r.fail(f(`item_list[${j}].${k}`), 'must be non-empty text when given')
      r.picture(f(`item_list[${j}].pic_url`), it.pic_url, false)
    })
    r.count(f('pic_item_list'), t.pic_item_list, 1, 100)
    t.pic_item_list.forEach((p, j) => {
      r.picture(f(`pic_item_list[${j}].background_pic_url`), p.background_pic_url)
      if (!nonEmpty(p.default_gifting_msg)) r.fail(f(`pic_item_list[${j}].default_gifting_msg`), 'is required')
    })
    if (cats > 0) r.int(f('category_index'), t.category_index, 0, cats - 1)
  })
  const banners = page.theme_list.filter((t) => t.is_banner).length
  if (banners > 1) r.fail('page.theme_list', 'may mark at most one theme is_banner')
}

export class GiftCardPageApi {
  constructor(private readonly t: WxTransport) {}

  async add(page: GiftCardPage) {
    checkPage(page, new Rules('card/giftcard/page/add', this.t.apiOrigin))
    return this.t.call<{ page_id: string }>('card/giftcard/page/add', { body: { page } })
  }

  async get(pageId: string) {
    return this.t.call<{ page: GiftCardPage }>('card/giftcard/page/get', { body: { page_id: pageId }, idempotent: true })
  }

  /** Sends the whole shelf: §7.4 marks the same fields required as page/add. */
  async update(page: GiftCardPage & { page_id: string }) {
    checkPage(page, new Rules('card/giftcard/page/update', this.t.apiOrigin), true)
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
    return this.t.call<MaintainReply>('card/giftcard/maintain/set', { body: req, idempotent: true })
  }
}
