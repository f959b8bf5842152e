// Refunds of Mini Program payments (the states they pass through: refund-states.ts), each step a
// conditional transition that is safe to run again after a lost reply or a crash at any point:
// - a merchant refunds an mp order: READY entitlements → REFUNDED (never addable again), every added
//   card → a refund entry zeroing its balance and status UNAVAILABLE (card/code/unavailable in WeChat);
//   that card side fixes the fee (what was left), then ISSUED → REFUNDING and one Cloud Pay refund under
//   the refund number RF<orderId>, REFUNDED once WeChat Pay says SUCCESS. A refund WeChat Pay failed
//   (REFUND_FAILED) is retried by the same call: same number, same fee, the card side untouched.
// - a payment that arrived for a cancelled checkout (REFUND_NEEDED) is refunded whole by the cron.
import { AppError, ErrCode } from '../../errors'
import { createHash } from 'node:crypto'
import { Collections } from '../../store/collections'
import { change, where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { post } from '../ledgers/ledger'
import {
  UnreadableRefundState,
  cloudPayRefusal,
  refundStateOf,
  type PaymentGateway,
  type RefundState,
} from '../../platform/payment-gateway'
import { entitlementsOf } from '../giftcards/orders'
import type { EntitlementDoc, OrderDoc } from '../cards/order-types'
import { WITHOUT_SPEND_KEYS, userCardId, type UserCardDoc } from '../cards/user-cards'
import { REFUND_STATUSES, pursueRefund, retryRefund, startRefund, type Refundable, type RefundStatus } from './refund-states'
import { verdictFor, wechatVerdict, type Verdict } from './card-checks'
import { log } from '../../log'
import { clock } from '../../clock'
import { sendGiftBalance } from '../sync/balance-sync'

async function cloudPayRefund(pay: PaymentGateway, order: OrderDoc, refundFee: number, outRefundNo: string): Promise<void> {
  const refused = cloudPayRefusal(await pay.refund({ outTradeNo: order._id, outRefundNo, totalFee: order.totalFee, refundFee }))
  if (refused) throw new AppError(ErrCode.UPSTREAM, `Cloud Pay refused the refund of ${order._id}: ${refused}`)
}

/** The money that buys `value` fen of card balance on this order (the card may be issued with more than its price). */
function moneyFor(order: OrderDoc, value: number): number {
  const price = order.unitPrice ?? order.totalFee / order.quantity
  return Math.min(price, Math.round((value * price) / (order.unitValue || price)))
}

/** Makes a code unusable in WeChat; "already not usable" (40127) and "no such code" (40056) count as done. */
export async function makeUnavailable(wx: WechatClient, cardId: string, code: string, reason: string): Promise<void> {
  try {
    await wx.code.unavailable({ card_id: cardId, code, reason })
  } catch (err) {
    if (err instanceof WxApiError && (err.errcode === 40127 || err.errcode === 40056)) return
    log('warn', { msg: 'card/code/unavailable failed', card: cardId, code, error: (err as Error).message })
    throw err
  }
}

/** What one entitlement gives back: its price if never added, else the unspent part of its card (in proportion to price/value). */
async function refundEntitlement(store: Store, wx: WechatClient, order: OrderDoc, ent: EntitlementDoc, reason: string): Promise<number> {
  if (ent.status === 'READY')
    await store.updateIf(Collections.entitlements, ent._id, { status: 'READY' }, { status: 'REFUNDED', refundedAt: clock.now() })
  const now = (await store.get<EntitlementDoc>(Collections.entitlements, ent._id))!
  if (now.status === 'REFUNDED') return moneyFor(order, now.value)
  // ADDED: the card leaves the ledger (balance to zero) and every view, in one transaction.
  const id = userCardId(now.cardId, now.code!)
  const { entry } = await post(store, {
    card: id,
    kind: 'refund',
    amount: (c: UserCardDoc) => -c.balance,
    entryId: `refund:${id}`,
    orderId: order._id,
    description: reason,
    cardPatch: (c) => ({ status: 'UNAVAILABLE', syncedVersion: c.version + 1 }),
  })
  // The card bag would go on showing the refunded value on the unusable card (as the H5 walkthrough saw:
  // 已失效, ¥500): its balance goes to 0 first, with the refund as its line. A failure only leaves the old
  // figure on a card that can no longer be used, so it does not stop the refund.
  const zeroed = { cardId: now.cardId, code: now.code!, balance: entry.balanceAfter, lastEntry: { kind: 'refund', amount: entry.amount } }
  await sendGiftBalance(wx, zeroed).catch((err: unknown) =>
    log('warn', { msg: 'could not zero a refunded card in the card bag', card: id, error: (err as Error).message }),
  )
  await makeUnavailable(wx, now.cardId, now.code!, reason)
  return moneyFor(order, -entry.amount)
}

/**
 * What refundMpOrder would give back now for an order still ISSUED, from our record alone (no WeChat call):
 * each card never added, its price; each added card, the unspent part of its balance, in proportion to its
 * price (moneyFor), whatever its status (refundEntitlement takes the balance of any card but one given away);
 * a card given away (GIFTED), nothing, as givenAway decides from our record. The merchant's refund dialog says
 * it before they confirm. A card given away in WeChat unheard of is found only by the refund itself
 * (givenAway asks WeChat), which then gives back less.
 */
export async function refundPreview(store: Store, order: OrderDoc): Promise<number> {
  const ents = await entitlementsOf(store, order._id, order.quantity)
  const parts = await Promise.all(
    ents.map(async (e) => {
      if (e.status === 'READY' || e.status === 'REFUNDED') return moneyFor(order, e.value)
      if (e.status !== 'ADDED' || !e.code) return 0
      const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(e.cardId, e.code), WITHOUT_SPEND_KEYS)
      return card && card.status !== 'GIFTED' ? moneyFor(order, card.balance) : 0
    }),
  )
  return parts.reduce((a, b) => a + b, 0)
}

/**
 * The order's added cards that WeChat says a friend now holds, asked before any card is touched (issue 25
 * §1: with both card-bag pushes lost our record still says NORMAL). A card given away gives the buyer
 * nothing back — its value is the friend's and moves to their code (giftcards/bag-codes.ts) — as a gift
 * we heard of does (its balance moved to the friend: refunded 0). A card still being given (GIFTING)
 * stops the refund until the friend accepts or it returns; no answer from WeChat stops it too (1502),
 * before any money moves.
 */
async function givenAway(store: Store, wx: WechatClient, ents: EntitlementDoc[]): Promise<Set<string>> {
  const added = ents.filter((e) => e.status === 'ADDED' && e.code)
  const verdicts = await Promise.all(
    added.map(async (e) => {
      const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(e.cardId, e.code!))
      // Refunded already (a repeat): no question.
      if (card?.status === 'UNAVAILABLE') return { e, v: { ok: true } as Verdict }
      // Given away, as our record already knows: no question either, and nothing back. Its value moved to the
      // friend's code (a gift we heard of), or is still on it, parked for the friend's code (found by a refused
      // spend or the cron's read-back): refunding it would take the friend's value (the soak, seed 777).
      if (card?.status === 'GIFTED') return { e, v: { ok: false, status: 'GIFTED' } satisfies Verdict }
      return { e, v: verdictFor(await wechatVerdict(wx, e.cardId, e.code!), card?.saOpenid) }
    }),
  )
  const giving = verdicts.find(({ v }) => !v.ok && v.status === 'GIFTING')
  if (giving)
    throw new AppError(
      ErrCode.CONFLICT,
      `card ${giving.e.code} is being given to a friend in WeChat: refund it once the gift is accepted or returned`,
    )
  return new Set(verdicts.filter(({ v }) => !v.ok && v.status === 'GIFTED').map(({ e }) => e._id))
}

/** What a refund call answers: REFUNDING until WeChat Pay reports SUCCESS; a failure is an error saying why. */
export interface RefundAnswer {
  orderId: string
  status: 'REFUNDING' | 'REFUNDED'
  refundFee: number
  refundNo: string
}

/**
 * Starts (or retries) the refund of an order whose card side has moved, and takes it as far as WeChat Pay
 * allows now. A refund WeChat Pay failed, now or earlier, is 1502 with the reason (the console shows advice).
 */
export async function refundThrough(store: Store, pay: PaymentGateway, collection: string, doc: Refundable): Promise<RefundAnswer> {
  const now = doc.status === 'REFUND_FAILED' ? await retryRefund(store, collection, doc) : doc
  const status = (now.status === 'REFUNDING' ? await pursueRefund(store, pay, collection, now) : now.status) as RefundStatus
  const after = (await store.get<Refundable>(collection, doc._id))!
  if (status === 'REFUND_FAILED')
    throw new AppError(ErrCode.UPSTREAM, `WeChat Pay failed the refund ${after.refundNo}: ${after.refundError?.message ?? 'unknown'}`, {
      reason: 'REFUND_FAILED',
      refundStatus: 'REFUND_FAILED',
      refundError: after.refundError?.code ?? 'FAIL',
    })
  return { orderId: doc._id, status, refundFee: after.refundFee ?? 0, refundNo: after.refundNo ?? '' }
}

export async function refundMpOrder(
  store: Store,
  wx: WechatClient,
  pay: PaymentGateway,
  orderId: string,
  reason: string,
): Promise<RefundAnswer> {
  const found = await store.get<OrderDoc & Refundable>(Collections.orders, orderId)
  if (!found || found.kind !== 'mp') throw new AppError(ErrCode.NOT_FOUND, `no Mini Program order ${orderId}`)
  let order = found
  if (order.status === 'ISSUED') {
    // The card side first (each step once, so a second call computes the same fee), then the order.
    const ents = await entitlementsOf(store, orderId, order.quantity)
    const given = await givenAway(store, wx, ents)
    const parts = await Promise.all(ents.map((e) => (given.has(e._id) ? 0 : refundEntitlement(store, wx, found, e, reason))))
    order = await startRefund<OrderDoc & Refundable>(
      store,
      Collections.orders,
      orderId,
      'ISSUED',
      parts.reduce((a, b) => a + b, 0),
      reason,
    )
  }
  if (!REFUND_STATUSES.includes(order.status))
    throw new AppError(ErrCode.CONFLICT, `order ${orderId} is ${order.status}: only a paid order can be refunded`)
  return refundThrough(store, pay, Collections.orders, order)
}

/** The cron: payments that arrived for cancelled checkouts go back whole (REFUND_NEEDED → REFUNDING; pollRefunds follows them). */
export async function refundLatePayments(
  store: Store,
  pay: PaymentGateway,
): Promise<{ refunded: number; refunding: number; failed: number }> {
  const due = await store.find<OrderDoc>(Collections.orders, { status: 'REFUND_NEEDED' }, { limit: 50 })
  const out = { refunded: 0, refunding: 0, failed: 0 }
  await Promise.all(
    due.map(async (o) => {
      try {
        const started = await startRefund(
          store,
          Collections.orders,
          o._id,
          'REFUND_NEEDED',
          o.totalFee,
          'paid after the checkout was cancelled',
        )
        const status = await pursueRefund(store, pay, Collections.orders, started)
        if (status === 'REFUNDED') out.refunded++
        else if (status === 'REFUNDING') out.refunding++
        else out.failed++
      } catch (err) {
        out.failed++
        log('warn', { msg: 'late payment refund failed; the next run retries', order: o._id, error: (err as Error).message })
      }
    }),
  )
  return out
}

/**
 * The cron: value that reached a card after its order was refunded (a checkout leg credited back once
 * the checkout was cancelled, after the merchant's refund had zeroed the card) goes back to the buyer
 * through Cloud Pay too, so a refunded order never holds value. The refund entry and a pending refund
 * on the card are written in one transaction, keyed by the card's version when it was found; the Cloud
 * Pay refund under that key follows, and the pending mark is cleared only once WeChat Pay reports it
 * SUCCESS, so a failed or lost refund is sent again (same refund number) by the next run.
 */
export async function refundStrandedValue(store: Store, pay: PaymentGateway): Promise<{ refunded: number }> {
  const [stranded, pending] = await Promise.all([
    store.find<UserCardDoc>(Collections.userCards, { status: 'UNAVAILABLE', balance: where.gt(0) }, { limit: 100 }),
    store.find<UserCardDoc>(Collections.userCards, { refundPending: true }, { limit: 100 }),
  ])
  let refunded = 0
  for (const card of [...pending, ...stranded]) {
    try {
      if (await refundStranded(store, pay, card)) refunded++
    } catch (err) {
      // One card's failure (Cloud Pay down, an answer that cannot be read) leaves the others to go on.
      log('warn', { msg: 'stranded value refund failed; the next run tries again', card: card._id, error: (err as Error).message })
    }
  }
  return { refunded }
}

/** One card's stranded value: its refund entry and pending mark, the Cloud Pay refund, the mark cleared once paid. */
async function refundStranded(store: Store, pay: PaymentGateway, card: UserCardDoc): Promise<boolean> {
  const order = card.orderId && card.entitlementId ? await store.get<OrderDoc>(Collections.orders, card.orderId) : null
  if (!order || order.kind !== 'mp' || !REFUND_STATUSES.includes(order.status)) return false
  let due = card.refundPending ? card.pendingRefund : undefined
  if (!due) {
    const key = `${card._id}:v${card.version}`
    const posted = await post(store, {
      card: card._id,
      kind: 'refund',
      amount: (c) => -c.balance,
      entryId: `refund:${key}`,
      orderId: order._id,
      description: 'refunded after the order refund',
      guard: (c) => {
        if (c.version !== card.version) throw new AppError(ErrCode.CONFLICT, 'the card changed; the next run looks again')
      },
      cardPatch: (c) => ({ syncedVersion: c.version + 1, refundPending: true, pendingRefund: { key, fee: moneyFor(order, c.balance) } }),
    }).catch((err) => (err instanceof AppError && err.errcode === ErrCode.CONFLICT ? undefined : Promise.reject(err)))
    if (!posted) return false
    due = { key, fee: moneyFor(order, -posted.entry.amount) }
  }
  if (!(await strandedRefundDone(pay, order, due))) return false
  await store.update(Collections.userCards, card._id, { refundPending: false, pendingRefund: change.unset() })
  return true
}

/**
 * Whether WeChat Pay reports a stranded-value refund SUCCESS, (re)sending it first when it has none under
 * the number or failed it — the same number and fee ("一笔退款失败后重新提交…请使用原商户退款单号"): no
 * merchant decision is needed to pay back value that reached a refunded order's card. Until then the
 * card's refund stays pending and the next run asks again.
 */
async function strandedRefundDone(pay: PaymentGateway, order: OrderDoc, due: { key: string; fee: number }): Promise<boolean> {
  const no = `RF${createHash('sha256').update(due.key).digest('hex').slice(0, 30)}`
  // An answer whose state cannot be read is sent again too: under the same number and fee WeChat Pay never
  // pays twice, and waiting on answers that may never be readable would leave the value unpaid for good.
  let state: RefundState | 'UNREADABLE' = await pay
    .queryRefund(no)
    .then(refundStateOf)
    .catch((err) => (err instanceof UnreadableRefundState ? ('UNREADABLE' as const) : Promise.reject(err)))
  if (state === 'UNKNOWN' || state === 'UNREADABLE' || state === 'REFUNDCLOSE' || state === 'CHANGE') {
    await cloudPayRefund(pay, order, due.fee, no)
    state = refundStateOf(await pay.queryRefund(no))
  }
  return state === 'SUCCESS'
}
