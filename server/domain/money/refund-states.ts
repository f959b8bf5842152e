// A refund through Cloud Pay as WeChat Pay reports it: one state machine for Mini Program orders and
// late checkout payments (`orders`) and member recharges (`member_orders`), on the order's own status.
//
//   paid ──request──▶ REFUNDING ──refund_status SUCCESS──▶ REFUNDED
//                      │    ▲
//   REFUNDCLOSE, CHANGE│    │ the merchant retries: the same refund number, the same fee
//   or refused at once ▼    │
//                    REFUND_FAILED
//
// Accepting the request is not the refund: WeChat Pay settles it later and may fail it (CloudPay.refund,
// WeChat's answer: "调用退款接口成功，并不代表退款成功，具体还是要以退款支付通知为准"). The result is read with
// queryRefund by out_refund_no — after the request, by the cron for every REFUNDING order (oldest checked
// first, a bounded batch per run), and when Cloud Pay delivers the refund notice to the function (a notice
// only prompts a query, so a forged one moves nothing).
//
// The card side (entitlements refunded, card balances zeroed, a recharge debited) moves at the request,
// once, before the order leaves its paid state — never at SUCCESS, and never given back on failure:
// - the fee must be fixed before the request: a failed refund is submitted again under the same number
//   (CloudPay.refund 说明 2: "一笔退款失败后重新提交，请不要更换退款单号，请使用原商户退款单号"), and WeChat Pay
//   refuses a known number with another fee — value still spendable while REFUNDING would change it;
//   card/code/unavailable, which takes a refunded card out of the card bag, cannot be undone;
// - a failed refund is money the merchant still owes the buyer, not a sale restored: REFUND_FAILED waits
//   for the merchant to fix the cause (e.g. top up the merchant balance) and retry, with the card side
//   already settled, so nothing is spent twice and the books show the debt.
// Every transition is a compare-and-set on (status, refundAttempt): a result read for an earlier attempt
// never lands on a retried one, and a retried request that is not yet sent (refundSent false) is sent
// by whoever finds it first (Cloud Pay answers a repeated number with the same refund).
import { Collections } from '../../store/collections'
import { change, where, type Store, type StoredDoc } from '../../store/port'
import { cloudPayRefusal, refundStateOf, wxPayErrCode, type PaymentGateway, type RefundNotice } from '../../platform/payment-gateway'
import { AppError, ErrCode } from '../../errors'
import type { OrderDoc } from '../cards/order-types'
import type { RechargeDoc } from './member-recharge'
import { log } from '../../log'
import { clock } from '../../clock'

export type RefundStatus = 'REFUNDING' | 'REFUNDED' | 'REFUND_FAILED'
export const REFUND_STATUSES: readonly string[] = ['REFUNDING', 'REFUNDED', 'REFUND_FAILED']

/** The refund fields an order or a recharge carries once a refund was asked for. */
export interface RefundFields {
  /** out_refund_no: RF + the order id, the same for every attempt */
  refundNo?: string
  /** fen, fixed at the request */
  refundFee?: number
  refundReason?: string
  refundRequestedAt?: number
  /** 1 at the request, +1 each retry */
  refundAttempt?: number
  /** the attempt's request was accepted by Cloud Pay */
  refundSent?: boolean
  refundCheckedAt?: number
  refundedAt?: number
  /** why WeChat Pay failed it: refund_status REFUNDCLOSE / CHANGE, or the err_code of a refused request */
  refundError?: { code: string; message: string }
}

export type Refundable = (OrderDoc | RechargeDoc) & RefundFields

export const refundNumberOf = (orderId: string) => `RF${orderId}`

/** The two collections whose documents refund through this machine, and what each was paid (total_fee). */
const KINDS = [
  { collection: Collections.orders, totalFee: (d: StoredDoc) => (d as OrderDoc).totalFee },
  { collection: Collections.memberOrders, totalFee: (d: StoredDoc) => (d as RechargeDoc).amount },
] as const

function kindOf(collection: string) {
  return KINDS.find((k) => k.collection === collection)!
}

/** The function a refund's result is delivered to (CloudPay.refund functionName): where its payment was called back. */
export function refundCallbackOf(collection: string): string {
  return collection === Collections.memberOrders ? 'member' : 'pay'
}

/**
 * Moves a paid order (status `from`) to REFUNDING with its fee fixed, once; the card side must have moved
 * already. Answers the order as it now stands (another call may have started it first).
 */
export async function startRefund<T extends Refundable>(
  store: Store,
  collection: string,
  id: string,
  from: string,
  fee: number,
  reason: string,
): Promise<T> {
  const now = clock.now()
  await store.updateIf(
    collection,
    id,
    { status: from },
    {
      status: 'REFUNDING',
      refundNo: refundNumberOf(id),
      refundFee: fee,
      refundReason: reason,
      refundRequestedAt: now,
      refundAttempt: 1,
      refundSent: false,
      refundCheckedAt: now,
    },
  )
  return (await store.get<T>(collection, id))!
}

/** REFUND_FAILED → REFUNDING again: the next attempt under the same number and fee. */
export async function retryRefund(store: Store, collection: string, doc: Refundable): Promise<Refundable> {
  await store.updateIf(
    collection,
    doc._id,
    { status: 'REFUND_FAILED', refundAttempt: doc.refundAttempt ?? 1 },
    {
      status: 'REFUNDING',
      refundAttempt: (doc.refundAttempt ?? 1) + 1,
      refundSent: false,
      refundError: change.unset(),
      refundCheckedAt: clock.now(),
    },
  )
  return (await store.get<Refundable>(collection, doc._id))!
}

/**
 * Takes a REFUNDING order one step towards its result: sends the attempt's request if it is not sent yet
 * (unless askOnly), then asks WeChat Pay (queryRefund) and records what it says. Answers the status it leaves.
 */
export async function pursueRefund(
  store: Store,
  pay: PaymentGateway,
  collection: string,
  doc: Refundable,
  opts: { askOnly?: boolean } = {},
): Promise<string> {
  if (doc.status !== 'REFUNDING' || !doc.refundNo || doc.refundFee === undefined) return doc.status
  const at = { status: 'REFUNDING', refundAttempt: doc.refundAttempt ?? 1 }
  const now = clock.now()
  if (doc.refundFee === 0) {
    // Nothing was left to give back (every card spent): no Cloud Pay refund to wait for.
    await store.updateIf(collection, doc._id, at, { status: 'REFUNDED', refundedAt: now })
  } else {
    if (!doc.refundSent && !opts.askOnly) {
      const res = await pay.refund({
        outTradeNo: doc._id,
        outRefundNo: doc.refundNo,
        totalFee: kindOf(collection).totalFee(doc),
        refundFee: doc.refundFee,
      })
      const refused = cloudPayRefusal(res)
      if (refused) {
        await store.updateIf(collection, doc._id, at, {
          status: 'REFUND_FAILED',
          // The code, when the SDK lets it through (wxPayErrCode); the console's advice is keyed by it.
          refundError: { code: wxPayErrCode(res) ?? (res.returnCode === 'FAIL' ? 'FAIL' : 'REFUSED'), message: refused },
          refundCheckedAt: now,
        })
        return (await store.get<Refundable>(collection, doc._id))!.status
      }
      await store.updateIf(collection, doc._id, at, { refundSent: true })
    }
    const state = refundStateOf(await pay.queryRefund(doc.refundNo))
    if (state === 'SUCCESS') await store.updateIf(collection, doc._id, at, { status: 'REFUNDED', refundedAt: now, refundCheckedAt: now })
    else if (state === 'REFUNDCLOSE' || state === 'CHANGE')
      await store.updateIf(
        collection,
        doc._id,
        { ...at, refundSent: true },
        { status: 'REFUND_FAILED', refundError: { code: state, message: `refund_status ${state}` }, refundCheckedAt: now },
      )
    // WeChat Pay has no refund under the number: the accepted request was lost on the way; send it again.
    else if (state === 'UNKNOWN') await store.updateIf(collection, doc._id, at, { refundSent: false, refundCheckedAt: now })
    else await store.updateIf(collection, doc._id, at, { refundCheckedAt: now })
  }
  return (await store.get<Refundable>(collection, doc._id))!.status
}

/** How many REFUNDING documents of each collection one cron run asks about (the rest wait for the next run). */
export const REFUND_POLL_BATCH = 50

/**
 * The cron: every REFUNDING order and recharge, least recently checked first, asked about once per run
 * (bounded; the state lives on the documents, so a run cut short resumes where the next one starts).
 */
export async function pollRefunds(store: Store, payFor: (collection: string) => PaymentGateway) {
  const out = { checked: 0, refunded: 0, failed: 0, errors: 0 }
  for (const { collection } of KINDS) {
    const due = await store.find<Refundable>(
      collection,
      { status: 'REFUNDING', refundCheckedAt: where.lte(clock.now()) },
      { orderBy: { field: 'refundCheckedAt', direction: 'asc' }, limit: REFUND_POLL_BATCH },
    )
    for (const doc of due) {
      try {
        const status = await pursueRefund(store, payFor(collection), collection, doc)
        out.checked++
        if (status === 'REFUNDED') out.refunded++
        if (status === 'REFUND_FAILED') out.failed++
      } catch (err) {
        out.errors++
        log('warn', { msg: 'refund check failed; the next run asks again', order: doc._id, error: (err as Error).message })
        // Checked, if in vain: to the back of the queue, or a batch of refunds whose answers cannot be read (a
        // Cloud Pay answer without a readable refund_status, a refusal) would be the batch of every run, and
        // no other refund would be asked about again.
        await store
          .updateIf(collection, doc._id, { status: 'REFUNDING', refundAttempt: doc.refundAttempt ?? 1 }, { refundCheckedAt: clock.now() })
          .catch(() => false)
      }
    }
  }
  return out
}

/**
 * Cloud Pay's refund callback (the refund's functionName): the notice names the refund; its state is
 * read from WeChat Pay itself. Answers `{errcode: 0}` once recorded (anything else makes Cloud Pay deliver it again).
 */
export async function onRefundNotice(
  store: Store,
  payFor: (collection: string) => PaymentGateway,
  n: RefundNotice,
): Promise<{ errcode: 0; errmsg: string }> {
  const id = /^RF(.+)$/.exec(n.outRefundNo)?.[1]
  for (const { collection } of KINDS) {
    const doc = id ? await store.get<Refundable>(collection, id) : null
    if (!doc || doc.refundNo !== n.outRefundNo) continue
    // Ask only: a notice proves the request reached WeChat Pay. It can arrive before the request's own call has
    // marked the refund sent, and sending then would resubmit a refund WeChat Pay just failed (same number),
    // which it accepts as a retry: the failure the merchant must see would turn into a success.
    const status = await pursueRefund(store, payFor(collection), collection, doc, { askOnly: true })
    return { errcode: 0, errmsg: status }
  }
  throw new AppError(ErrCode.NOT_FOUND, `refund notice for unknown refund ${n.outRefundNo}`)
}
