// One gift card in one person's card bag, keyed by WeChat's (card_id, code). The record is created by
// whichever arrives first: the Mini Program's recordAdded (mpOpenid) or the user_get_card push
// (saOpenid); the other completes it. The balance lives here with a version: every change bumps
// `version`, and WeChat has been told up to `syncedVersion`.
import type { CouponTerms } from '../../../contract/card-rules'
import type { CardType, UserCardStatus } from '../../../contract/card-view'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { change, type Store, type StoredDoc } from '../../store/port'
import { clock } from '../../clock'
import { sealSpendHint } from './spend-hint'

export type { UserCardStatus }

export interface UserCardDoc extends StoredDoc {
  cardId: string
  code: string
  mpOpenid?: string
  saOpenid?: string
  unionid?: string
  /** the purchase it came from (Mini Program order or hosted-shelf order) */
  orderId?: string
  /** the Mini Program entitlement that funded it */
  entitlementId?: string
  /** the buyer's blessing */
  message?: string
  /** a Cloud Pay refund of value that reached the card after its order was refunded, not yet confirmed (refunds.ts) */
  refundPending?: boolean
  pendingRefund?: { key: string; fee: number }
  /**
   * #28: a coupon made usable again by the refund of the 买单 order (this id) that used it. WeChat has no way
   * to undo card/code/consume, so the card bag keeps showing it used; we keep it NORMAL (the cron's
   * reconciliation leaves it so), and its next use's consume answers 40099, which counts as done. Cleared
   * when it is used again.
   */
  restoredBy?: string
  /** GIFTED: the friend's card that took this card's value */
  giftedTo?: string
  /**
   * Given through the card bag, its value not moved yet (giftcards/bag-codes.ts): the friend's new code takes it
   * once known. `giftingTo`: the friend's Service Account openid, as user_gifting_card named them.
   */
  parked?: boolean
  giftingTo?: string
  /** a code found in a card bag that nothing explains yet (no value, not shown): since when (ms) */
  awaitingSince?: number
  /** received as a gift (gifts.ts): its id and the name the giver signed with */
  giftId?: string
  giftFrom?: string
  /** times this card's value was given on with WeChat's 转赠 before reaching this code (the giver's + 1) */
  givenTimes?: number
  title: string
  /** fen */
  balance: number
  /** bumped by every balance change */
  version: number
  /** the version WeChat shows (card/generalcard/updateuser) */
  syncedVersion: number
  /** the first ledger entry (issue or transfer_in) is written */
  funded: boolean
  status: UserCardStatus
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
  /** #14: a coupon (CASH, DISCOUNT, GIFT, GROUPON, GENERAL_COUPON) and what it offers; absent for gift cards */
  couponType?: string
  terms?: CouponTerms
  /** when our status was last confirmed with card/code/get (ms) */
  checkedAt: number
  syncLeaseUntil: number
  /** set by every balance change, cleared once WeChat shows that version (the sync queue) */
  dirty: boolean
  /** WeChat refused the sync for good (the code is no longer ours, balance-sync.ts): why, and which
   *  version was refused; the cron stops retrying until the balance changes again */
  syncRefused?: { errcode: number; errmsg: string; version: number; at: number }
  updatedAt: number
  /** the latest balance change, for the line WeChat shows with the balance (no ledger query per sync) */
  lastEntry?: { kind: string; amount: number }
  /**
   * The removed 5-call path's holds (a debit whose pending entry was not settled yet): no code writes
   * them now; kept in the type for documents written before.
   */
  holds?: Record<string, true>
  /** the one-call spend's keys by spendKey(orderId) (money/spend-keys.ts), and how many are not settled yet */
  spendKeys?: Record<string, SpendKeyRecord>
  openKeys?: number
  /**
   * Gift-card legs of unfinished checkouts (money/checkout.ts), by leg key: debited, but not final until the
   * checkout is paid (the money stays spent) or ends unpaid (it is credited back). Shown to the person as held
   * (冻结) until `until`, the checkout's expiry; a mark a crash left behind hides itself then.
   */
  checkoutHolds?: Record<string, CheckoutHold>
  /** a member card (#13): its stored value is `balance` (ledger.ts), its points `bonus` (member-points.ts) */
  member?: boolean
  /** member points; every change bumps `version` as a balance change does */
  bonus?: number
}

/**
 * A read of a card without its spend keys (`Store.get`'s omit): what the balance sync and a spend that
 * knows its own key read, since a hot card carries an hour of keys (money/spend-keys.ts).
 */
export const WITHOUT_SPEND_KEYS = ['spendKeys'] as const

/** The types card.listMine shows (docs/functions-api.md). */
export type CardViewType = CardType

export interface CardView {
  cardId: string
  code: string
  /** what kind of card it is */
  type: CardViewType
  /** what it offers: leastCost/reduceCost, discount, gift, dealDetail, defaultDetail, or balance */
  terms: CouponTerms
  title: string
  balance: number
  status: UserCardStatus
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
  /** the blessing that came with the card */
  message?: string
  /** the giver's name, for a card received as a gift */
  giftFrom?: string
  /** fen held by unfinished checkouts (absent when none): spent from `balance`, not final yet */
  held?: number
  /** ms: when the last of those checkouts expires (credited back then unless paid) */
  heldUntil?: number
  /** the card as its holder sees it now, sealed: card.spend's `seen` (spend-hint.ts) */
  spendHint?: string
}

/** One spend's key on its card (see money/spend-keys.ts; short names: a hot card carries a day of them). */
export interface SpendKeyRecord {
  /** always true: the spend's condition is that it is not (the key is absent) */
  on: true
  /** orderId, amount (fen), ms when the money moved */
  o: string
  a: number
  t: number
  /** the request's orderedAt (ms): a settled key goes by it (spend-keys.ts prunable); absent on keys made before it was kept */
  q?: number
  /** the balance just after, when the spend knew it (conditional on the version) */
  b?: number
  d?: string
  /** false: earns no member points (a checkout's card leg) */
  p?: false
  /** settled: the ledger entry is written */
  s?: true
  /** claimed by a settler about to write its entry: no longer put back (spend-keys.ts settleCard) */
  c?: true
  /** the orderId had its entry already (on another card): this debit was credited back */
  x?: true
  /** the ledger entry's id when not `spend:<o>` (a counter redemption's `redeem:<key>`) */
  e?: string
}

export interface CheckoutHold {
  /** fen debited for the checkout */
  amount: number
  /** ms: the checkout's expiry, when the WeChat Pay order can no longer be paid */
  until: number
  /** the leg's orderId (its spend entry is `spend:<orderId>`) */
  orderId: string
}

export const userCardId = (cardId: string, code: string) => `${cardId}:${code}`

/** The field key of a leg's hold: its orderId's letters, digits, _ and - (never a dot, which would nest). */
const checkoutHoldKey = (legOrderId: string) => legOrderId.replace(/[^A-Za-z0-9_-]/g, '')

/** Marks a checkout leg's debit as held on its card (one write). */
export async function markCheckoutHold(store: Store, card: string, hold: CheckoutHold): Promise<void> {
  await store.update(Collections.userCards, card, { [`checkoutHolds.${checkoutHoldKey(hold.orderId)}`]: hold })
}

/** The leg is final (paid) or credited back (cancelled, expired): no longer held. Safe to repeat. */
export async function releaseCheckoutHold(store: Store, card: string, legOrderId: string): Promise<void> {
  await store.update(Collections.userCards, card, { [`checkoutHolds.${checkoutHoldKey(legOrderId)}`]: change.unset() })
}

/** The holds still in force at `nowMs`. */
export function activeHolds(doc: Pick<UserCardDoc, 'checkoutHolds'>, nowMs: number): CheckoutHold[] {
  return Object.values(doc.checkoutHolds ?? {}).filter((h) => h.until > nowMs)
}

export function newUserCard(cardId: string, code: string, fields: Partial<UserCardDoc>): UserCardDoc {
  return {
    _id: userCardId(cardId, code),
    cardId,
    code,
    title: '',
    balance: 0,
    version: 0,
    syncedVersion: 0,
    funded: false,
    status: 'NORMAL',
    beginTime: 0,
    endTime: 0,
    checkedAt: 0,
    syncLeaseUntil: 0,
    dirty: false,
    updatedAt: clock.now(),
    ...fields,
  }
}

/** The status a person should see: a NORMAL card past its end date is expired, whatever WeChat was last told. */
export function effectiveStatus(doc: Pick<UserCardDoc, 'status' | 'endTime'>, nowSec = Math.floor(clock.now() / 1000)): UserCardStatus {
  return doc.status === 'NORMAL' && doc.endTime && doc.endTime < nowSec ? 'EXPIRE' : doc.status
}

export function toCardView(doc: UserCardDoc, nowMs = clock.now()): CardView {
  const type = (doc.member ? 'MEMBER_CARD' : (doc.couponType ?? 'GIFT_CARD')) as CardViewType
  const terms: CouponTerms = doc.couponType ? (doc.terms ?? {}) : { balance: doc.balance }
  const view: CardView = {
    cardId: doc.cardId,
    code: doc.code,
    type,
    terms,
    title: doc.title,
    balance: doc.balance,
    status: effectiveStatus(doc),
    beginTime: doc.beginTime,
    endTime: doc.endTime,
  }
  if (doc.backgroundPicUrl) view.backgroundPicUrl = doc.backgroundPicUrl
  if (doc.message) view.message = doc.message
  if (doc.giftFrom) view.giftFrom = doc.giftFrom
  const holds = activeHolds(doc, nowMs)
  if (holds.length) {
    view.held = holds.reduce((sum, h) => sum + h.amount, 0)
    view.heldUntil = Math.max(...holds.map((h) => h.until))
  }
  const spendHint = sealSpendHint(doc)
  if (spendHint) view.spendHint = spendHint
  return view
}

/** A card the bag shows: not deleted, and funded (or holding value). */
// Member cards have their own page (member.mine): they are not listed with gift cards and coupons.
export const shownInBag = (d: UserCardDoc) => !d.member && d.status !== 'DELETE' && (d.funded || d.balance !== 0 || !!d.couponType)

/** The caller's card, or NOT_FOUND; another person's card is refused as FORBIDDEN (and logged). */
export async function cardOf(store: Store, mpOpenid: string, cardId: string, code: string): Promise<UserCardDoc> {
  const doc = await store.get<UserCardDoc>(Collections.userCards, userCardId(cardId, code))
  if (!doc || (doc.status === 'DELETE' && doc.mpOpenid !== mpOpenid))
    throw new AppError(ErrCode.NOT_FOUND, `no card ${cardId} with that code`)
  if (doc.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${cardId} is not yours`)
  return doc
}
