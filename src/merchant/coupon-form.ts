// A coupon as a merchant fills it in (yuan, dates), for each type of card-api-guide.zh.txt (团购券,
// 代金券, 折扣券, 兑换券, 优惠券) and the friend coupons of friend-coupons.zh.txt (代金券 or 兑换券 with
// share_friends). The form is turned into the card/create body first and that body is judged by the
// rules the server applies (contract/card-rules.ts: baseInfoLimits and cardTypeProblems), so the
// console refuses exactly what the merchant function would; only the typing (an amount, a date, a
// number) is checked here, before there is a body to judge.
import { baseInfoLimits, cardTypeProblems, type CouponType } from '../../contract/card-rules'
import { dateToSec, parseYuan, utf8Bytes } from './giftcard-form'

export interface CouponForm {
  type: CouponType
  /** a friend coupon (朋友的券): CASH or GIFT only */
  friend: boolean
  title: string
  brandName: string
  logoUrl: string
  /** YYYY-MM-DD, Beijing time */
  beginDate: string
  endDate: string
  quantity: string
  notice: string
  description: string
  /** CASH: yuan off, and the threshold in yuan ("" or 0: none) */
  reduceCost: string
  leastCost: string
  /** DISCOUNT: percent off (30 = 七折) */
  discount: string
  /** GIFT: what it is exchanged for */
  gift: string
  /** GIFT as a friend coupon: 洗手液 + 1 + 瓶 */
  giftName: string
  giftNum: string
  giftUnit: string
  /** GROUPON */
  dealDetail: string
  /** GENERAL_COUPON */
  defaultDetail: string
  /** a friend coupon's store (poi_id) */
  locationId: string
}

export type CouponField = Exclude<keyof CouponForm, 'type' | 'friend'>

export type CouponFieldError =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'yuan' }
  | { kind: 'date' }
  | { kind: 'endBeforeBegin' }
  | { kind: 'expired' }
  | { kind: 'quantity' }
  | { kind: 'image' }
  | { kind: 'number' }
  /** the contract refused the value: the page says what the document asks of this field */
  | { kind: 'rule'; field: CouponField }

/** The fields the merchant fills in for a type (and friend or not), in the order the form shows them. */
export function couponFields(type: CouponType, friend: boolean): CouponField[] {
  const own: Record<CouponType, CouponField[]> = {
    CASH: ['reduceCost', 'leastCost'],
    DISCOUNT: ['discount'],
    GIFT: friend ? ['giftName', 'giftNum', 'giftUnit'] : ['gift'],
    GROUPON: ['dealDetail'],
    GENERAL_COUPON: ['defaultDetail'],
  }
  const common: CouponField[] = friend
    ? ['brandName', 'logoUrl', 'beginDate', 'endDate', 'description', 'locationId']
    : ['title', 'brandName', 'logoUrl', 'beginDate', 'endDate', 'quantity', 'notice', 'description']
  return [...own[type], ...common]
}

/** Which fields must be filled (marked before the merchant submits). */
export function requiredCouponFields(type: CouponType, friend: boolean): Set<CouponField> {
  const limits = baseInfoLimits(type, friend)
  const optional = new Set<CouponField>([
    'leastCost',
    ...(limits.title.required ? [] : ['title' as const]),
    ...(limits.notice.required ? [] : ['notice' as const]),
  ])
  return new Set(couponFields(type, friend).filter((k) => !optional.has(k)))
}

/** The contract's field path (card.cash.reduce_cost …) → the form's field. */
function formFieldOf(path: string): CouponField | undefined {
  const leaf = path.replace(/^card\.[a-z_]+\./, '')
  const map: Record<string, CouponField> = {
    reduce_cost: 'reduceCost',
    least_cost: 'leastCost',
    'advanced_info.use_condition.least_cost': 'leastCost',
    discount: 'discount',
    gift: 'gift',
    gift_name: 'giftName',
    gift_num: 'giftNum',
    gift_unit: 'giftUnit',
    deal_detail: 'dealDetail',
    default_detail: 'defaultDetail',
    'base_info.date_info.end_timestamp': 'endDate',
    'base_info.date_info.fixed_term': 'endDate',
    'base_info.location_id_list': 'locationId',
    'base_info.sku.quantity': 'quantity',
    'advanced_info.text_image_list': 'logoUrl',
  }
  return map[leaf]
}

const num = (s: string) => (/^\d{1,9}$/.test(s.trim()) ? Number(s) : undefined)

/** The card/create body of the form as far as it can be read (unreadable amounts are left out, and reported by checkCouponForm). */
export function couponBody(f: CouponForm) {
  const key = f.type.toLowerCase()
  const friend = f.friend && (f.type === 'CASH' || f.type === 'GIFT')
  const begin = dateToSec(f.beginDate)
  const end = dateToSec(f.endDate, true)
  const loc = num(f.locationId)
  const base_info = {
    logo_url: f.logoUrl,
    brand_name: f.brandName.trim(),
    code_type: 'CODE_TYPE_QRCODE',
    color: 'Color010',
    ...(f.title.trim() ? { title: f.title.trim() } : {}),
    ...(f.notice.trim() ? { notice: f.notice.trim() } : {}),
    description: f.description.trim(),
    date_info: {
      type: 'DATE_TYPE_FIX_TIME_RANGE',
      ...(begin !== undefined ? { begin_timestamp: begin } : {}),
      ...(end !== undefined ? { end_timestamp: end } : {}),
    },
    ...(friend
      ? { can_share: false, can_give_friend: false, use_custom_code: false, ...(loc !== undefined ? { location_id_list: [loc] } : {}) }
      : { sku: { quantity: num(f.quantity) ?? 0 }, get_limit: 1, use_custom_code: false, can_share: true, can_give_friend: true }),
  }
  const yuanOr = (s: string) => parseYuan(s)
  const own: Record<CouponType, Record<string, unknown>> = {
    CASH: {
      ...(yuanOr(f.reduceCost) !== undefined ? { reduce_cost: yuanOr(f.reduceCost) } : {}),
      least_cost: f.leastCost.trim() ? (yuanOr(f.leastCost) ?? 0) : 0,
    },
    DISCOUNT: { ...(num(f.discount) !== undefined ? { discount: num(f.discount) } : {}) },
    GIFT: friend
      ? {
          gift_name: f.giftName.trim(),
          ...(num(f.giftNum) !== undefined ? { gift_num: num(f.giftNum) } : {}),
          gift_unit: f.giftUnit.trim(),
        }
      : { gift: f.gift.trim() },
    GROUPON: { deal_detail: f.dealDetail.trim() },
    GENERAL_COUPON: { default_detail: f.defaultDetail.trim() },
  }
  const advanced = friend
    ? {
        advanced_info: {
          share_friends: true,
          ...(f.logoUrl ? { text_image_list: [{ image_url: f.logoUrl, text: f.description.trim() }] } : {}),
        },
      }
    : {}
  return { card_type: f.type, [key]: { base_info, ...own[f.type], ...advanced } }
}

/** The form's errors, field by field: typing first, then the contract's rules on the body. */
export function checkCouponForm(f: CouponForm, nowSec = Math.floor(Date.now() / 1000)): Partial<Record<CouponField, CouponFieldError>> {
  const errors: Partial<Record<CouponField, CouponFieldError>> = {}
  const friend = f.friend && (f.type === 'CASH' || f.type === 'GIFT')
  const fields = couponFields(f.type, friend)
  const required = requiredCouponFields(f.type, friend)
  for (const k of fields) if (required.has(k) && !f[k].trim()) errors[k] = { kind: 'required' }
  const limits = baseInfoLimits(f.type, friend)
  const texts: [CouponField, keyof typeof limits][] = [
    ['title', 'title'],
    ['brandName', 'brand_name'],
    ['notice', 'notice'],
    ['description', 'description'],
  ]
  for (const [k, l] of texts)
    if (!errors[k] && utf8Bytes(f[k].trim()) > limits[l].max * 3) errors[k] = { kind: 'tooLong', max: limits[l].max }
  for (const k of ['reduceCost', 'leastCost'] as const)
    if (fields.includes(k) && f[k].trim() && !errors[k] && parseYuan(f[k]) === undefined) errors[k] = { kind: 'yuan' }
  for (const k of ['discount', 'giftNum', 'locationId'] as const)
    if (fields.includes(k) && f[k].trim() && !errors[k] && num(f[k]) === undefined) errors[k] = { kind: 'number' }
  if (fields.includes('quantity') && !errors.quantity && (num(f.quantity) === undefined || Number(f.quantity) > 100_000_000))
    errors.quantity = { kind: 'quantity' }
  if (!errors.logoUrl && !/^https?:\/\//.test(f.logoUrl)) errors.logoUrl = { kind: 'image' }
  const begin = dateToSec(f.beginDate)
  const end = dateToSec(f.endDate, true)
  if (!errors.beginDate && begin === undefined) errors.beginDate = { kind: 'date' }
  if (!errors.endDate) {
    if (end === undefined) errors.endDate = { kind: 'date' }
    else if (end < nowSec) errors.endDate = { kind: 'expired' }
    else if (begin !== undefined && end <= begin) errors.endDate = { kind: 'endBeforeBegin' }
  }
  for (const p of cardTypeProblems({ card: couponBody(f) })) {
    const k = formFieldOf(p.field)
    if (k && !errors[k]) errors[k] = { kind: 'rule', field: k }
  }
  return errors
}

/** A blank form: valid from today for 30 days (a friend coupon may last at most 90). */
export function emptyCouponForm(type: CouponType = 'CASH', nowMs = Date.now()): CouponForm {
  const day = (offset: number) => new Date(nowMs + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10)
  return {
    type,
    friend: false,
    title: '',
    brandName: '',
    logoUrl: '',
    beginDate: day(0),
    endDate: day(30),
    quantity: '1000',
    notice: '使用时向服务员出示此券',
    description: '',
    reduceCost: '',
    leastCost: '',
    discount: '',
    gift: '',
    giftName: '',
    giftNum: '1',
    giftUnit: '',
    dealDetail: '',
    defaultDetail: '',
    locationId: '',
  }
}
