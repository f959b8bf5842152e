// Per-type card rules of card-api-guide.zh.txt (团购券 GROUPON, 代金券 CASH, 折扣券 DISCOUNT, 兑换券 GIFT,
// 优惠券 GENERAL_COUPON) and friend-coupons.zh.txt (朋友的券), as pure functions over a card/create body:
// no Node, no Taro, so the server's WeChat client checks them before sending and the merchant
// console's forms can show the same problems as the merchant types. Each rule carries the document's
// own line (`quote`), which the tests repeat. The emulator enforces the same documents on its own
// (emulator/wechat/card-type-rules.ts); neither side imports the other.
//
// Lengths: the documents type fields as string(N bytes) and speak of Chinese characters (3 UTF-8
// bytes each), so byte limits are checked on UTF-8 bytes.

export const COUPON_TYPES = ['CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON'] as const
export type CouponType = (typeof COUPON_TYPES)[number]

/** The guide's colour table (Color010 … Color0102), and Color100 from its own field row "按色彩规范标注填写Color010-Color100". */
export const GUIDE_COLORS = [
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
] as const

/** "get_limit … 每人可领券的数量限制,不填写默认为50。" */
export const DEFAULT_GET_LIMIT = 50
/** "use_limit … 每人可核销的数量限制,不填写默认为50。" */
export const DEFAULT_USE_LIMIT = 50
/** friend-coupons.zh.txt 常见问题 2: "每个商户最多只能创建时长不超过三个月(90天)的卡券". */
export const FRIEND_MAX_DAYS = 90

export interface CardRuleProblem {
  /** the field's path in the card/create body, e.g. card.cash.reduce_cost */
  field: string
  rule: string
  /** the document's words the rule stands on */
  quote: string
}

type Json = Record<string, unknown>

export function utf8Length(s: string): number {
  let n = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
  }
  return n
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

/** The body is a friend coupon: "share_friends 是否支持分享给朋友使用,填写true优惠券才可被共享" (an Advanced_info field). */
export function isFriendCoupon(body: unknown): boolean {
  return isObj(body) && isObj(body.advanced_info) && body.advanced_info.share_friends === true
}

/**
 * The base_info texts' limits in Chinese characters (3 UTF-8 bytes each), and which are required.
 * Gift cards and friend coupons show a 12-character notice, the other types 16; description:
 * gift-card-api line 358 "up to 1000 Chinese characters", friend-coupons.zh.txt line 358 "上限为1000个汉字",
 * card-api-guide.zh.txt line 756 "string(3072) … 字数上限为1024个汉字" for the other types. Friend coupons:
 * WeChat composes their title ("标题自动拼为满xx减xx") and the document's own creation example has
 * neither title nor notice, so those two are required of every other card only.
 */
export function baseInfoLimits(cardType: string, friend: boolean) {
  const short = cardType === 'GENERAL_CARD' || friend
  return {
    title: { max: 9, required: !friend },
    brand_name: { max: 12, required: true },
    notice: { max: short ? 12 : 16, required: !friend },
    description: { max: short ? 1000 : 1024, required: true },
  } as const
}

/** least_cost may stand in the body or, as the guide says it moved, in advanced_info.use_condition. */
export function leastCostOf(body: Json): number | undefined {
  const top = body.least_cost
  const cond =
    isObj(body.advanced_info) && isObj(body.advanced_info.use_condition) ? body.advanced_info.use_condition.least_cost : undefined
  const v = top ?? cond
  return isInt(v) ? v : undefined
}

/**
 * Everything wrong with a card/create body under the per-type rules (empty when it passes). Rules
 * common to every type and the gift card's own (server/wechat/card.ts) are checked there; these are
 * the ones the two documents add per type.
 */
export function cardTypeProblems(req: unknown): CardRuleProblem[] {
  const out: CardRuleProblem[] = []
  const card = isObj(req) && isObj(req.card) ? req.card : undefined
  if (!card || typeof card.card_type !== 'string') return out
  const type = card.card_type
  const key = type.toLowerCase()
  const body = card[key]
  if (!isObj(body)) return out
  const bi = isObj(body.base_info) ? body.base_info : {}
  const p = (field: string) => `card.${key}.${field}`
  const b = (field: string) => `card.${key}.base_info.${field}`
  const fail = (field: string, rule: string, quote: string) => out.push({ field, rule, quote })
  const text = (field: string, v: unknown, maxBytes: number, required: boolean, quote: string) => {
    if (v === undefined || v === null) {
      if (required) fail(field, 'is required', quote)
      return
    }
    if (typeof v !== 'string' || (required && v.length === 0)) return fail(field, 'must be a non-empty string', quote)
    if (utf8Length(v) > maxBytes) fail(field, `must be at most ${maxBytes} UTF-8 bytes, got ${utf8Length(v)}`, quote)
  }
  const friend = isFriendCoupon(body)

  if (
    (COUPON_TYPES as readonly string[]).includes(type) &&
    bi.color !== undefined &&
    !(GUIDE_COLORS as readonly unknown[]).includes(bi.color)
  ) {
    fail(
      b('color'),
      `must be one of ${GUIDE_COLORS.join(', ')}`,
      'color | 是 | string(16) | Color010 | 券颜色。按色彩规范标注填写Color010-Color100。',
    )
  }
  const date = isObj(bi.date_info) ? bi.date_info : undefined
  // fixed_term 0: the two documents disagree, each about its own card types. card-api-guide.zh.txt line
  // 763 (the coupon types, and the base_info member cards share): "fixed_term … 表示自领取后多少天内有效,
  // 不支持填写0"; gift-card-api line 363 (GENERAL_CARD with sub_card_type GIFT_CARD): "Complete 0 as valid
  // on the day of receipt". So a gift card takes 0 and every other type needs at least 1.
  const giftCard = type === 'GENERAL_CARD' && body.sub_card_type === 'GIFT_CARD'
  if (
    date?.type === 'DATE_TYPE_FIX_TERM' &&
    date.fixed_term !== undefined &&
    (!isInt(date.fixed_term) || date.fixed_term < (giftCard ? 0 : 1))
  ) {
    if (giftCard)
      fail(
        b('date_info.fixed_term'),
        'must be a whole number of days, 0 meaning the day of receipt',
        'fixed_term Used when the type is DATE_TYPE_FIX_TERM, indicating how many days after collection. (In units of days) Complete 0 as valid on the day of receipt.',
      )
    else
      fail(
        b('date_info.fixed_term'),
        'must be a whole number of days, at least 1',
        'fixed_term | 是 | int | 15 | type为DATE_TYPE_FIX_TERM时专用,表示自领取后多少天内有效,不支持填写0。',
      )
  }
  if (bi.use_limit !== undefined && (!isInt(bi.use_limit) || bi.use_limit < 1 || bi.use_limit > 100_000_000)) {
    fail(b('use_limit'), 'must be a whole number from 1', 'use_limit | 否 | int | 100 | 每人可核销的数量限制,不填写默认为50。')
  }
  if (bi.get_custom_code_mode !== undefined) {
    const quote =
      'get_custom_code_mode … 填入 GET_CUSTOM_CODE_MODE_DEPOSIT 表示该卡券为预存code模式卡券, 须导入超过库存数目的自定义code后方可投放, 填入该字段后,quantity字段须为0'
    if (bi.get_custom_code_mode !== 'GET_CUSTOM_CODE_MODE_DEPOSIT')
      fail(b('get_custom_code_mode'), 'must be GET_CUSTOM_CODE_MODE_DEPOSIT', quote)
    else if (!isObj(bi.sku) || bi.sku.quantity !== 0)
      fail(b('sku.quantity'), 'must be 0 in deposit-code mode', '预存code模式的卡券须设置quantity为0,导入code后方可增加库存')
  }

  switch (type) {
    case 'GROUPON':
      text(p('deal_detail'), body.deal_detail, 3072, true, 'deal_detail | 是 | string( 3072 ) | 双人套餐… | 团购券专用,团购详情。')
      break
    case 'CASH': {
      const quote = friend
        ? 'reduce_cost代金券专用,表示减免金额(单位为分),不可填0。'
        : 'reduce_cost | 是 | int | 10000 | 代金券专用,表示减免金额。(单位为分)'
      if (body.reduce_cost === undefined) fail(p('reduce_cost'), 'is required', quote)
      else if (!isInt(body.reduce_cost) || body.reduce_cost < (friend ? 1 : 0) || body.reduce_cost > 100_000_000)
        fail(p('reduce_cost'), friend ? 'must be whole fen, not 0' : 'must be whole fen', quote)
      const least =
        body.least_cost ??
        (isObj(body.advanced_info) && isObj(body.advanced_info.use_condition) ? body.advanced_info.use_condition.least_cost : undefined)
      if (least !== undefined && (!isInt(least) || least < 0 || least > 100_000_000)) {
        fail(
          body.least_cost !== undefined ? p('least_cost') : p('advanced_info.use_condition.least_cost'),
          'must be whole fen (0 when there is no threshold)',
          'least_cost | 是 | int | 10000 | 代金券专用,表示起用金额(单位为分),如果无起用门槛则填0。注意:该字段移动到advanced_info内了 。',
        )
      }
      break
    }
    case 'DISCOUNT':
      if (!isInt(body.discount) || body.discount < 1 || body.discount > 99)
        fail(
          p('discount'),
          'must be a whole percentage off from 1 to 99',
          'discount | 是 | int | 30 | 折扣券专用,表示打折额度(百分比)。填30就是七折。',
        )
      break
    case 'GIFT':
      if (friend) {
        // V1.1: "礼品券更名为兑换券,限制标题传入,统一命名为:洗手液(商品名)+1(数量)+瓶(数量单位),对应gift_name,gift_num,和gift_unit字段"
        const naming = '统一命名为:洗手液(商品名)+1(数量)+瓶(数量单位),对应gift_name,gift_num,和gift_unit字段'
        text(p('gift_name'), body.gift_name, 18, true, `gift_name兑换券兑换商品名字,限6个汉字 (${naming})`)
        if (!isInt(body.gift_num) || body.gift_num < 1 || body.gift_num > 999)
          fail(p('gift_num'), 'must be a whole number of at most three digits', `gift_num兑换券兑换商品数目,限三位数字 (${naming})`)
        text(p('gift_unit'), body.gift_unit, 6, true, `gift_unit兑换券兑换商品的数量单位,限两个汉字 (${naming})`)
        text(p('gift'), body.gift, 3072, false, 'gift兑换券类型时显示的礼品详情')
      } else {
        text(p('gift'), body.gift, 3072, true, 'gift | 是 | string(3072) | 可兑换音乐木盒一个。 | 兑换券专用,填写兑换内容的名称。')
      }
      break
    case 'GENERAL_COUPON':
      text(
        p('default_detail'),
        body.default_detail,
        3072,
        true,
        'default_detail | 是 | string(3072) | 音乐木盒。 | 优惠券专用,填写优惠详情。',
      )
      break
  }

  if (friend) {
    if (type !== 'CASH' && type !== 'GIFT')
      fail(
        'card.card_type',
        'must be CASH or GIFT for a friend coupon',
        'card_type卡券类型,现仅支持代金券类型和兑换券类型,填写CASH或者GIFT',
      )
    if (bi.use_custom_code === true) fail(b('use_custom_code'), 'must not be true for a friend coupon', '4、暂不支持商家自定义Code码;')
    const locations = bi.location_id_list
    if (!Array.isArray(locations) || locations.length === 0)
      fail(b('location_id_list'), 'must name at least one store', 'location_id_list门店位置ID,…朋友的券须至少传入一个可用poi_id,否则报错')
    for (const k of ['can_share', 'can_give_friend'] as const) {
      if (bi[k] !== false)
        fail(b(k), 'must be false for a friend coupon', `${k}…与share_friends字段互斥,若创建朋友共享券此处应填入false,不可为空`)
    }
    if (date && date.type !== 'DATE_TYPE_FIX_TIME_RANGE')
      fail(b('date_info.type'), 'must be DATE_TYPE_FIX_TIME_RANGE', 'date_info使用日期,有效期的信息,仅支持DATE_TYPE_FIX_TIME_RANGE')
    else if (
      date &&
      isInt(date.begin_timestamp) &&
      isInt(date.end_timestamp) &&
      date.end_timestamp - date.begin_timestamp > FRIEND_MAX_DAYS * 86400
    ) {
      fail(
        b('date_info.end_timestamp'),
        `must be at most ${FRIEND_MAX_DAYS} days after begin_timestamp`,
        '40079有效期错误须将有效期设置为90天以内',
      )
    }
    if (isObj(bi.sku) && bi.sku.quantity !== undefined && bi.sku.quantity !== 0) {
      fail(
        b('sku.quantity'),
        'must be absent or 0: stock is bought with coins',
        '朋友的券库存机制与普通券不同,开发者须先创建卡券后,到MP(商户后台)用券点充值库存,不支持在创建的时候填入库存。',
      )
    }
    const adv = isObj(body.advanced_info) ? body.advanced_info : {}
    if (!Array.isArray(adv.text_image_list) || adv.text_image_list.length === 0) {
      fail(
        p('advanced_info.text_image_list'),
        'must hold at least one picture with text',
        'text_image_list图文列表,显示在详情内页,优惠券券开发者须至少传入一组图文列表',
      )
    }
    const selfNum = adv.consume_share_self_num
    const list = adv.consume_share_card_list
    const selfQuote = 'consume_share_self_num核销后送券的数量,可设置核销后送本卡券的数量,限制传入1张,与consume_share_card_list字段互斥'
    if (selfNum !== undefined && (!isInt(selfNum) || selfNum < 0 || selfNum > 1))
      fail(p('advanced_info.consume_share_self_num'), 'must be 0 or 1', selfQuote)
    if (list !== undefined) {
      if (!Array.isArray(list) || list.length > 1)
        fail(
          p('advanced_info.consume_share_card_list'),
          'must hold at most one card',
          'card_id核销后赠送的其他卡券card_id,目前仅支持填入一个共享券card_id,此处必须填入共享券',
        )
      else if (list.length === 1) {
        if (isInt(selfNum) && selfNum > 0)
          fail(p('advanced_info.consume_share_self_num'), 'must not be given with consume_share_card_list', selfQuote)
        const item = list[0]
        if (!isObj(item) || typeof item.card_id !== 'string' || item.num !== 1)
          fail(p('advanced_info.consume_share_card_list[0]'), 'needs a card_id and num 1', 'num核销后赠送的该card_id数目,目前仅支持填1')
      }
    }
  }
  return out
}

/** The name WeChat gives a friend coupon: "统一命名为xxx元代金券" and "洗手液(商品名)+1(数量)+瓶(数量单位)". */
export function friendCouponTitle(type: string, body: Json): string {
  if (type === 'CASH') {
    const yuan = formatYuan(isInt(body.reduce_cost) ? body.reduce_cost : 0)
    const least = leastCostOf(body)
    return least ? `全场满${formatYuan(least)}减${yuan}` : `${yuan}元代金券`
  }
  return `${String(body.gift_name ?? '')}${String(body.gift_num ?? '')}${String(body.gift_unit ?? '')}`
}

/** fen → "10" or "9.9" (yuan, no trailing zeros). */
export function formatYuan(fen: number): string {
  const s = (fen / 100).toFixed(2)
  return s.replace(/\.?0+$/, '')
}

/** What a coupon offers, as card.listMine and card.claimables show it (`terms`). Money in fen. */
export interface CouponTerms {
  /** CASH: the threshold (满), fen; 0 when there is none */
  leastCost?: number
  /** CASH: the amount off (减), fen */
  reduceCost?: number
  /** DISCOUNT: percent off (30 = 七折) */
  discount?: number
  /** GIFT: what it is exchanged for */
  gift?: string
  /** GROUPON: the deal */
  dealDetail?: string
  /** GENERAL_COUPON: the offer */
  defaultDetail?: string
  /** GIFT_CARD / MEMBER_CARD: the balance, fen */
  balance?: number
  /** a friend coupon (朋友的券) */
  friend?: boolean
}

/** The terms of a card/create body. */
export function termsOf(type: string, body: Json): CouponTerms {
  const friend = isFriendCoupon(body) ? { friend: true } : {}
  switch (type) {
    case 'CASH':
      return { leastCost: leastCostOf(body) ?? 0, reduceCost: isInt(body.reduce_cost) ? body.reduce_cost : 0, ...friend }
    case 'DISCOUNT':
      return { discount: isInt(body.discount) ? body.discount : 0 }
    case 'GIFT': {
      const named = body.gift_name ? `${String(body.gift_name)}${String(body.gift_num ?? '')}${String(body.gift_unit ?? '')}` : ''
      return { gift: String(body.gift ?? named), ...friend }
    }
    case 'GROUPON':
      return { dealDetail: String(body.deal_detail ?? '') }
    case 'GENERAL_COUPON':
      return { defaultDetail: String(body.default_detail ?? '') }
    default:
      return {}
  }
}

/**
 * The discount a coupon gives on an order total (fen), or a reason it does not apply (`why`: the total is
 * below least_cost; the coupon would pay it all, which leaves no WeChat Pay order, so it is redeemed at the
 * counter instead; or it is not money off). DISCOUNT takes `discount`% (rounded down to whole fen, so the
 * merchant never gives more than the coupon says). The checkout page and the server both ask this.
 */
export function couponDiscount(
  type: string,
  terms: CouponTerms,
  total: number,
): { discount: number } | { refused: string; why: 'least' | 'coversAll' | 'counter' } {
  if (type === 'CASH') {
    const least = terms.leastCost ?? 0
    if (total < least) return { refused: `the order must reach ${least} fen to use this coupon`, why: 'least' }
    const reduce = terms.reduceCost ?? 0
    if (reduce >= total) return { refused: 'the coupon covers the whole total: redeem it at the counter instead', why: 'coversAll' }
    return { discount: reduce }
  }
  if (type === 'DISCOUNT') return { discount: Math.floor((total * (terms.discount ?? 0)) / 100) }
  return { refused: `a ${type} coupon is redeemed at the counter, not as money off`, why: 'counter' }
}

/**
 * A card's own section, `card.<card_type in lower case>` (`gift_card`, `cash`, `member_card` …), as card/get
 * answers it and card/create takes it; empty when the card names no type or has no such section.
 */
export function cardSection(card: Record<string, unknown> | undefined): {
  sub_card_type?: string
  base_info?: { title?: unknown; sku?: { quantity?: unknown } }
} {
  const type = typeof card?.card_type === 'string' ? card.card_type.toLowerCase() : ''
  const section = type ? card?.[type] : undefined
  return section && typeof section === 'object' ? section : {}
}

/** The stock WeChat holds for a card (`base_info.sku.quantity` of card/get's `card`), when it says. */
export function stockIn(card: Record<string, unknown> | undefined): number | undefined {
  const quantity = cardSection(card).base_info?.sku?.quantity
  return typeof quantity === 'number' ? quantity : undefined
}
