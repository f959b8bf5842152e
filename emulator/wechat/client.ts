// The client side of WeChat: what wx.addCard, wx.openCard, friend gifting, deleting a card,
// wx.requestPayment (Cloud Pay) and the hosted gift-card shelf do on the platform.
//
// addCard checks each cardExt as WeChat does: a JSON string; signature = SHA1 of the sorted api_ticket
// (a live wx_card ticket of this Service Account), timestamp, card_id, code, openid, nonce_str; the
// timestamp whole seconds and within cardExtWindowSeconds of wall-clock time (the signer's clock,
// not the emulated one); a nonce_str never used before; bind_openid cards only for that openid;
// custom-code cards need a code, others must not name one; get_limit, stock and review status
// (whitelisted people may take cards still under review). A batch is all-or-nothing.
import { createHash, randomBytes } from 'node:crypto'
import type { Body } from './api'
import { baseInfo } from './cards'
import { COUPON_CARD_TYPES } from './card-type-rules'
import { restoreMemberCard } from './api-member'
import { sha1Sorted } from './crypto'
import { needNonce } from './cloud-pay-refunds'
import { WxError, type Platform } from './platform'
import type { EmuCode, EmuOrder, EmuUser } from './state'

/** A refusal as the Mini Program API reports it (fail callback). */
export class ClientError extends Error {
  constructor(
    readonly errMsg: string,
    readonly errcode?: number,
  ) {
    super(errMsg)
  }
}

function asList(b: Body, k: string): Body[] {
  const v = b[k]
  if (!Array.isArray(v) || v.length === 0) throw new ClientError(`${k} must be a non-empty list`)
  return v as Body[]
}

function user(p: Platform, name: unknown): EmuUser {
  try {
    return p.userByName(String(name ?? ''))
  } catch (err) {
    throw new ClientError((err as WxError).errmsg)
  }
}

export function addCard(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const items = asList(b, 'cardList')
  const wallNow = Math.floor(Date.now() / 1000)
  const tickets = p.liveTickets()
  const seenNonces = new Set<string>()
  const stockNeeded: Record<string, number> = {}
  const plan: { cardId: string; cardExt: string; code?: string; outerStr: string }[] = []
  for (const item of items) {
    const cardId = String(item.cardId ?? '')
    const card = p.s.cards[cardId]
    if (!card || card.status === 'CARD_STATUS_DELETE') throw new ClientError(`addCard:fail invalid card_id ${cardId}`, 40073)
    const bi = baseInfo(card)
    const whitelisted = p.s.whitelist.openid.includes(u.saOpenid) || p.s.whitelist.username.includes(u.name)
    if (card.status !== 'CARD_STATUS_VERIFY_OK' && !(card.status === 'CARD_STATUS_NOT_VERIFY' && whitelisted)) {
      throw new ClientError(
        `addCard:fail card ${cardId} is ${card.status === 'CARD_STATUS_NOT_VERIFY' ? 'still under review' : 'not available'}`,
      )
    }
    if (typeof item.cardExt !== 'string') throw new ClientError('addCard:fail cardExt must be a JSON string')
    let ext: Record<string, unknown>
    try {
      ext = JSON.parse(item.cardExt) as Record<string, unknown>
    } catch {
      throw new ClientError('addCard:fail cardExt is not valid JSON')
    }
    const ts = String(ext.timestamp ?? '')
    if (!/^\d{1,10}$/.test(ts)) throw new ClientError('addCard:fail timestamp must be whole seconds')
    if (Math.abs(wallNow - Number(ts)) > p.o.cardExtWindowSeconds) throw new ClientError('addCard:fail timestamp expired')
    const nonce = ext.nonce_str === undefined ? '' : String(ext.nonce_str)
    if (nonce.length > 32) throw new ClientError('addCard:fail nonce_str longer than 32 characters')
    if (nonce && (p.s.nonces[nonce] !== undefined || seenNonces.has(nonce))) throw new ClientError('addCard:fail nonce_str has been used')
    const code = ext.code === undefined || ext.code === '' ? undefined : String(ext.code)
    const openid = ext.openid === undefined || ext.openid === '' ? undefined : String(ext.openid)
    const signed = [ts, cardId, code, openid, nonce].filter((v): v is string => !!v)
    const signature = String(ext.signature ?? '')
    if (!tickets.some((t) => sha1Sorted(t, ...signed) === signature)) throw new ClientError('addCard:fail invalid signature')
    if (bi.bind_openid === true && !openid) throw new ClientError('addCard:fail this card is bound to a user: openid is required')
    if (openid && openid !== u.saOpenid) throw new ClientError('addCard:fail the card is bound to another openid')
    if (bi.use_custom_code === true) {
      if (!code) throw new ClientError('addCard:fail a custom-code card needs a code in cardExt')
      if (p.code(cardId, code)) throw new ClientError('addCard:fail the code has been taken')
    } else if (code) {
      throw new ClientError('addCard:fail code is only for custom-code cards')
    }
    // "get_limit … 每人可领券的数量限制,不填写默认为50" (card-api-guide; gift cards fill in 0, no limit).
    const limit = Number(bi.get_limit ?? (COUPON_CARD_TYPES.has(card.card_type) ? 50 : 0))
    const held = p.bagOf(u).filter((c) => c.card_id === cardId && c.status !== 'DELETE').length
    const inBatch = plan.filter((x) => x.cardId === cardId).length
    if (limit > 0 && held + inBatch >= limit) throw new ClientError(`addCard:fail get_limit ${limit} reached`)
    stockNeeded[cardId] = (stockNeeded[cardId] ?? 0) + 1
    if (card.quantity < stockNeeded[cardId]!) throw new ClientError('addCard:fail the card is out of stock')
    if (nonce) seenNonces.add(nonce)
    plan.push({ cardId, cardExt: item.cardExt, code, outerStr: String(ext.outer_str ?? '') })
  }
  const now = p.now()
  for (const n of seenNonces) p.s.nonces[n] = wallNow
  for (const [n, t] of Object.entries(p.s.nonces)) if (wallNow - t > 86400) delete p.s.nonces[n]
  const out: Body[] = []
  for (const x of plan) {
    const card = p.s.cards[x.cardId]!
    // A member card deleted earlier comes back under its old code (IsRestoreMemberCard=1).
    const restored = x.code ? undefined : restoreMemberCard(p, u, x.cardId)
    if (restored) {
      out.push({ cardId: x.cardId, cardExt: x.cardExt, code: p.encryptCode(restored.code), isSuccess: true })
      continue
    }
    card.quantity--
    const code = x.code ?? p.newCode()
    p.putCode({
      card_id: x.cardId,
      code,
      status: 'NORMAL',
      openid: u.saOpenid,
      balance: Number(card.body.init_balance ?? 0),
      bonus: 0,
      outerStr: x.outerStr,
      receivedAt: now,
    })
    p.cube(x.cardId, 'receive', u.saOpenid)
    p.push(
      'user_get_card',
      {
        CardId: x.cardId,
        IsGiveByFriend: '0',
        UserCardCode: code,
        FriendUserName: '',
        OuterId: '0',
        OldUserCardCode: '',
        OuterStr: x.outerStr,
        IsRestoreMemberCard: '0',
        UnionId: u.unionid,
      },
      u.saOpenid,
    )
    out.push({ cardId: x.cardId, cardExt: x.cardExt, code: p.encryptCode(code), isSuccess: true })
  }
  return { errMsg: 'addCard:ok', cardList: out }
}

/**
 * A person scans a card QR code (card/qrcode/create) and the cards go into their bag, as WeChat's
 * scanner does: review status (or the test whitelist), a bound openid, get_limit (default 50 for the
 * guide's coupon types), stock, and outer_str / outer_id handed back in user_get_card.
 */
export function scanCardQr(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const ticket = String(b.ticket ?? '')
  const qr = p.s.qrcodes[ticket]
  if (!qr) throw new ClientError('scanQRCode:fail not a card QR code')
  if (qr.expiresAt < p.now()) throw new ClientError('scanQRCode:fail the QR code has expired')
  if (qr.unique && qr.used) throw new ClientError('scanQRCode:fail the QR code has been used')
  const whitelisted = p.s.whitelist.openid.includes(u.saOpenid) || p.s.whitelist.username.includes(u.name)
  for (const c of qr.cards) {
    const card = p.s.cards[String(c.card_id)]
    if (!card || card.status === 'CARD_STATUS_DELETE') throw new ClientError(`scanQRCode:fail invalid card_id ${String(c.card_id)}`, 40073)
    if (card.status !== 'CARD_STATUS_VERIFY_OK' && !(card.status === 'CARD_STATUS_NOT_VERIFY' && whitelisted))
      throw new ClientError('scanQRCode:fail the card is not available')
    if (c.openid && c.openid !== u.saOpenid) throw new ClientError('scanQRCode:fail the card is bound to another openid')
    const bi = baseInfo(card)
    const limit = Number(bi.get_limit ?? (COUPON_CARD_TYPES.has(card.card_type) ? 50 : 0))
    const held = p.bagOf(u).filter((x) => x.card_id === card.card_id && x.status !== 'DELETE').length
    if (limit > 0 && held >= limit) throw new ClientError(`scanQRCode:fail get_limit ${limit} reached`)
    if (card.quantity < 1) throw new ClientError('scanQRCode:fail the card is out of stock')
    if (c.code && p.code(card.card_id, String(c.code))) throw new ClientError('scanQRCode:fail the code has been taken')
  }
  qr.used = true
  const now = p.now()
  const cards: Body[] = []
  for (const c of qr.cards) {
    const card = p.s.cards[String(c.card_id)]!
    card.quantity--
    const code = c.code ? String(c.code) : p.newCode()
    const outerStr = String(c.outer_str ?? '')
    p.putCode({
      card_id: card.card_id,
      code,
      status: 'NORMAL',
      openid: u.saOpenid,
      balance: Number(card.body.init_balance ?? 0),
      bonus: 0,
      outerStr,
      receivedAt: now,
    })
    p.cube(card.card_id, 'receive', u.saOpenid)
    p.push(
      'user_get_card',
      {
        CardId: card.card_id,
        IsGiveByFriend: '0',
        UserCardCode: code,
        FriendUserName: '',
        OuterId: String(c.outer_id ?? 0),
        OldUserCardCode: '',
        OuterStr: outerStr,
        IsRestoreMemberCard: '0',
        UnionId: u.unionid,
      },
      u.saOpenid,
    )
    cards.push({ cardId: card.card_id, code })
  }
  return { errMsg: 'scanQRCode:ok', cards }
}

function heldCode(p: Platform, u: EmuUser, cardId: string, code: string, verb: string): EmuCode {
  const c = p.code(cardId, code)
  if (!c || c.openid !== u.saOpenid || c.status === 'DELETE')
    throw new ClientError(`${verb}:fail ${u.name} holds no card ${cardId} with code ${code}`)
  return c
}

export function openCard(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  for (const item of asList(b, 'cardList')) {
    const c = heldCode(p, u, String(item.cardId), String(item.code), 'openCard')
    p.cube(c.card_id, 'view', u.saOpenid)
    if (baseInfo(p.s.cards[c.card_id]!).need_push_on_view === true) {
      p.push('user_view_card', { CardId: c.card_id, UserCardCode: c.code, OuterStr: c.outerStr ?? '' }, u.saOpenid)
    }
  }
  return { errMsg: 'openCard:ok' }
}

/**
 * The holder taps the card's custom cell (custom_url) in the card bag: WeChat opens the URL with the code
 * encrypted, "http://www.qq.com?encrypt_code=ENCRYPT_CODE&card_id=CARDID&openid=xxxx&outer_str=xxxxx"
 * (card-getting-started.en.txt line 236). Answers the query the Mini Program page receives.
 */
export function cardJump(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const c = heldCode(p, u, String(b.cardId), String(b.code), 'cardJump')
  if (c.status !== 'NORMAL' || c.giftedAway) throw new ClientError(`cardJump:fail the card is ${c.status}`)
  return { encrypt_code: p.encryptCode(c.code), card_id: c.card_id, openid: u.saOpenid, outer_str: c.outerStr ?? '' }
}

/** WeChat tells the merchant when a card is sent to a friend (user_gifting_card, IsReturnBack 0). */
function pushGifting(p: Platform, c: EmuCode, from: EmuUser, to: EmuUser): void {
  p.push(
    'user_gifting_card',
    { CardId: c.card_id, UserCardCode: c.code, IsReturnBack: '0', FriendUserName: to.saOpenid, IsChatRoom: '0' },
    from.saOpenid,
  )
}

/** Completes a gift: the friend gets the card (a new code unless the code is custom), the old code is retired. */
function completeGift(p: Platform, c: EmuCode, from: EmuUser, to: EmuUser): EmuCode {
  const card = p.s.cards[c.card_id]!
  const custom = baseInfo(card).use_custom_code === true
  const oldCode = c.code
  const next: EmuCode = {
    ...c,
    status: 'NORMAL',
    openid: to.saOpenid,
    receivedAt: p.now(),
    gifting: undefined,
    mark: undefined,
    givenTimes: (c.givenTimes ?? 0) + 1,
  }
  if (custom) {
    p.putCode(next)
  } else {
    c.status = 'DELETE'
    c.giftedAway = true
    delete c.gifting
    next.code = p.newCode()
    p.putCode(next)
  }
  p.cube(c.card_id, 'given', from.saOpenid)
  p.push(
    'user_get_card',
    {
      CardId: c.card_id,
      IsGiveByFriend: '1',
      UserCardCode: next.code,
      FriendUserName: from.saOpenid,
      OuterId: '0',
      OldUserCardCode: oldCode,
      OuterStr: '',
      IsRestoreMemberCard: '0',
      UnionId: to.unionid,
    },
    to.saOpenid,
  )
  return next
}

export function gift(p: Platform, b: Body): Body {
  const from = user(p, b.from)
  const to = user(p, b.to)
  if (from.name === to.name) throw new ClientError('gift:fail cannot gift a card to yourself')
  const c = heldCode(p, from, String(b.cardId), String(b.code), 'gift')
  if (c.status !== 'NORMAL') throw new ClientError(`gift:fail the card is ${c.status}`)
  const info = baseInfo(p.s.cards[c.card_id]!)
  if (info.can_give_friend === false) throw new ClientError('gift:fail this card cannot be given to friends')
  // gift-card-api.en.txt §6.3 base_info: "max_give_friend_times Maximum number of times a gift card can be given".
  const max = info.max_give_friend_times
  if (typeof max === 'number' && (c.givenTimes ?? 0) >= max)
    throw new ClientError(`gift:fail this card was given ${max} time(s) already, its max_give_friend_times`)
  if (b.accept === false) {
    // Sent, not yet accepted: GIFTING until the friend accepts or 24 hours pass.
    c.status = 'GIFTING'
    c.gifting = { to: to.saOpenid, since: p.now() }
    p.touch()
    pushGifting(p, c, from, to)
    return { status: 'GIFTING', cardId: c.card_id, code: c.code }
  }
  pushGifting(p, c, from, to)
  const next = completeGift(p, c, from, to)
  return { status: 'ACCEPTED', cardId: next.card_id, code: next.code, oldCode: String(b.code) }
}

export function acceptGift(p: Platform, b: Body): Body {
  const to = user(p, b.user)
  const c = p.code(String(b.cardId), String(b.code))
  if (!c || c.status !== 'GIFTING' || c.gifting?.to !== to.saOpenid)
    throw new ClientError('acceptGift:fail no gift of that card is waiting for this user')
  const from = p.userBySaOpenid(c.openid)!
  const next = completeGift(p, c, from, to)
  return { status: 'ACCEPTED', cardId: next.card_id, code: next.code }
}

export function deleteCard(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const c = heldCode(p, u, String(b.cardId), String(b.code), 'deleteCard')
  c.status = 'DELETE'
  p.touch()
  p.push('user_del_card', { CardId: c.card_id, UserCardCode: c.code }, u.saOpenid)
  return { errMsg: 'deleteCard:ok' }
}

export function bag(p: Platform, name: string): Body {
  const u = user(p, name)
  return {
    user: u.name,
    saOpenid: u.saOpenid,
    cards: p
      .bagOf(u)
      .filter((c) => c.status !== 'DELETE')
      .map((c) => ({
        cardId: c.card_id,
        code: c.code,
        status: c.status,
        balance: c.balance,
        bonus: c.bonus,
        title: String(baseInfo(p.s.cards[c.card_id]!).title ?? ''),
        recordBalance: c.recordBalance ?? '',
        backgroundPicUrl: c.backgroundPicUrl ?? '',
        // a member card shows its activation, the last points line and the level (custom_field_value1)
        ...(p.s.cards[c.card_id]?.card_type === 'MEMBER_CARD'
          ? {
              activated: !!c.activated,
              membershipNumber: c.membershipNumber ?? '',
              recordBonus: c.recordBonus ?? '',
              customFieldValue1: c.customFieldValues?.custom_field_value1 ?? '',
            }
          : {}),
      })),
  }
}

// ---------- Cloud Pay ----------

export function unifiedOrder(p: Platform, req: Record<string, unknown>, payer: { openid?: string; fn: string }): Record<string, unknown> {
  const need = (k: string) => {
    const v = req[k]
    if (v === undefined || v === null || v === '') throw new WxError(-1, `cloudPay.unifiedOrder:fail ${k} is required`)
    return v
  }
  const outTradeNo = String(need('outTradeNo'))
  if (!/^[A-Za-z0-9_\-|*]{1,32}$/.test(outTradeNo))
    throw new WxError(-1, 'cloudPay.unifiedOrder:fail outTradeNo must be 1-32 characters of letters, digits, _-|*')
  const totalFee = Number(need('totalFee'))
  if (!Number.isInteger(totalFee) || totalFee <= 0)
    throw new WxError(-1, 'cloudPay.unifiedOrder:fail totalFee must be a positive integer (fen)')
  for (const k of ['body', 'spbillCreateIp', 'subMchId', 'envId', 'functionName']) need(k)
  // timeExpire: yyyyMMddHHmmss, Beijing time (WeChat Pay's time_expire, "订单失效时间"); past it the order cannot be paid.
  let timeExpire: number | undefined
  if (req.timeExpire !== undefined) {
    const t = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(req.timeExpire))
    if (!t) throw new WxError(-1, 'cloudPay.unifiedOrder:fail timeExpire must be yyyyMMddHHmmss')
    // The functions read the wall clock, this emulator its own (tests move it ahead): the order gets the window
    // the caller gave it from now on the emulated clock, which is the same thing when the two clocks agree.
    timeExpire = p.now() + (Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]! - 8, +t[5]!, +t[6]!) / 1000 - Math.floor(Date.now() / 1000))
  }
  needNonce(req, 'unifiedOrder')
  const existing = Object.entries(p.s.prepay).find(([, v]) => v.outTradeNo === outTradeNo)
  if (existing?.[1].paid)
    return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'ORDERPAID', errCodeDes: 'the order is already paid' }
  const prepayId = existing?.[0] ?? `wx${randomBytes(14).toString('hex')}`
  p.s.prepay[prepayId] = {
    outTradeNo,
    totalFee,
    functionName: String(req.functionName),
    envId: String(req.envId),
    subMchId: String(req.subMchId),
    body: String(req.body),
    openid: payer.openid,
    paid: false,
    ...(timeExpire ? { timeExpire } : {}),
  }
  p.touch()
  const timeStamp = String(Math.floor(Date.now() / 1000))
  const nonceStr = randomBytes(16).toString('hex')
  const pkg = `prepay_id=${prepayId}`
  const paySign = createHash('md5')
    .update(`appId=${p.o.mpAppid}&nonceStr=${nonceStr}&package=${pkg}&signType=MD5&timeStamp=${timeStamp}`)
    .digest('hex')
    .toUpperCase()
  return {
    returnCode: 'SUCCESS',
    returnMsg: 'OK',
    resultCode: 'SUCCESS',
    subMchId: req.subMchId,
    prepayId,
    tradeType: 'JSAPI',
    payment: { appId: p.o.mpAppid, timeStamp, nonceStr, package: pkg, signType: 'MD5', paySign },
  }
}

/**
 * Cloud Pay queryOrder: the order's state as WeChat Pay reports it — NOTPAY until paid, SUCCESS once
 * paid, REFUND once any of it was refunded. By transactionId (preferred, as the document says) or
 * outTradeNo; an unknown order answers resultCode FAIL with ORDERNOTEXIST.
 */
export function cloudPayQueryOrder(p: Platform, req: Record<string, unknown>): Record<string, unknown> {
  const transactionId = req.transactionId === undefined || req.transactionId === '' ? undefined : String(req.transactionId)
  const outTradeNo = req.outTradeNo === undefined || req.outTradeNo === '' ? undefined : String(req.outTradeNo)
  if (!transactionId && !outTradeNo) throw new WxError(-1, 'cloudPay.queryOrder:fail transactionId or outTradeNo is required')
  if (req.subMchId === undefined || req.subMchId === '') throw new WxError(-1, 'cloudPay.queryOrder:fail subMchId is required')
  const order = Object.values(p.s.prepay).find((v) => (transactionId ? v.transactionId === transactionId : v.outTradeNo === outTradeNo))
  if (!order)
    return { returnCode: 'SUCCESS', returnMsg: 'OK', resultCode: 'FAIL', errCode: 'ORDERNOTEXIST', errCodeDes: 'no order with that number' }
  const refunding = Object.values(order.refunds ?? {}).some((r) => r.status === 'PROCESSING' || r.status === 'SUCCESS')
  const tradeState = !order.paid ? 'NOTPAY' : refunding ? 'REFUND' : 'SUCCESS'
  return {
    returnCode: 'SUCCESS',
    returnMsg: 'OK',
    resultCode: 'SUCCESS',
    subMchId: order.subMchId,
    tradeType: 'JSAPI',
    tradeState,
    tradeStateDesc: { NOTPAY: '订单未支付', SUCCESS: '支付成功', REFUND: '转入退款' }[tradeState],
    outTradeNo: order.outTradeNo,
    totalFee: order.totalFee,
    feeType: 'CNY',
    ...(order.paid
      ? { transactionId: order.transactionId, cashFee: order.totalFee, ...(order.openid ? { subOpenid: order.openid } : {}) }
      : {}),
  }
}

export async function requestPayment(p: Platform, b: Body, callFunction: (name: string, event: Body) => Promise<unknown>): Promise<Body> {
  const u = user(p, b.user)
  const payment = (b.payment ?? {}) as Body
  const prepayId = /^prepay_id=(.+)$/.exec(String(payment.package ?? ''))?.[1]
  const order = prepayId ? p.s.prepay[prepayId] : undefined
  if (!order) throw new ClientError('requestPayment:fail invalid package (no such prepay_id)')
  if (order.openid && order.openid !== u.mpOpenid) throw new ClientError('requestPayment:fail the order was made for another user')
  if (order.paid) throw new ClientError('requestPayment:fail the order is already paid')
  if (order.timeExpire !== undefined && p.now() > order.timeExpire)
    throw new ClientError('requestPayment:fail the order has expired (its timeExpire has passed)')
  order.paid = true
  order.transactionId = `42000${Date.now()}${randomBytes(4).readUInt32BE(0)}`.slice(0, 28)
  p.touch()
  const event: Body = {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    appid: p.o.mpAppid,
    subAppid: p.o.mpAppid,
    mchId: '1800000001',
    subMchId: order.subMchId,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    totalFee: order.totalFee,
    cashFee: order.totalFee,
    feeType: 'CNY',
    tradeType: 'JSAPI',
    bankType: 'OTHERS',
    timeEnd: new Date(p.now() * 1000).toISOString().replace(/\D/g, '').slice(0, 14),
    nonceStr: randomBytes(8).toString('hex'),
    openid: u.mpOpenid,
    subOpenid: u.mpOpenid,
    isSubscribe: 'N',
    subIsSubscribe: 'N',
    userInfo: { appId: p.o.mpAppid, openId: u.mpOpenid },
  }
  // Cloud Pay calls the callback function until it answers errcode 0 (a few quick attempts here).
  let acknowledged = false
  let lastReply: unknown
  for (let i = 0; i < 3 && !acknowledged; i++) {
    try {
      lastReply = await callFunction(order.functionName, event)
      acknowledged = (lastReply as { errcode?: number } | null)?.errcode === 0
    } catch (err) {
      lastReply = { error: (err as Error).message }
    }
  }
  return {
    errMsg: 'requestPayment:ok',
    transactionId: order.transactionId,
    outTradeNo: order.outTradeNo,
    callbackAcknowledged: acknowledged,
    callbackReply: lastReply,
  }
}

// ---------- hosted gift-card shelf ----------

export function giftcardBuy(p: Platform, b: Body): Body {
  const buyer = user(p, b.user)
  const pageId = String(b.pageId ?? '')
  const page = p.s.pages[pageId]
  if (!page) throw new ClientError('buy:fail no such shelf (pageId)')
  if (page.maintain || p.s.maintainAll) throw new ClientError('buy:fail the shelf is under maintenance')
  const onShelf = new Set(((page.theme_list ?? []) as Body[]).flatMap((t) => ((t.item_list ?? []) as Body[]).map((i) => String(i.card_id))))
  const items = asList(b, 'items')
  const forSelf = b.forSelf === true
  // §7.2: "support_buy_for_self … if filled in true support, default to false".
  if (forSelf && page.support_buy_for_self !== true)
    throw new ClientError('buy:fail this shelf does not support buying for yourself (support_buy_for_self is not true)')
  const now = p.now()
  const orderId = randomBytes(14).toString('base64url').slice(0, 18)
  const cards: EmuOrder['card_list'] = []
  for (const it of items) {
    const cardId = String(it.cardId ?? '')
    const card = p.s.cards[cardId]
    if (!card || !onShelf.has(cardId)) throw new ClientError(`buy:fail card ${cardId} is not on this shelf`)
    if (card.status !== 'CARD_STATUS_VERIFY_OK') throw new ClientError(`buy:fail card ${cardId} is not approved`)
    if (card.quantity < 1) throw new ClientError(`buy:fail card ${cardId} is out of stock`)
  }
  for (const it of items) {
    const card = p.s.cards[String(it.cardId)]!
    card.quantity--
    const code = p.newCode()
    const price = Number((baseInfo(card).giftcard_info as Body | undefined)?.price ?? 0)
    // The face the buyer chose is the card's background (§9.1 "Background chart chosen by the user").
    const face = typeof it.backgroundPicUrl === 'string' && it.backgroundPicUrl ? { backgroundPicUrl: it.backgroundPicUrl } : {}
    p.putCode({
      card_id: card.card_id,
      code,
      status: forSelf ? 'NORMAL' : 'GIFTING',
      openid: buyer.saOpenid,
      balance: Number(card.body.init_balance ?? price),
      bonus: 0,
      receivedAt: now,
      orderId,
      outerStr: String(b.outerStr ?? ''),
      ...face,
    })
    cards.push({
      card_id: card.card_id,
      price,
      code,
      default_gifting_msg: String(it.message ?? ''),
      background_pic_url: String(it.backgroundPicUrl ?? ''),
      outer_img_id: String(it.outerImgId ?? ''),
      accepter_openid: forSelf ? buyer.saOpenid : '',
    })
  }
  const order: EmuOrder = {
    order_id: orderId,
    page_id: pageId,
    trans_id: `4200000${Date.now()}`.slice(0, 28),
    create_time: now,
    pay_finish_time: now,
    total_price: cards.reduce((s, c) => s + c.price, 0),
    open_id: buyer.saOpenid,
    accepter_openid: forSelf ? buyer.saOpenid : '',
    outer_str: String(b.outerStr ?? ''),
    is_chat_room: b.toChatRoom === true,
    status: forSelf ? 'ACCEPTED' : 'SENDING',
    card_list: cards,
  }
  p.s.orders[orderId] = order
  p.touch()
  p.push('giftcard_pay_done', { PageId: pageId, OrderId: orderId }, buyer.saOpenid)
  if (forSelf) {
    for (const c of cards) {
      p.cube(c.card_id, 'receive', buyer.saOpenid)
      p.push(
        'user_get_card',
        {
          CardId: c.card_id,
          IsGiveByFriend: '0',
          UserCardCode: c.code,
          FriendUserName: '',
          OuterId: '0',
          OldUserCardCode: '',
          OuterStr: order.outer_str,
          IsRestoreMemberCard: '0',
          UnionId: buyer.unionid,
        },
        buyer.saOpenid,
      )
    }
  } else {
    p.push(
      'giftcard_send_to_friend',
      { PageId: pageId, OrderId: orderId, IsChatRoom: String(order.is_chat_room), IsReturnBack: 'false' },
      buyer.saOpenid,
    )
  }
  return { order: { ...order } }
}

export function giftcardAccept(p: Platform, b: Body): Body {
  const to = user(p, b.user)
  const order = p.s.orders[String(b.orderId ?? '')]
  if (!order || order.status !== 'SENDING') throw new ClientError('accept:fail no gift-card order is waiting to be accepted')
  if (to.saOpenid === order.open_id) throw new ClientError('accept:fail the buyer cannot accept their own gift')
  order.status = 'ACCEPTED'
  order.accepter_openid = to.saOpenid
  for (const item of order.card_list) {
    item.accepter_openid = to.saOpenid
    const c = p.code(item.card_id, item.code)
    if (c) {
      c.status = 'NORMAL'
      c.openid = to.saOpenid
      c.receivedAt = p.now()
    }
  }
  p.touch()
  // §10.3 describes giftcard_user_accept as the event of a friend accepting: the document pushes no
  // user_get_card here (the merchant reads the accepter from card/giftcard/order/get).
  p.push('giftcard_user_accept', { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: String(order.is_chat_room) }, to.saOpenid)
  for (const item of order.card_list) p.cube(item.card_id, 'receive', to.saOpenid)
  return { order: { ...order } }
}

/**
 * The shelf's cell jump protocol (gift-card-api §7.2 note 3, §14.2): "the jump brings in order_id and
 * openid in the GET parameter" — https://mp.weixin.qq.com becomes
 * https://mp.weixin.qq.com/?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w. The
 * parameters join the url's query (before any #fragment); openid is the user's Service Account openid.
 */
export function cellJumpUrl(cellUrl: string, orderId: string, openid: string): string {
  const u = new URL(cellUrl)
  u.searchParams.set('order_id', orderId)
  u.searchParams.set('openid', openid)
  return u.toString()
}

export function giftcardCellJump(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const order = p.s.orders[String(b.orderId ?? '')]
  if (!order || (order.open_id !== u.saOpenid && order.accepter_openid !== u.saOpenid))
    throw new ClientError('cell:fail no such order of this user')
  const cell = b.cell === 2 ? 'cell_2' : 'cell_1'
  const page = p.s.pages[order.page_id]
  const url = (page?.[cell] as Body | undefined)?.url
  if (typeof url !== 'string') throw new ClientError(`cell:fail the shelf has no ${cell}`)
  return { url: cellJumpUrl(url, order.order_id, u.saOpenid), title: String((page![cell] as Body).title ?? '') }
}

/** The buyer authorizes an invoice for a hosted-shelf order: the data getauthdata returns, and user_authorize_invoice. */
export function authorizeInvoice(p: Platform, b: Body): Body {
  const u = user(p, b.user)
  const order = p.s.orders[String(b.orderId ?? '')]
  if (!order || (order.open_id !== u.saOpenid && order.accepter_openid !== u.saOpenid))
    throw new ClientError('authorizeInvoice:fail no such order of this user')
  if (!p.s.invoice.paymch) throw new ClientError('authorizeInvoice:fail the merchant has not set its invoice platform (set_pay_mch)')
  const title = String(b.title ?? u.name)
  // §12.2.2.5: a personal title fills user_field, a unit title (biz: true) biz_field; each carries the
  // merchant's custom fields (set_auth_field's custom_field keys) with what the buyer wrote (custom).
  const given = (b.custom ?? {}) as Record<string, unknown>
  const fieldsOf = (side: 'user_field' | 'biz_field') =>
    (((p.s.invoice.authField?.[side] as Body | undefined)?.custom_field ?? []) as Body[]).map((f) => ({
      key: String(f.key),
      value: String(given[String(f.key)] ?? ''),
    }))
  const info =
    b.biz === true
      ? {
          biz_field: {
            title,
            tax_no: String(b.taxNo ?? ''),
            addr: String(b.addr ?? ''),
            phone: String(b.phone ?? ''),
            bank_type: String(b.bankType ?? ''),
            bank_no: String(b.bankNo ?? ''),
            custom_field: fieldsOf('biz_field'),
          },
        }
      : { user_field: { title, phone: String(b.phone ?? ''), email: String(b.email ?? ''), custom_field: fieldsOf('user_field') } }
  p.s.invoice.authData[order.order_id] = { invoice_status: 'auth success', auth_time: p.now(), user_auth_info: info }
  p.touch()
  // §12.2.2.4: "AppId — AppId for Service Account to receive event push" (not the invoice platform's s_pappid).
  p.push('user_authorize_invoice', { SuccOrderId: order.order_id, FailOrderId: '', AppId: p.o.saAppid, Source: 'web' }, u.saOpenid)
  return { errMsg: 'authorizeInvoice:ok' }
}
