// The emulator's own reading of the per-type rules of card-api-guide.zh.txt and friend-coupons.zh.txt
// (written from the documents, not shared with the product's client: the conformance tests hold both
// to the same examples). Throws WeChat's errcodes: 40097 invalid args, 41025 no location list,
// 40079 a validity the document forbids.
import type { Body } from './api'
import { IMAGE_URL_ERRCODE, onCdn } from './cdn'
import { WxError } from './platform'

/** A picture field must hold a URL from cgi-bin/media/uploadimg (see onCdn); 40141 otherwise. */
export function needCdn(field: string, url: unknown, base: string): void {
  if (!onCdn(url, base))
    throw new WxError(IMAGE_URL_ERRCODE, `invalid image url: ${field} must be uploaded to the CDN first (cgi-bin/media/uploadimg)`)
}

/**
 * The jump fields WeChat no longer takes as web links: card-api-guide.zh.txt lines 777, 781, 786
 * ("注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代"). gift-card-api line 377 still lists
 * "center_url Link to the middle entrance" and §14 (line 2282) jumps to a Mini Program through it, so the
 * reading taken for every card type: a url is kept only beside its Mini Program (the *_app_brand_user_name
 * field, the url being the fallback for clients without Mini Programs); a web link alone is refused.
 */
const JUMP_FIELDS = [
  ['center_url', 'center_app_brand_user_name'],
  ['custom_url', 'custom_app_brand_user_name'],
  ['promotion_url', 'promotion_app_brand_user_name'],
] as const

export function checkJumps(bi: Body): void {
  for (const [url, app] of JUMP_FIELDS) {
    if (typeof bi[url] === 'string' && bi[url] !== '' && (typeof bi[app] !== 'string' || bi[app] === '')) {
      bad(`${url} is a web link; 微信卡券不再支持配置网页链接跳转,请选择小程序替代 (give ${app})`)
    }
  }
}

/** The guide's colour table, and Color100 from its field row ("Color010-Color100"). */
export const COUPON_COLORS = new Set([
  'Color010',
  'Color020',
  'Color030',
  'Color040',
  'Color050',
  'Color060',
  'Color070',
  'Color080',
  'Color081',
  'Color082',
  'Color090',
  'Color0100',
  'Color0101',
  'Color0102',
  'Color100',
])
export const COUPON_CARD_TYPES = new Set(['CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON'])

const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0)
const bad = (what: string): never => {
  throw new WxError(40097, `invalid args: ${what}`)
}

function needText(body: Body, k: string, max: number): void {
  const v = body[k]
  if (typeof v !== 'string' || v === '') throw new WxError(47001, `data format error: ${k} is required`)
  if (bytes(v) > max) bad(`${k} exceeds ${max} bytes`)
}

export function checkCouponType(cardType: string, body: Body, friend: boolean): void {
  const bi = (body.base_info ?? {}) as Body
  const date = (bi.date_info ?? {}) as Body
  const adv = (body.advanced_info ?? {}) as Body
  if (COUPON_CARD_TYPES.has(cardType) && !COUPON_COLORS.has(String(bi.color))) bad('color is not in the colour table')
  // "quantity | 是 | int | 100000 | 卡券库存的数量,上限为100000000。"
  const quantity = (bi.sku as Body | undefined)?.quantity
  if (quantity !== undefined && (!whole(quantity) || quantity < 0 || quantity > 100_000_000)) bad('quantity must be 0 to 100000000')
  // The documents disagree on fixed_term 0. card-api-guide.zh.txt line 763 (every coupon type, and the
  // base_info member cards share): "fixed_term … 表示自领取后多少天内有效,不支持填写0". gift-card-api
  // line 363 (§6.3, GENERAL_CARD with sub_card_type GIFT_CARD): "Complete 0 as valid on the day of
  // receipt". Each document speaks for its own card types, so a gift card takes 0, the others need 1.
  const giftCard = cardType === 'GENERAL_CARD' && body.sub_card_type === 'GIFT_CARD'
  if (date.type === 'DATE_TYPE_FIX_TERM' && (!whole(date.fixed_term) || date.fixed_term < (giftCard ? 0 : 1)))
    bad(giftCard ? 'fixed_term must be 0 (the day of receipt) or more days' : 'fixed_term must be at least 1 day (不支持填写0)')
  // "use_limit … 每人可核销的数量限制"
  if (bi.use_limit !== undefined && (!whole(bi.use_limit) || bi.use_limit < 1)) bad('use_limit must be a positive integer')
  // "填入该字段后,quantity字段须为0"
  if (bi.get_custom_code_mode !== undefined) {
    if (bi.get_custom_code_mode !== 'GET_CUSTOM_CODE_MODE_DEPOSIT') bad('get_custom_code_mode')
    if ((bi.sku as Body | undefined)?.quantity !== 0) bad('quantity must be 0 in deposit-code mode')
  }
  switch (cardType) {
    case 'GROUPON':
      needText(body, 'deal_detail', 3072)
      break
    case 'CASH': {
      if (!whole(body.reduce_cost)) throw new WxError(47001, 'data format error: reduce_cost is required')
      // friend coupons: "reduce_cost … 不可填0"
      if (body.reduce_cost < 0 || (friend && body.reduce_cost === 0)) bad('reduce_cost')
      const least = body.least_cost ?? (adv.use_condition as Body | undefined)?.least_cost
      if (least !== undefined && (!whole(least) || least < 0)) bad('least_cost')
      break
    }
    case 'DISCOUNT':
      if (!whole(body.discount)) throw new WxError(47001, 'data format error: discount is required')
      if (body.discount < 1 || body.discount > 99) bad('discount must be 1 to 99 (percent off)')
      break
    case 'GIFT':
      if (friend) {
        needText(body, 'gift_name', 18)
        needText(body, 'gift_unit', 6)
        if (!whole(body.gift_num) || body.gift_num < 1 || body.gift_num > 999) bad('gift_num must be at most three digits')
      } else needText(body, 'gift', 3072)
      break
    case 'GENERAL_COUPON':
      needText(body, 'default_detail', 3072)
      break
  }
  if (!friend) return
  if (bi.use_custom_code === true) bad('friend coupons do not support custom codes')
  if (bi.can_share !== false || bi.can_give_friend !== false) bad('can_share and can_give_friend must be false for a friend coupon')
  if (((bi.sku as Body | undefined)?.quantity ?? 0) !== 0) bad('a friend coupon’s stock is bought with coins, not given at creation')
  if (!Array.isArray(adv.text_image_list) || adv.text_image_list.length === 0)
    bad('text_image_list needs at least one entry for a friend coupon')
  const selfNum = adv.consume_share_self_num
  if (selfNum !== undefined && (!whole(selfNum) || selfNum < 0 || selfNum > 1)) bad('consume_share_self_num must be 0 or 1')
  const list = adv.consume_share_card_list
  if (list !== undefined) {
    if (!Array.isArray(list) || list.length > 1) bad('consume_share_card_list holds at most one card')
    const items = list as Body[]
    if (items.length === 1 && whole(selfNum) && selfNum > 0)
      bad('consume_share_self_num and consume_share_card_list are mutually exclusive')
    if (items.length === 1 && (typeof items[0]!.card_id !== 'string' || items[0]!.num !== 1)) bad('consume_share_card_list num must be 1')
  }
}

/** The title WeChat gives a friend coupon ("统一命名为xxx元代金券"; "洗手液(商品名)+1(数量)+瓶(数量单位)"). */
export function friendTitle(cardType: string, body: Body): string {
  const yuan = (fen: number) => (fen / 100).toFixed(2).replace(/\.?0+$/, '')
  if (cardType === 'CASH') {
    const least = Number(body.least_cost ?? ((body.advanced_info as Body | undefined)?.use_condition as Body | undefined)?.least_cost ?? 0)
    return least ? `全场满${yuan(least)}减${yuan(Number(body.reduce_cost))}` : `${yuan(Number(body.reduce_cost))}元代金券`
  }
  return `${String(body.gift_name)}${String(body.gift_num)}${String(body.gift_unit)}`
}

/**
 * The coin price of one friend coupon: "1)无门槛类型,保持0.2券点/张; 2)指定品类可用/不可用门槛,0.4券点/张;
 * 3)满减/买xx可用门槛,0.6券点/张". In tenths of a coin, so sums stay whole.
 */
export function coinTenthsPerCoupon(body: Body): number {
  const cond = ((body.advanced_info as Body | undefined)?.use_condition ?? {}) as Body
  const least = Number(body.least_cost ?? cond.least_cost ?? 0)
  if (least > 0 || cond.object_use_for) return 6
  if (cond.accept_category || cond.reject_category) return 4
  return 2
}
