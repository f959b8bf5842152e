// card/*: create (all card types, review, friend coupons), update, get, batchget, delete,
// modifystock, qrcode/create, testwhitelist/set, user/getcardlist.
import { randomBytes } from 'node:crypto'
import { list, num, obj, str, type Body, type Endpoint } from './api'
import { WxError } from './platform'
import { checkCouponType, checkJumps, COUPON_CARD_TYPES, COUPON_COLORS, friendTitle, needCdn } from './card-type-rules'
import type { EmuCard } from './state'
import { checkMemberCreate, checkMemberUpdate } from './api-member'
import { baseInfo, cardOf } from './cards'

export const CARD_TYPES = ['GENERAL_CARD', 'MEMBER_CARD', 'CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON']
const COLORS = new Set([
  'Color010',
  'Color020',
  'Color030',
  'Color040',
  'Color050',
  'Color060',
  'Color070',
  'Color080',
  'Color090',
  'Color100',
])
const MAX_TS = 2147483647
/** gift-card-api §6.3's five, and CODE_TYPE_NONE from friend-coupons.zh.txt (无code类型). */
const CODE_TYPES = [
  'CODE_TYPE_TEXT',
  'CODE_TYPE_BARCODE',
  'CODE_TYPE_QRCODE',
  'CODE_TYPE_ONLY_QRCODE',
  'CODE_TYPE_ONLY_BARCODE',
  'CODE_TYPE_NONE',
]

/** "n Chinese characters", typed string(3n) in the documents: UTF-8 bytes. */
function tooLong(v: unknown, chinese: number): boolean {
  return typeof v === 'string' && Buffer.byteLength(v) > chinese * 3
}

/** The pictures of a card body that must come from the CDN: the logo and the card face. */
function checkPictures(body: Body, cdnBase: string): void {
  const bi = (body.base_info ?? {}) as Body
  if (bi.logo_url !== undefined) needCdn('logo_url', bi.logo_url, cdnBase)
  // gift-card-api line 206: "upload the user's gift card logo and background image … to the WeChat CDN first".
  if (body.background_pic_url !== undefined) needCdn('background_pic_url', body.background_pic_url, cdnBase)
}

function validateCreate(cardType: string, body: Body, cdnBase: string): { isFriendCoupon: boolean } {
  const bi = obj(body, 'base_info')
  // friend-coupons.zh.txt: share_friends is an Advanced_info field ("是否支持分享给朋友使用").
  const isFriendCoupon = (body.advanced_info as Body | undefined)?.share_friends === true
  // Friend coupons: the title is composed by WeChat, stock bought with coins; friend-coupons.zh.txt's
  // creation example has no title, notice or sku.
  for (const k of ['logo_url', 'brand_name', 'code_type', 'color', 'description', ...(isFriendCoupon ? [] : ['title', 'notice'])])
    str(bi, k)
  const date = obj(bi, 'date_info')
  if (!isFriendCoupon) num(obj(bi, 'sku'), 'quantity')
  // description: gift-card-api line 358 "up to 1000 Chinese characters" and friend-coupons.zh.txt line 358
  // "上限为1000个汉字" for their cards; card-api-guide.zh.txt line 756 "string(3072) … 字数上限为1024个汉字" for the rest.
  const descriptionMax = cardType === 'GENERAL_CARD' || isFriendCoupon ? 1000 : 1024
  const limits: [string, number][] = [
    ['title', 9],
    ['brand_name', 12],
    ['notice', cardType === 'GENERAL_CARD' || isFriendCoupon ? 12 : 16],
    ['description', descriptionMax],
    ['custom_url_name', 5],
    ['custom_url_sub_title', 6],
    ['promotion_url_name', 5],
  ]
  for (const [k, n] of limits) if (tooLong(bi[k], n)) throw new WxError(40097, `invalid args: ${k} exceeds ${n} Chinese characters`)
  if (!(COUPON_CARD_TYPES.has(cardType) ? COUPON_COLORS : COLORS).has(String(bi.color)))
    throw new WxError(40097, 'invalid args: color is not one of the documented colours')
  if (isFriendCoupon) {
    if (cardType !== 'CASH' && cardType !== 'GIFT') throw new WxError(40097, 'invalid args: friend coupons are CASH or GIFT')
    if (list(bi, 'location_id_list', false).length === 0)
      throw new WxError(41025, 'miss location_list: a friend coupon needs at least one poi_id')
  }
  const type = str(date, 'type')
  if (type === 'DATE_TYPE_FIX_TIME_RANGE') {
    const b = num(date, 'begin_timestamp')
    const e = num(date, 'end_timestamp')
    if (b > MAX_TS || e > MAX_TS) throw new WxError(40097, 'invalid args: timestamps must be before 2038-01-19')
    if (e <= b) throw new WxError(40097, 'invalid args: end_timestamp must be after begin_timestamp')
    if (isFriendCoupon && e - b > 90 * 86400) throw new WxError(40079, 'invalid time: a friend coupon is valid for at most 90 days')
  } else if (type === 'DATE_TYPE_FIX_TERM') {
    num(date, 'fixed_term')
    if (isFriendCoupon) throw new WxError(40079, 'invalid time: friend coupons support DATE_TYPE_FIX_TIME_RANGE only')
  } else if (type !== 'DATE_TYPE_PERMANENT') {
    throw new WxError(40097, 'invalid args: date_info.type')
  }
  if (!CODE_TYPES.includes(String(bi.code_type))) throw new WxError(40097, 'invalid args: code_type')
  checkCouponType(cardType, body, isFriendCoupon)
  checkPictures(body, cdnBase)
  checkJumps(bi)
  if (cardType === 'GENERAL_CARD' && body.sub_card_type === 'GIFT_CARD') {
    const price = num(obj(bi, 'giftcard_info'), 'price')
    if (!Number.isInteger(price) || price <= 0) throw new WxError(40097, 'invalid args: giftcard_info.price must be positive fen')
    // §6.3 base_info: "max_give_friend_times … yes"; "get_limit … you must fill in 0"; five code types.
    const times = num(bi, 'max_give_friend_times')
    if (!Number.isInteger(times) || times < 0)
      throw new WxError(40097, 'invalid args: max_give_friend_times must be a non-negative integer')
    if (bi.get_limit !== undefined && num(bi, 'get_limit') !== 0)
      throw new WxError(40097, 'invalid args: get_limit must be 0 for a gift card')
    if (bi.code_type === 'CODE_TYPE_NONE') throw new WxError(40097, 'invalid args: code_type CODE_TYPE_NONE is not for gift cards')
    const slots = [body.supply_balance === true, !!body.custom_field1, !!body.custom_field2, !!body.custom_field3].filter(Boolean).length
    if (slots > 3) throw new WxError(40097, 'invalid args: supply_balance and custom_field1..3 exceed three slots')
  }
  return { isFriendCoupon }
}

function newCardId(): string {
  return `p${randomBytes(20).toString('base64url').slice(0, 27)}`
}

function cardView(card: EmuCard): Body {
  const base = {
    ...baseInfo(card),
    id: card.card_id,
    status: card.status,
    sku: { quantity: card.quantity, total_quantity: card.totalQuantity },
  }
  return { card_type: card.card_type, [card.card_type.toLowerCase()]: { ...card.body, base_info: base } }
}

export const cardApi: Record<string, Endpoint> = {
  'card/create': {
    method: 'POST',
    handler: (p, b) => {
      const card = obj(b, 'card')
      const type = str(card, 'card_type')
      if (!CARD_TYPES.includes(type)) throw new WxError(40097, `invalid args: card_type ${type}`)
      const body = obj(card, type.toLowerCase())
      const { isFriendCoupon } = validateCreate(type, body, p.cdn.baseUrl)
      if (type === 'MEMBER_CARD') checkMemberCreate(body)
      const cardId = newCardId()
      const quantity = isFriendCoupon ? 0 : num(obj(obj(body, 'base_info'), 'sku'), 'quantity')
      const now = p.now()
      const stored = JSON.parse(JSON.stringify(body)) as Body
      // "限制共享券代金券类型标题传入,统一命名为xxx元代金券": WeChat names a friend coupon itself.
      if (isFriendCoupon) stored.base_info = { ...(stored.base_info as Body), title: friendTitle(type, body) }
      p.s.cards[cardId] = {
        card_id: cardId,
        card_type: type,
        body: stored,
        status: 'CARD_STATUS_NOT_VERIFY',
        createdAt: now,
        reviewAt: now + p.o.reviewSeconds,
        quantity,
        totalQuantity: quantity,
        isFriendCoupon,
      }
      p.touch()
      p.tick()
      return { card_id: cardId }
    },
  },
  'card/get': { method: 'POST', handler: (p, b) => ({ card: cardView(cardOf(p, str(b, 'card_id'))) }) },
  'card/batchget': {
    method: 'POST',
    handler: (p, b) => {
      const offset = num(b, 'offset')
      const count = num(b, 'count')
      if (count < 1 || count > 50) throw new WxError(40097, 'invalid args: count must be 1 to 50')
      const statuses = list(b, 'status_list', false) as string[]
      const ids = Object.values(p.s.cards)
        .filter((c) => (statuses.length ? statuses.includes(c.status) : c.status !== 'CARD_STATUS_DELETE'))
        .map((c) => c.card_id)
      return { card_id_list: ids.slice(offset, offset + count), total_num: ids.length }
    },
  },
  'card/update': {
    method: 'POST',
    handler: (p, b) => {
      const card = cardOf(p, str(b, 'card_id'))
      const patch = obj(b, card.card_type.toLowerCase())
      const bi = (patch.base_info ?? {}) as Body
      if (tooLong(bi.title, 9)) throw new WxError(40097, 'invalid args: title exceeds 9 Chinese characters')
      if (bi.color !== undefined && !COLORS.has(String(bi.color))) throw new WxError(40097, 'invalid args: color')
      if (card.card_type === 'MEMBER_CARD') checkMemberUpdate(card, patch)
      checkPictures(patch, p.cdn.baseUrl)
      checkJumps({ ...baseInfo(card), ...bi })
      card.body = { ...card.body, ...patch, base_info: { ...baseInfo(card), ...bi } }
      // friend-coupons.zh.txt line 1614: "send_check是否提交审核,false为修改后不会重新提审,true为修改字段后重新提审,
      // 该卡券的状态变为审核中。" A card that failed review (card_not_pass_check) goes back to review when edited.
      const resubmit = card.status === 'CARD_STATUS_VERIFY_FAIL'
      if (resubmit) {
        card.status = 'CARD_STATUS_NOT_VERIFY'
        card.reviewAt = p.now() + p.o.reviewSeconds
      }
      p.touch()
      return { send_check: resubmit }
    },
  },
  'card/delete': {
    method: 'POST',
    handler: (p, b) => {
      cardOf(p, str(b, 'card_id')).status = 'CARD_STATUS_DELETE'
      p.touch()
      return {}
    },
  },
  'card/modifystock': {
    method: 'POST',
    handler: (p, b) => {
      const card = cardOf(p, str(b, 'card_id'))
      const inc = num(b, 'increase_stock_value', false)
      const dec = num(b, 'reduce_stock_value', false)
      if (card.isFriendCoupon && inc > 0)
        throw new WxError(40097, 'invalid args: a friend coupon’s stock is bought with coins (card/pay/confirm)')
      if (dec > card.quantity) throw new WxError(40097, `invalid args: reduce_stock_value ${dec} exceeds the stock ${card.quantity}`)
      card.quantity += inc - dec
      card.totalQuantity += inc
      p.touch()
      return {}
    },
  },
  'card/qrcode/create': {
    method: 'POST',
    handler: (p, b) => {
      const action = str(b, 'action_name')
      const info = obj(b, 'action_info')
      const expire = b.expire_seconds === undefined ? undefined : num(b, 'expire_seconds')
      if (expire !== undefined && (expire < 60 || expire > 1800))
        throw new WxError(40097, 'invalid args: expire_seconds must be 60 to 1800')
      let cards: Body[]
      if (action === 'QR_CARD') cards = [obj(info, 'card')]
      else if (action === 'QR_MULTIPLE_CARD') {
        cards = list(obj(info, 'multiple_card'), 'card_list') as Body[]
        if (cards.length < 1 || cards.length > 5) throw new WxError(40053, 'invalid action_info: 1 to 5 cards in a multi-card QR code')
      } else throw new WxError(40053, 'invalid action_info: action_name must be QR_CARD or QR_MULTIPLE_CARD')
      for (const c of cards) cardOf(p, str(c, 'card_id'))
      const ticket = randomBytes(24).toString('base64')
      // "不填默认为365天有效"; is_unique_code: "领取后不可再次扫描".
      p.s.qrcodes[ticket] = {
        cards: cards.map((c) => ({ ...c })),
        expiresAt: p.now() + (expire ?? 365 * 86400),
        unique: cards.some((c) => c.is_unique_code === true),
        used: false,
      }
      p.touch()
      return {
        ticket,
        expire_seconds: expire ?? 365 * 86400,
        url: `http://weixin.qq.com/q/${randomBytes(12).toString('base64url')}`,
        show_qrcode_url: `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`,
      }
    },
  },
  'card/testwhitelist/set': {
    method: 'POST',
    handler: (p, b) => {
      const openid = list(b, 'openid', false) as string[]
      const username = list(b, 'username', false) as string[]
      if (openid.length + username.length > 10) throw new WxError(40097, 'invalid args: at most 10 whitelist entries')
      p.s.whitelist = { openid, username }
      p.touch()
      return {}
    },
  },
  'card/user/getcardlist': {
    method: 'POST',
    handler: (p, b) => {
      const openid = str(b, 'openid')
      const cardId = str(b, 'card_id', false)
      // "用于获取用户卡包里的,属于该appid下所有可用卡券,包括正常状态和异常状态。" A code given away or
      // deleted from the bag is no longer the user's.
      const codes = p.codesHeldBy(openid).filter((c) => c.status !== 'DELETE' && !c.giftedAway && (!cardId || c.card_id === cardId))
      return {
        card_list: codes.map((c) => ({ code: c.code, card_id: c.card_id })),
        has_share_card: codes.some((c) => p.s.cards[c.card_id]?.isFriendCoupon),
      }
    },
  },
}
