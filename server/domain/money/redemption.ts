// Redemption at the counter (核销): staff scan a code, see what it is and whether it can be used
// (card/code/get with check_consume), and redeem it — a coupon is consumed with card/code/consume
// ("消耗code接口是核销卡券的唯一接口"), a gift card is debited the amount the cashier entered through the
// ledger (the same debit path as online spending, synced to WeChat), and so is a member card's stored
// value (#13), which also earns points by the card's rule (members.ts). Once per key: a double tap or a
// retry answers the first result. Who, where and when are in the audit log (merchant.redeem's wrapper)
// and on the redemption record.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, type Store, type StoredDoc } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { CodeGetReply } from '../../wechat/code'
import { WxApiError } from '../../wechat/errors'
import { type SyncOptions } from '../../platform/settings'
import { consumeHeld, holdCoupon, type CouponHoldDoc } from '../coupons/coupon-checkout'
import { couponDefOf } from '../coupons/coupons'
import { spend } from './spending'
import { userCardId, type UserCardDoc, type UserCardStatus } from '../cards/user-cards'
import { hintOf } from '../cards/spend-hint'
import type { GiftCardDoc } from '../catalog/gift-cards'
import type { RedeemCheck } from '../../../contract/card-view'
export type { RedeemCheck }
import { memberCardDef } from '../catalog/member-cards'
import { type MemberDoc } from '../cards/member-records'
import { clock } from '../../clock'
import { namesOf } from '../cards/people'

const STATUS_BY_ERRCODE: Record<number, UserCardStatus> = { 40099: 'CONSUMED', 40127: 'UNAVAILABLE', 40079: 'EXPIRE', 40078: 'GIFTING' }

async function codeStatus(wx: WechatClient, code: string, cardId?: string): Promise<CodeGetReply & { status: UserCardStatus }> {
  try {
    const r = await wx.code.get({ code, ...(cardId ? { card_id: cardId } : {}), check_consume: true })
    return { ...r, status: r.user_card_status }
  } catch (err) {
    if (err instanceof WxApiError && (err.errcode === 40056 || /invalid serial code/.test(err.errmsg)))
      throw new AppError(ErrCode.NOT_FOUND, 'code: no card has this code (invalid serial code)')
    const guess = err instanceof WxApiError ? STATUS_BY_ERRCODE[err.errcode] : undefined
    if (!guess) throw err
    // check_consume refused it: read the exact state without it.
    const r = await wx.code.get({ code, ...(cardId ? { card_id: cardId } : {}) }).catch(() => undefined)
    if (!r) throw new AppError(ErrCode.CONFLICT, `the code cannot be used: ${guess}`)
    return { ...r, status: r.user_card_status }
  }
}

/** card/code/get's user_card_status in the words a cashier reads (redeemCheck's `reason`). */
const CODE_STATUS_WORDS: Record<string, string> = {
  CONSUMED: '已核销',
  EXPIRE: '已过期',
  GIFTING: '转赠中',
  GIFT_SUCC: '已转赠',
  GIFT_TIMEOUT: '转赠超时',
  DELETE: '已删除',
  UNAVAILABLE: '已失效',
}

/** What the code is and whether it can be redeemed now. */
export async function redeemCheck(store: Store, wx: WechatClient, code: string, cardId?: string): Promise<RedeemCheck> {
  return (await checkCode(store, wx, code, cardId)).check
}

/** redeemCheck's answer, and a gift card's record as it read it (the redemption's debit is told it: spend-hint.ts). */
async function checkCode(
  store: Store,
  wx: WechatClient,
  code: string,
  cardId?: string,
): Promise<{ check: RedeemCheck; card?: UserCardDoc | null }> {
  const got = await codeStatus(wx, code, cardId)
  const id = got.card.card_id
  const begin = got.card.begin_time ?? 0
  const end = got.card.end_time ?? 0
  const nowSec = Math.floor(clock.now() / 1000)
  const base = { cardId: id, code, status: got.status, beginTime: begin, endTime: end }
  let reason: string | undefined =
    got.status !== 'NORMAL' ? (CODE_STATUS_WORDS[got.status] ?? '暂不可核销') : got.can_consume === false ? '暂不可核销' : undefined
  if (!reason && begin && nowSec < begin) reason = '尚未生效'
  if (!reason && end && nowSec > end) reason = '已过期'
  const coupon = await couponDefOf(store, id)
  if (coupon) {
    const hold = await store.get<CouponHoldDoc>(Collections.couponHolds, userCardId(id, code))
    const redeemed = await counterRedemption(store, hold)
    if (redeemed) reason = '已被核销'
    if (!reason && hold?.status === 'HELD') reason = '正在线上使用中'
    // A hold is CONSUMED once WeChat took the consume, so WeChat says so first; this is for a code WeChat
    // still calls NORMAL meanwhile.
    if (!reason && hold?.status === 'CONSUMED') reason = '已在线上使用'
    const check: RedeemCheck = {
      ...base,
      type: coupon.type,
      title: coupon.title,
      terms: coupon.terms,
      usable: !reason,
      ...(reason ? { reason } : {}),
      ...(redeemed ? { redeemed } : {}),
    }
    return { check }
  }
  const memberDef = await memberCardDef(store, id)
  if (memberDef) {
    // A member card's stored value is debited like a gift card's; it must be activated and hold value.
    const [card, member] = await Promise.all([
      store.get<UserCardDoc>(Collections.userCards, userCardId(id, code)),
      store.get<MemberDoc>(Collections.members, userCardId(id, code)),
    ])
    const balance = card?.balance ?? 0
    if (!reason && !card) reason = '尚未登记'
    if (!reason && !member?.activated) reason = '会员卡尚未激活'
    if (!reason && !memberDef.supplyBalance) reason = '这张会员卡没有储值功能'
    if (!reason && balance <= 0) reason = '余额为零'
    const check: RedeemCheck = {
      ...base,
      type: 'MEMBER_CARD',
      title: memberDef.title,
      terms: { balance },
      balance,
      bonus: card?.bonus ?? 0,
      usable: !reason,
      ...(reason ? { reason } : {}),
    }
    return { check }
  }
  const giftDef = await store.get<GiftCardDoc>(Collections.giftCards, id)
  if (giftDef) {
    const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(id, code))
    const balance = card?.balance ?? 0
    if (!reason && !card) reason = '尚未登记'
    if (!reason && balance <= 0) reason = '余额为零'
    return {
      check: {
        ...base,
        type: 'GIFT_CARD',
        title: giftDef.title,
        terms: { balance },
        balance,
        usable: !reason,
        ...(reason ? { reason } : {}),
      },
      card,
    }
  }
  throw new AppError(ErrCode.NOT_FOUND, `code: card ${id} is not one this merchant redeems`)
}

/**
 * The counter redemption holding or having consumed a coupon (its hold's holder is `R:<key>`): by whom —
 * the staff member's name as the console shows it (cards/people.ts), never an openid — and when it began.
 */
async function counterRedemption(store: Store, hold: CouponHoldDoc | null | undefined): Promise<{ by: string; at: number } | undefined> {
  if (!hold || hold.status === 'RELEASED' || !hold.orderId.startsWith('R:')) return undefined
  const rec = await store.get<RedemptionDoc>(Collections.redemptions, hold.orderId.slice(2))
  return rec ? { by: (await namesOf(store, [rec.by]))(rec.by), at: rec.at } : undefined
}

/** The refusal when another redemption took the coupon first: what happened, not a checkout's words. */
function alreadyRedeemed(check: RedeemCheck & { redeemed: { by: string; at: number } }): AppError {
  return new AppError(
    ErrCode.CONFLICT,
    `the code was already redeemed at the counter by ${check.redeemed.by} at ${new Date(check.redeemed.at).toISOString()}`,
    { reason: 'ALREADY_REDEEMED', check },
  )
}

export interface RedemptionDoc extends StoredDoc {
  cardId: string
  code: string
  type: string
  /** gift cards: fen debited */
  amount?: number
  /** the staff member's openid */
  by: string
  status: 'PENDING' | 'DONE'
  at: number
  balance?: number
}

export interface RedeemInput {
  code: string
  cardId?: string
  /** gift and member cards: fen to debit */
  amount?: number
  key: string
}

/** Redeems once per key; see the file comment. */
export async function redeem(store: Store, wx: WechatClient, byOpenid: string, input: RedeemInput, sync: SyncOptions = {}) {
  let rec = await store.get<RedemptionDoc>(Collections.redemptions, input.key)
  /** a gift card as the check just read it */
  let read: UserCardDoc | null | undefined
  if (rec) {
    const same = rec.code === input.code && (!input.cardId || rec.cardId === input.cardId) && (rec.amount ?? undefined) === input.amount
    if (!same) throw new AppError(ErrCode.CONFLICT, `key ${input.key} was already used for another redemption`)
    if (rec.status === 'DONE') return view(store, rec)
  } else {
    const { check, card } = await checkCode(store, wx, input.code, input.cardId)
    read = card
    if (!check.usable) {
      // A double tap: the other tap may have redeemed it under this key between our two reads.
      if (await store.get<RedemptionDoc>(Collections.redemptions, input.key)) return redeem(store, wx, byOpenid, input, sync)
      if (check.redeemed) throw alreadyRedeemed({ ...check, redeemed: check.redeemed })
      throw new AppError(ErrCode.CONFLICT, `the code cannot be redeemed: ${check.reason}`, { check })
    }
    if (check.type === 'GIFT_CARD' || check.type === 'MEMBER_CARD') {
      if (input.amount === undefined)
        throw new AppError(ErrCode.INVALID_ARGUMENT, 'amount is required for a gift or member card (fen to debit)')
    } else if (input.amount !== undefined) throw new AppError(ErrCode.INVALID_ARGUMENT, 'amount is only for gift and member cards')
    rec = {
      _id: input.key,
      cardId: check.cardId,
      code: input.code,
      type: check.type,
      ...(input.amount !== undefined ? { amount: input.amount } : {}),
      by: byOpenid,
      status: 'PENDING',
      at: clock.now(),
    }
    try {
      await store.insert(Collections.redemptions, rec)
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      return redeem(store, wx, byOpenid, input, sync)
    }
  }
  const holder = `R:${input.key}`
  let balance: number | undefined
  if (rec.type === 'GIFT_CARD' || rec.type === 'MEMBER_CARD') {
    // The same one-call spend as online (spend-keys.ts), without an owner: staff redeem the code they
    // scanned. Its orderId is the holder, its entry `redeem:<key>`, its time the record's (the same on
    // every retry of the key); a member card earns its points where the spend settles, once per holder.
    const spent = await spend(
      store,
      wx,
      null,
      {
        cardId: rec.cardId,
        code: rec.code,
        amount: rec.amount!,
        orderId: holder,
        orderedAt: rec.at,
        entryId: `redeem:${input.key}`,
        description: '门店核销',
        // The card as the check just read it: the debit needs no read of its own (spend-hint.ts).
        told: read ? hintOf(read) : undefined,
      },
      sync,
    )
    balance = spent.balance
  } else {
    // The same hold as online use: a coupon held by a checkout cannot be redeemed here at the same time.
    try {
      await holdCoupon(store, '', { cardId: rec.cardId, code: rec.code }, holder, 0)
    } catch (err) {
      // Two staff at once: both passed the check, the other's redemption holds the coupon now.
      if (!(err instanceof AppError) || err.errcode !== ErrCode.CONFLICT) throw err
      const check = await redeemCheck(store, wx, rec.code, rec.cardId)
      throw check.redeemed ? alreadyRedeemed({ ...check, redeemed: check.redeemed }) : err
    }
    if (!(await consumeHeld(store, wx, { cardId: rec.cardId, code: rec.code }, holder)))
      throw new AppError(ErrCode.UPSTREAM, 'WeChat did not consume the code; try again with the same key')
  }
  await store.updateIf(
    Collections.redemptions,
    input.key,
    { status: 'PENDING' },
    { status: 'DONE', ...(balance !== undefined ? { balance } : {}) },
  )
  return view(store, { ...rec, status: 'DONE', ...(balance !== undefined ? { balance } : {}) })
}

/** The redemption as the counter reads it: the staff member by name (cards/people.ts), never by openid. */
async function view(store: Store, r: RedemptionDoc) {
  return {
    key: r._id,
    cardId: r.cardId,
    code: r.code,
    type: r.type,
    status: r.status,
    at: r.at,
    by: (await namesOf(store, [r.by]))(r.by),
    ...(r.amount !== undefined ? { amount: r.amount } : {}),
    ...(r.balance !== undefined ? { balance: r.balance } : {}),
  }
}
