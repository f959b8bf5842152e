// Recharging a member card's stored value with Cloud Pay, as a state machine per order (the style of
// orders.ts):
//
//   CREATED ──paid (callback)──▶ PAID ──credited to the card (ledger `recharge:<orderId>`)──▶ CREDITED
//   CREDITED ──merchant refund (recharge-refunds.ts)──▶ REFUNDING ──▶ REFUNDED / REFUND_FAILED (refund-states.ts)
//
// The order id is derived from (member, requestId): a double tap, a retry or a reload with the same
// requestId is the same order and the same payment. Every transition is a compare-and-set on the state it
// leaves, and the credit has its own idempotency key, so the callback, a repeated callback and the cron
// (creditPaidRecharges) can race and the balance grows by the amount exactly once.
import type { RechargeStatus } from '../../../contract/member'
import { createHash } from 'node:crypto'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store, type StoredDoc } from '../../store/port'
import { keepPayment } from '../cards/prepaid'
import type { WechatClient } from '../../wechat/client'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import { post } from '../ledgers/ledger'
import { requireMemberCard } from '../catalog/member-cards'
import type { MemberDoc } from '../cards/member-records'
import { cloudPayRefusal, type PaymentGateway, type PaymentNotice } from '../../platform/payment-gateway'
import { cardOf } from '../cards/user-cards'
import { log } from '../../log'
import { clock } from '../../clock'

export type { RechargeStatus }

export interface RechargeDoc extends StoredDoc {
  mpOpenid: string
  requestId: string
  cardId: string
  code: string
  /** fen */
  amount: number
  status: RechargeStatus
  payment?: Record<string, unknown>
  /** the payment above is the first one stored (cards/prepaid.ts) */
  prepaid?: boolean
  transactionId?: string
  createdAt: number
  paidAt?: number
  creditedAt?: number
  /** fen given back (fixed when the refund is asked for; refund-states.ts has the rest of the refund's fields) */
  refundFee?: number
}

export function rechargeIdFor(mpOpenid: string, requestId: string): string {
  return `MR${createHash('sha256').update(`${mpOpenid}\n${requestId}`).digest('hex').slice(0, 30).toUpperCase()}`
}

export const RECHARGE_ID = /^MR[0-9A-F]{30}$/

export interface RechargeInput {
  cardId: string
  code: string
  amount: number
  requestId: string
}

export async function startRecharge(store: Store, pay: PaymentGateway, mpOpenid: string, input: RechargeInput) {
  const orderId = rechargeIdFor(mpOpenid, input.requestId)
  let order = await store.get<RechargeDoc>(Collections.memberOrders, orderId)
  if (!order) {
    const card = await cardOf(store, mpOpenid, input.cardId, input.code)
    if (!card.member) throw new AppError(ErrCode.INVALID_ARGUMENT, 'cardId is not a member card')
    if (card.status !== 'NORMAL') throw new AppError(ErrCode.CONFLICT, `the member card is ${card.status}`)
    const def = await requireMemberCard(store, input.cardId)
    if (!def.supplyBalance) throw new AppError(ErrCode.CONFLICT, 'this member card has no stored value')
    const member = await store.get<MemberDoc>(Collections.members, card._id)
    if (!member?.activated) throw new AppError(ErrCode.CONFLICT, 'activate the member card before recharging it')
    const fresh: RechargeDoc = {
      _id: orderId,
      mpOpenid,
      requestId: input.requestId,
      cardId: input.cardId,
      code: input.code,
      amount: input.amount,
      status: 'CREATED',
      createdAt: clock.now(),
    }
    try {
      await store.insert(Collections.memberOrders, fresh)
      order = fresh
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      order = (await store.get<RechargeDoc>(Collections.memberOrders, orderId))!
    }
  }
  if (order.cardId !== input.cardId || order.code !== input.code || order.amount !== input.amount) {
    throw new AppError(ErrCode.CONFLICT, `requestId ${input.requestId} was already used for another recharge`)
  }
  if (order.status !== 'CREATED') return { orderId, status: order.status }
  const payment = order.payment ?? (await prepay(store, pay, order))
  return { orderId, status: order.status, payment }
}

async function prepay(store: Store, pay: PaymentGateway, order: RechargeDoc): Promise<Record<string, unknown>> {
  // Cloud Pay answers a repeated outTradeNo with the same prepay, so a retry after a lost reply is safe.
  const res = await pay.unifiedOrder({ body: '会员卡储值', outTradeNo: order._id, totalFee: order.amount })
  const refused = cloudPayRefusal(res, true)
  if (refused) throw new AppError(ErrCode.UPSTREAM, `Cloud Pay refused the recharge: ${refused}`)
  return keepPayment(store, Collections.memberOrders, order._id, res.payment as Record<string, unknown>)
}

/** Credits a PAID recharge to its card once, then marks it CREDITED. */
async function credit(store: Store, wx: WechatClient | undefined, order: RechargeDoc, sync: SyncOptions): Promise<void> {
  const id = `${order.cardId}:${order.code}`
  await post(store, {
    card: id,
    kind: 'recharge',
    amount: order.amount,
    entryId: `recharge:${order._id}`,
    orderId: order._id,
    description: '会员卡充值',
    sameAs: (e) => e.card === id && e.amount === order.amount,
  })
  await store.updateIf(Collections.memberOrders, order._id, { status: 'PAID' }, { status: 'CREDITED', creditedAt: clock.now() })
  if (wx) await syncCard(store, wx, id, sync)
}

export function isRechargeNotice(n: PaymentNotice): boolean {
  return RECHARGE_ID.test(String(n.outTradeNo ?? ''))
}

/** The Cloud Pay callback for a recharge: PAID exactly once (the amount must match), then credited. */
export async function onRechargeNotice(
  store: Store,
  wx: WechatClient | undefined,
  n: PaymentNotice,
  sync: SyncOptions = {},
): Promise<{ errcode: 0; errmsg: string }> {
  if (n.returnCode !== 'SUCCESS' || n.resultCode !== 'SUCCESS') return { errcode: 0, errmsg: 'not a successful payment; nothing to do' }
  const order = n.outTradeNo ? await store.get<RechargeDoc>(Collections.memberOrders, n.outTradeNo) : null
  if (!order) throw new AppError(ErrCode.NOT_FOUND, `payment for unknown recharge ${String(n.outTradeNo)}`)
  if (n.totalFee !== order.amount)
    throw new AppError(ErrCode.CONFLICT, `payment of ${n.totalFee} fen does not match recharge ${order.amount}`)
  await store.updateIf(
    Collections.memberOrders,
    order._id,
    { status: 'CREATED' },
    { status: 'PAID', transactionId: n.transactionId ?? '', paidAt: clock.now() },
  )
  const now = await store.get<RechargeDoc>(Collections.memberOrders, order._id)
  if (now?.status === 'PAID') await credit(store, wx, now, sync)
  return { errcode: 0, errmsg: 'OK' }
}

export async function rechargeOf(store: Store, mpOpenid: string, orderId: string) {
  const o = await store.get<RechargeDoc>(Collections.memberOrders, orderId)
  if (!o) throw new AppError(ErrCode.NOT_FOUND, `no recharge ${orderId}`)
  if (o.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `recharge ${orderId} is not yours`)
  return { orderId: o._id, status: o.status, amount: o.amount, cardId: o.cardId, code: o.code }
}

/** The cron: recharges paid but not credited (a crash between the two steps) are credited now. */
export async function creditPaidRecharges(store: Store, wx: WechatClient, sync: SyncOptions = {}) {
  const due = await store.find<RechargeDoc>(
    Collections.memberOrders,
    { status: 'PAID', paidAt: where.lt(clock.now() - 1000) },
    { limit: 200 },
  )
  for (const o of due) {
    try {
      await credit(store, wx, o, sync)
    } catch (err) {
      log('warn', { msg: 'recharge credit failed; the cron retries', order: o._id, error: (err as Error).message })
    }
  }
  return { credited: due.length }
}
