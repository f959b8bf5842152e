// card/code/* and the balance/member endpoints: get (check_consume), consume (with openid for friend
// coupons), decrypt, mark (5-minute hold), update, unavailable, generalcard/updateuser,
// membercard/userinfo/get.
import { num, str, type Body, type Endpoint } from './api'
import { baseInfo, cardOf } from './cards'
import { MARK_SECONDS, WxError, type Platform } from './platform'
import type { EmuCode } from './state'

/**
 * The errcode WeChat gives for a code that cannot be consumed, by its status (friend-coupons.zh.txt's
 * table, lines 1443-1446): "40078该Code已经被删除或者转赠中", "40079卡券过期", "40099Code已经被核销",
 * "40127该Code已经被删除、置为失效或者转赠成功". A code being given (GIFTING, 转赠中) is 40078; deleted or
 * made unavailable is 40127 (the table names 删除 under both; the check_consume example's hint, line
 * 1180 "the card was given to user, but may be deleted or set unavailable", gives 40127 to it).
 */
function refuseUnusable(c: EmuCode): void {
  if (c.status === 'CONSUMED') throw new WxError(40099, 'invalid code, this code has consumed')
  if (c.status === 'EXPIRE') throw new WxError(40079, 'invalid time: the code has expired')
  if (c.status === 'GIFTING') throw new WxError(40078, 'invalid card status: the code is being given to a friend')
  if (c.status !== 'NORMAL') throw new WxError(40127, `invalid user-card status: ${c.status} (deleted, unavailable or gifted)`)
}

function checkValidity(p: Platform, c: EmuCode): void {
  const date = baseInfo(cardOf(p, c.card_id)).date_info as { type?: string; begin_timestamp?: number; end_timestamp?: number } | undefined
  if (date?.type === 'DATE_TYPE_FIX_TIME_RANGE') {
    if ((date.begin_timestamp ?? 0) > p.now()) throw new WxError(40079, 'invalid time: the card is not valid yet')
    if ((date.end_timestamp ?? Infinity) < p.now()) throw new WxError(40079, 'invalid time: the code has expired')
  }
}

function timesOf(p: Platform, c: EmuCode): { begin_time: number; end_time: number } {
  const date = baseInfo(cardOf(p, c.card_id)).date_info as
    { type?: string; begin_timestamp?: number; end_timestamp?: number; fixed_term?: number; fixed_begin_term?: number } | undefined
  if (date?.type === 'DATE_TYPE_FIX_TIME_RANGE') return { begin_time: date.begin_timestamp ?? 0, end_time: date.end_timestamp ?? 0 }
  if (date?.type === 'DATE_TYPE_FIX_TERM') {
    const begin = c.receivedAt + (date.fixed_begin_term ?? 0) * 86400
    // gift-card-api line 363: "Complete 0 as valid on the day of receipt": until 23:59:59 Beijing time.
    if (date.fixed_term === 0) return { begin_time: begin, end_time: begin - ((begin + 8 * 3600) % 86400) + 86399 }
    return { begin_time: begin, end_time: begin + (date.fixed_term ?? 0) * 86400 }
  }
  return { begin_time: c.receivedAt, end_time: 0 }
}

export const codeApi: Record<string, Endpoint> = {
  'card/code/get': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id', false) || undefined)
      // check_consume: card-api-guide.zh.txt's example with check_consume true (lines 366-377, "异常状态")
      // answers a GIFTING code with errcode 0 and "can_consume": false; friend-coupons.zh.txt's (lines
      // 1176-1181, "卡券状态异常") answers 40127 for a deleted or unavailable one. A code in gifting is
      // not refused by the query, only by consume (40078).
      if (b.check_consume === true && c.status !== 'GIFTING') refuseUnusable(c)
      const reply: Body = {
        openid: c.openid,
        can_consume: c.status === 'NORMAL',
        user_card_status: c.status,
        card: { card_id: c.card_id, ...timesOf(p, c) },
      }
      const card = cardOf(p, c.card_id)
      if (card.card_type === 'GENERAL_CARD' && card.body.sub_card_type === 'GIFT_CARD') {
        // §11.4: a gift card's code also answers card.balance, card.code, card.card_number ("if not
        // set, is the same as the code"), order_id and background_pic_url (the face chosen at purchase
        // or set by updateuser, else the card's own).
        Object.assign(reply.card as Body, { balance: c.balance, code: c.code, card_number: c.code })
        if (card.body.supply_bonus === true) (reply.card as Body).bonus = c.bonus
        reply.order_id = c.orderId ?? ''
        reply.background_pic_url = c.backgroundPicUrl ?? String(card.body.background_pic_url ?? '')
      }
      if (card.isFriendCoupon) {
        // friend-coupons.zh.txt: mark_openid "当前占用此卡券的顾客的openid", use_count "当前占用这个卡券的人已经使用该card_id的次数".
        const mark = c.mark && c.mark.until > p.now() ? c.mark.openid : ''
        reply.mark_openid = mark
        reply.use_count = mark ? p.codesOfCard(c.card_id).filter((x) => x.status === 'CONSUMED' && x.consumedBy === mark).length : 0
      }
      return reply
    },
  },
  'card/code/consume': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id', false) || undefined)
      const card = cardOf(p, c.card_id)
      refuseUnusable(c)
      checkValidity(p, c)
      const openid = str(b, 'openid', false)
      // friend-coupons.zh.txt: 线下核销 takes the code alone ({"code": "12312313"}); 线上核销 "须传入当前使用
      // 该卡券顾客的openid", and the code must be marked by that openid first (card/code/mark).
      // 40003 "Invalid opened,缺少openid: 核销时用户的卡券未处于展示(mark)状态,朋友的券规定,券必须处于展示(mark)状态时,才允许被核销".
      if (card.isFriendCoupon && openid && (!c.mark || c.mark.openid !== openid || c.mark.until <= p.now())) {
        throw new WxError(40003, 'invalid openid: the code is not marked by this openid; call card/code/mark first')
      }
      if (openid && openid !== c.openid && !card.isFriendCoupon) throw new WxError(40097, 'invalid args: openid does not hold this code')
      c.status = 'CONSUMED'
      if (openid) c.consumedBy = openid
      delete c.mark
      p.touch()
      p.cube(c.card_id, 'verify', openid || c.openid)
      p.push(
        'user_consume_card',
        {
          CardId: c.card_id,
          UserCardCode: c.code,
          ConsumeSource: 'FROM_API',
          LocationName: '',
          StaffOpenId: '',
          VerifyCode: '',
          RemarkAmount: '',
          OuterStr: c.outerStr ?? '',
        },
        c.openid,
      )
      return { card: { card_id: c.card_id }, openid: c.openid }
    },
  },
  'card/code/decrypt': {
    method: 'POST',
    handler: (p, b) => ({ code: p.decryptCode(str(b, 'encrypt_code')) }),
  },
  'card/code/mark': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id'))
      const openid = str(b, 'openid')
      const now = p.now()
      const held = c.mark && c.mark.until > now ? c.mark : undefined
      // "is_mark不填默认为true。"
      if (b.is_mark === undefined || b.is_mark === true) {
        refuseUnusable(c)
        if (held && held.openid !== openid) throw new WxError(40146, 'invalid mark: the code is marked by another openid')
        c.mark = { openid, until: now + MARK_SECONDS }
      } else {
        if (held && held.openid !== openid) throw new WxError(40416, 'invalid unmark: openid differs from the one that marked')
        delete c.mark
      }
      p.touch()
      return {}
    },
  },
  'card/code/update': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id', false) || undefined)
      const card = cardOf(p, c.card_id)
      if (baseInfo(card).use_custom_code !== true) throw new WxError(40097, 'invalid args: only custom-code cards may change their code')
      const next = str(b, 'new_code')
      if (p.code(c.card_id, next)) throw new WxError(40097, 'invalid args: new_code is already in use')
      delete p.s.codes[`${c.card_id}|${c.code}`]
      p.putCode({ ...c, code: next })
      return {}
    },
  },
  'card/code/unavailable': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id', false) || undefined)
      if (c.status !== 'NORMAL' && c.status !== 'GIFTING') throw new WxError(40127, `invalid user-card status: ${c.status}`)
      c.status = 'UNAVAILABLE'
      p.touch()
      return {}
    },
  },
  'card/generalcard/updateuser': {
    method: 'POST',
    handler: (p, b) => {
      const c = p.findCode(str(b, 'code'), str(b, 'card_id'))
      if (c.status === 'DELETE' || c.status === 'UNAVAILABLE') throw new WxError(40127, `invalid user-card status: ${c.status}`)
      if (b.balance !== undefined) {
        const bal = num(b, 'balance')
        if (!Number.isInteger(bal) || bal < 0) throw new WxError(40097, 'invalid args: balance must be non-negative fen')
        c.balance = bal
      }
      if (b.bonus !== undefined) c.bonus = num(b, 'bonus')
      const rec = str(b, 'record_balance', false)
      if (Buffer.byteLength(rec) > 42) throw new WxError(40097, 'invalid args: record_balance exceeds 14 Chinese characters')
      if (rec) c.recordBalance = rec
      // §11.2: custom_field_value1..3 are "limited to 4 characters and 12 bytes".
      for (const k of ['custom_field_value1', 'custom_field_value2', 'custom_field_value3']) {
        const v = str(b, k, false)
        if ([...v].length > 4 || Buffer.byteLength(v) > 12) throw new WxError(40097, `invalid args: ${k} exceeds 4 characters and 12 bytes`)
      }
      const pic = str(b, 'background_pic_url', false)
      if (pic) c.backgroundPicUrl = pic
      p.touch()
      return { result_bonus: c.bonus, result_balance: c.balance, openid: c.openid }
    },
  },
}
