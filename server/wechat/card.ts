// card/*: create, update, get, batchget, delete, modifystock, qrcode/create, testwhitelist/set,
// user/getcardlist. Request bodies are the documents' JSON.
import { baseInfoLimits, COUPON_TYPES, cardTypeProblems } from '../../contract/card-rules'
import { checkMemberCreate, checkMemberUpdate } from './member-card-rules'
import { CODE_TYPES, COLORS, DATE_TYPES, GIFT_CARD_CODE_TYPES, Rules } from './rules'
import type { WxTransport } from './transport'

export const CARD_TYPES = ['GENERAL_CARD', 'MEMBER_CARD', 'CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON'] as const
export type CardType = (typeof CARD_TYPES)[number]

export interface DateInfo {
  type: (typeof DATE_TYPES)[number]
  begin_timestamp?: number
  end_timestamp?: number
  fixed_term?: number
  fixed_begin_term?: number
}

export interface BaseInfo {
  logo_url: string
  brand_name: string
  code_type: (typeof CODE_TYPES)[number]
  title: string
  color: string
  notice: string
  description: string
  date_info: DateInfo
  sku: { quantity: number }
  service_phone?: string
  get_limit?: number
  use_limit?: number
  use_custom_code?: boolean
  get_custom_code_mode?: 'GET_CUSTOM_CODE_MODE_DEPOSIT'
  bind_openid?: boolean
  can_share?: boolean
  can_give_friend?: boolean
  location_id_list?: number[]
  use_all_locations?: boolean
  center_title?: string
  center_sub_title?: string
  center_url?: string
  center_app_brand_user_name?: string
  center_app_brand_pass?: string
  custom_url_name?: string
  custom_url?: string
  custom_url_sub_title?: string
  custom_app_brand_user_name?: string
  custom_app_brand_pass?: string
  promotion_url_name?: string
  promotion_url?: string
  promotion_app_brand_user_name?: string
  promotion_app_brand_pass?: string
  need_push_on_view?: boolean
  /** gift cards */
  giftcard_info?: { price: number }
  max_give_friend_times?: number
  [field: string]: unknown
}

export interface CustomField {
  name?: string
  name_type?: string
  url?: string
  app_brand_user_name?: string
  app_brand_pass?: string
}

export interface CardBody {
  base_info: BaseInfo
  advanced_info?: Record<string, unknown>
  sub_card_type?: 'GIFT_CARD' | string
  background_pic_url?: string
  supply_balance?: boolean
  supply_bonus?: boolean
  init_balance?: number
  auto_activate?: boolean
  prerogative?: string
  custom_field1?: CustomField
  custom_field2?: CustomField
  custom_field3?: CustomField
  custom_cell1?: { name: string; tips?: string; url?: string }
  [field: string]: unknown
}

export interface CardCreateRequest {
  card: { card_type: CardType } & { [body: string]: CardBody | string }
}

/** The body key of each card type: GENERAL_CARD → general_card. */
export const bodyKey = (type: CardType) => type.toLowerCase()

/**
 * The jump fields WeChat no longer takes as web links: card-api-guide.zh.txt lines 777, 781, 786
 * "注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代". gift-card-api line 377 still lists "center_url Link
 * to the middle entrance" and §14 (line 2282) jumps to the Mini Program through it: the reading taken for
 * every card type is that a url stands only beside its Mini Program (the *_app_brand_user_name field; the
 * url is the fallback for clients without Mini Programs); a web link alone is refused.
 */
const JUMP_FIELDS = [
  ['center_url', 'center_app_brand_user_name'],
  ['custom_url', 'custom_app_brand_user_name'],
  ['promotion_url', 'promotion_app_brand_user_name'],
] as const

export function checkJumps(b: Partial<BaseInfo>, f: (name: string) => string, r: Rules): void {
  for (const [url, app] of JUMP_FIELDS) {
    if (typeof b[url] === 'string' && b[url] !== '' && !(typeof b[app] === 'string' && b[app] !== '')) {
      r.fail(f(url), `is a web link: 微信卡券不再支持配置网页链接跳转,请选择小程序替代 (give ${app} and its path)`)
    }
  }
}

/** Checks a card/create body against the documented rules (all card types, gift-card specifics). */
export function checkCardCreate(req: CardCreateRequest, r: Rules = new Rules('card/create')): void {
  const card = req?.card
  if (!card || typeof card !== 'object') r.fail('card', 'is required')
  r.oneOf('card.card_type', card.card_type, CARD_TYPES)
  const key = bodyKey(card.card_type)
  const body = card[key] as CardBody | undefined
  if (!body || typeof body !== 'object') r.fail(`card.${key}`, `is required for card_type ${card.card_type}`)
  const b = body.base_info
  if (!b || typeof b !== 'object') r.fail(`card.${key}.base_info`, 'is required')
  const f = (name: string) => `card.${key}.base_info.${name}`
  // Friend coupons: advanced_info.share_friends (friend-coupons.zh.txt lists share_friends among the
  // Advanced_info fields and its example puts it there). WeChat composes their title from the
  // thresholds ("标题自动拼为满xx减xx"), stock is bought with coins, and the document's own creation
  // example has neither title, notice nor sku: those three are required of every other card only.
  const friend = (body.advanced_info as { share_friends?: unknown } | undefined)?.share_friends === true
  // Lengths and which texts are required: contract/card-rules.ts (the console's forms check the same).
  const limits = baseInfoLimits(card.card_type, friend)
  for (const k of ['title', 'brand_name', 'notice', 'description'] as const) r.chinese(f(k), b[k], limits[k].max, limits[k].required)
  r.chinese(f('custom_url_name'), b.custom_url_name, 5)
  r.chinese(f('promotion_url_name'), b.promotion_url_name, 5)
  r.chinese(f('custom_url_sub_title'), b.custom_url_sub_title, 6)
  r.chinese(f('center_title'), b.center_title, 6)
  // gift-card-api line 350 "the logo must be uploaded to the CDN first"; line 206 the same of background_pic_url.
  r.picture(f('logo_url'), b.logo_url)
  r.picture(`card.${key}.background_pic_url`, body.background_pic_url, false)
  checkJumps(b, f, r)
  // The coupon types take the guide's colour table (contract/card-rules.ts checks it below).
  if (!(COUPON_TYPES as readonly string[]).includes(card.card_type)) r.oneOf(f('color'), b.color, COLORS)
  else if (typeof b.color !== 'string') r.fail(f('color'), 'is required')
  r.oneOf(f('code_type'), b.code_type, CODE_TYPES)
  const d = b.date_info
  if (!d || typeof d !== 'object') r.fail(f('date_info'), 'is required')
  r.oneOf(f('date_info.type'), d.type, DATE_TYPES)
  if (d.type === 'DATE_TYPE_FIX_TIME_RANGE') {
    r.timestamp(f('date_info.begin_timestamp'), d.begin_timestamp, true)
    r.timestamp(f('date_info.end_timestamp'), d.end_timestamp, true)
    if (d.end_timestamp! <= d.begin_timestamp!) r.fail(f('date_info.end_timestamp'), 'must be after begin_timestamp')
  } else if (d.type === 'DATE_TYPE_FIX_TERM') {
    // fixed_term 0: gift-card-api line 363 (gift cards) "Complete 0 as valid on the day of receipt";
    // card-api-guide.zh.txt line 763 (the other types) "不支持填写0". contract/card-rules.ts holds the
    // per-type minimum; here only the range common to both.
    r.int(f('date_info.fixed_term'), d.fixed_term, 0, 36500)
    r.int(f('date_info.fixed_begin_term'), d.fixed_begin_term, 0, 36500, false)
  }
  if (!friend || b.sku !== undefined) {
    if (!b.sku || typeof b.sku !== 'object') r.fail(f('sku'), 'is required')
    r.int(f('sku.quantity'), b.sku.quantity, 0, 100_000_000)
  }
  r.int(f('get_limit'), b.get_limit, 0, 100_000_000, false)
  if (card.card_type === 'GENERAL_CARD' && body.sub_card_type === 'GIFT_CARD') {
    if (!b.giftcard_info || typeof b.giftcard_info !== 'object') r.fail(f('giftcard_info'), 'is required for a gift card')
    r.int(f('giftcard_info.price'), b.giftcard_info.price, 1, 100_000_000)
    // §6.3 base_info: "max_give_friend_times Maximum number of times a gift card can be given yes".
    r.int(f('max_give_friend_times'), b.max_give_friend_times, 0, 100)
    // §6.3 base_info: "get_limit For a maximum number of receipts per person, you must fill in 0. no":
    // optional, and when given it must be 0 (a gift card is bought, not claimed per person).
    if (b.get_limit !== undefined && b.get_limit !== 0) r.fail(f('get_limit'), 'must be 0 for a gift card ("you must fill in 0")')
    // §6.3 lists five code types for gift cards; CODE_TYPE_NONE belongs to friend coupons only.
    r.oneOf(f('code_type'), b.code_type, GIFT_CARD_CODE_TYPES)
    r.int(`card.${key}.init_balance`, body.init_balance, 0, 100_000_000, false)
    // "Developers can only fill in supply_balance and custom_field1..3 at most" three of them.
    const used = [body.supply_balance === true, !!body.custom_field1, !!body.custom_field2, !!body.custom_field3].filter(Boolean).length
    if (used > 3) r.fail(`card.${key}.supply_balance`, 'and custom_field1..3 together may use at most three slots')
  }
  if (card.card_type === 'MEMBER_CARD') checkMemberCreate(body as Record<string, unknown>, r)
  for (const n of [1, 2, 3] as const)
    r.chinese(`card.${key}.custom_cell${n}.name`, (body[`custom_cell${n}`] as { name?: string } | undefined)?.name, 5)
  // The per-type rules of card-api-guide.zh.txt and friend-coupons.zh.txt (shared with the console's forms).
  const problem = cardTypeProblems(req)[0]
  if (problem) r.fail(problem.field, problem.rule)
}

export interface QrCodeCard {
  card_id: string
  code?: string
  openid?: string
  is_unique_code?: boolean
  outer_str?: string
}

export type QrCodeRequest =
  | { action_name: 'QR_CARD'; expire_seconds?: number; action_info: { card: QrCodeCard } }
  | { action_name: 'QR_MULTIPLE_CARD'; expire_seconds?: number; action_info: { multiple_card: { card_list: QrCodeCard[] } } }

export class CardApi {
  constructor(private readonly t: WxTransport) {}

  async create(req: CardCreateRequest) {
    checkCardCreate(req, new Rules('card/create', this.t.apiOrigin))
    return this.t.call<{ card_id: string }>('card/create', { body: req })
  }

  async update(req: { card_id: string; [type: string]: unknown }) {
    const r: Rules = new Rules('card/update', this.t.apiOrigin)
    if (!req.card_id) r.fail('card_id', 'is required')
    // A member card's own fields and what card/update may change of them (member-card-management §8.2, §8.3).
    if (req.member_card !== undefined) checkMemberUpdate(req.member_card as Record<string, unknown>, undefined, r)
    for (const [k, v] of Object.entries(req)) {
      const bi = (v as { base_info?: Partial<BaseInfo> } | undefined)?.base_info
      if (!bi) continue
      r.chinese(`${k}.base_info.title`, bi.title, 9)
      r.chinese(`${k}.base_info.notice`, bi.notice, k === 'general_card' ? 12 : 16)
      r.chinese(`${k}.base_info.description`, bi.description, k === 'general_card' ? 1000 : 1024)
      if (bi.color !== undefined) r.oneOf(`${k}.base_info.color`, bi.color, COLORS)
      r.timestamp(`${k}.base_info.date_info.end_timestamp`, bi.date_info?.end_timestamp)
      r.picture(`${k}.base_info.logo_url`, bi.logo_url, false)
      // Jump links are not checked here: a url may stand beside the Mini Program the card already has,
      // which only WeChat knows (it answers 40097 for a web link alone).
    }
    for (const [k, v] of Object.entries(req)) {
      const body = v as { background_pic_url?: unknown } | undefined
      if (body && typeof body === 'object') r.picture(`${k}.background_pic_url`, body.background_pic_url, false)
    }
    return this.t.call<{ send_check: boolean }>('card/update', { body: req })
  }

  async get(cardId: string) {
    return this.t.call<{ card: Record<string, unknown> }>('card/get', { body: { card_id: cardId }, idempotent: true })
  }

  async batchGet(req: { offset: number; count: number; status_list?: string[] }) {
    const r: Rules = new Rules('card/batchget')
    r.int('offset', req.offset, 0, Number.MAX_SAFE_INTEGER)
    r.int('count', req.count, 1, 50)
    return this.t.call<{ card_id_list: string[]; total_num: number }>('card/batchget', { body: req, idempotent: true })
  }

  async delete(cardId: string) {
    return this.t.call('card/delete', { body: { card_id: cardId }, idempotent: true })
  }

  async modifyStock(req: { card_id: string; increase_stock_value?: number; reduce_stock_value?: number }) {
    const r: Rules = new Rules('card/modifystock')
    r.int('increase_stock_value', req.increase_stock_value, 1, 100_000_000, false)
    r.int('reduce_stock_value', req.reduce_stock_value, 1, 100_000_000, false)
    if (!req.increase_stock_value === !req.reduce_stock_value) r.fail('increase_stock_value', 'or reduce_stock_value: give exactly one')
    return this.t.call('card/modifystock', { body: req })
  }

  async qrcodeCreate(req: QrCodeRequest) {
    const r: Rules = new Rules('card/qrcode/create')
    r.int('expire_seconds', req.expire_seconds, 60, 1800, false)
    if (req.action_name === 'QR_MULTIPLE_CARD')
      r.count('action_info.multiple_card.card_list', req.action_info?.multiple_card?.card_list, 1, 5)
    else if (req.action_name !== 'QR_CARD') r.fail('action_name', 'must be QR_CARD or QR_MULTIPLE_CARD')
    return this.t.call<{ ticket: string; expire_seconds?: number; url: string; show_qrcode_url: string }>('card/qrcode/create', {
      body: req,
    })
  }

  async testWhitelistSet(req: { openid?: string[]; username?: string[] }) {
    const r: Rules = new Rules('card/testwhitelist/set')
    const n = (req.openid?.length ?? 0) + (req.username?.length ?? 0)
    if (n === 0 || n > 10) r.fail('openid', `and username together must hold 1 to 10 entries, got ${n}`)
    return this.t.call('card/testwhitelist/set', { body: req, idempotent: true })
  }

  async userGetCardList(openid: string, cardId?: string) {
    return this.t.call<{ card_list: { code: string; card_id: string }[]; has_share_card: boolean }>('card/user/getcardlist', {
      body: cardId ? { openid, card_id: cardId } : { openid },
      idempotent: true,
    })
  }
}
