// Cloud Pay's refunds as WeChat Pay runs them, checked against the documents themselves:
// - CloudPay.refund (参数说明): sub_mch_id, nonce_str (≤ 32), out_refund_no (≤ 64), total_fee, refund_fee,
//   and the callback's functionName + envId are 必填. Accepting a request is not the refund: it is
//   PROCESSING until WeChat Pay settles it (here after WXEMU_REFUND_DELAY_S emulated seconds, default 0).
//   A repeated out_refund_no answers the same refund; one that failed (REFUNDCLOSE / CHANGE) is submitted
//   again under the same number and fee ("一笔退款失败后重新提交，请不要更换退款单号，请使用原商户退款单号").
// - CloudPay.queryRefund (参数说明 / 返回值): sub_mch_id, nonce_str 必填, one of refund_id / out_refund_no /
//   transaction_id / out_trade_no; answers refund_count and, per refund $n, out_refund_no_$n, refund_id_$n,
//   refund_fee_$n, refund_status_$n (SUCCESS, REFUNDCLOSE, PROCESSING, CHANGE), refund_success_time_$n;
//   no refund: result_code FAIL, err_code REFUNDNOTEXIST.
// - the refund result (WeChat Pay's 退款结果通知, sent "当商户申请的退款有结果后（退款状态为：退款成功、退款
//   关闭、退款异常）"), delivered by Cloud Pay to the refund's functionName with req_info's fields decrypted,
//   until the function answers errcode 0.
// How a refund settles is chosen through the faults endpoint: POST /__emu/faults {path: 'cloudPay.refund',
// refundStatus?: 'REFUNDCLOSE' | 'CHANGE' | 'SUCCESS', settleAfterS?, notify?: false, times?} for the next
// `times` refund requests (README, "Cloud Pay refunds").
import { randomBytes } from 'node:crypto'
import { WxError, type Fault, type Platform } from './platform'
import type { EmuPrepay, EmuRefund } from './state'

export const REFUND_FAULT_PATH = 'cloudPay.refund'
const FINAL_FAILURES = new Set(['REFUNDCLOSE', 'CHANGE'])

type Notify = (functionName: string, event: Record<string, unknown>) => void

const ok = (extra: Record<string, unknown>) => ({ returnCode: 'SUCCESS', returnMsg: 'OK', resultCode: 'SUCCESS', ...extra })
const refusal = (errCode: string, errCodeDes: string) => ({
  returnCode: 'SUCCESS',
  returnMsg: 'OK',
  resultCode: 'FAIL',
  errCode,
  errCodeDes,
})

function need(req: Record<string, unknown>, api: string, k: string): string {
  const v = req[k]
  if (v === undefined || v === null || v === '') throw new WxError(-1, `cloudPay.${api}:fail ${k} is required`)
  return String(v)
}

/** nonce_str: "随机字符串，不长于32位" (every Cloud Pay API's 参数说明). */
export function needNonce(req: Record<string, unknown>, api: string): void {
  if (need(req, api, 'nonceStr').length > 32) throw new WxError(-1, `cloudPay.${api}:fail nonceStr must be at most 32 characters`)
}

/** The next refund fault armed on the faults endpoint, consumed (or the defaults). */
function nextOutcome(p: Platform): { status: EmuRefund['outcome']; settleAfterS: number; notify: boolean } {
  const f = p.faults.find((x) => x.path === REFUND_FAULT_PATH && x.times > 0)
  if (f) f.times--
  return { status: f?.refundStatus ?? 'SUCCESS', settleAfterS: f?.settleAfterS ?? p.o.refundDelaySeconds ?? 0, notify: f?.notify ?? true }
}

function begin(p: Platform, r: EmuRefund): void {
  const o = nextOutcome(p)
  Object.assign(r, { status: 'PROCESSING', outcome: o.status, settleAt: p.now() + o.settleAfterS, notify: o.notify, requestedAt: p.now() })
  delete r.successTime
}

export function cloudPayRefund(p: Platform, req: Record<string, unknown>, notify: Notify): Record<string, unknown> {
  for (const k of ['subMchId', 'functionName', 'envId']) need(req, 'refund', k)
  needNonce(req, 'refund')
  const outTradeNo = String(req.outTradeNo ?? '')
  const outRefundNo = need(req, 'refund', 'outRefundNo')
  const refundFee = Number(req.refundFee)
  if (!/^[A-Za-z0-9_\-|*@]{1,64}$/.test(outRefundNo))
    throw new WxError(-1, 'cloudPay.refund:fail outRefundNo must be 1-64 characters of letters, digits, _-|*@')
  const order = Object.values(p.s.prepay).find((v) => v.outTradeNo === outTradeNo)
  if (!order || !order.paid) return refusal('ORDERNOTEXIST', 'no paid order with that outTradeNo')
  const refunds = (order.refunds ??= {})
  const earlier = refunds[outRefundNo]
  if (earlier) {
    if (earlier.refundFee !== refundFee) return refusal('PARAM_ERROR', 'outRefundNo was used with another refundFee')
    if (FINAL_FAILURES.has(earlier.status)) {
      // A failed refund submitted again under its number: WeChat Pay tries it again.
      begin(p, earlier)
      Object.assign(earlier, { functionName: String(req.functionName), envId: String(req.envId) })
      p.touch()
    }
  } else {
    if (Number(req.totalFee) !== order.totalFee) return refusal('PARAM_ERROR', 'totalFee does not match the order')
    const taken = Object.values(refunds)
      .filter((r) => !FINAL_FAILURES.has(r.status))
      .reduce((a, r) => a + r.refundFee, 0)
    if (!Number.isInteger(refundFee) || refundFee <= 0 || taken + refundFee > order.totalFee)
      return refusal('INVALID_REQUEST', 'refundFee exceeds what is left to refund')
    const r: EmuRefund = {
      refundFee,
      refundId: `50000${randomBytes(12).toString('hex')}`.slice(0, 32),
      functionName: String(req.functionName),
      envId: String(req.envId),
      status: 'PROCESSING',
      outcome: 'SUCCESS',
      settleAt: 0,
      notify: true,
      requestedAt: 0,
    }
    begin(p, r)
    refunds[outRefundNo] = r
    p.touch()
  }
  settleDueRefunds(p, notify)
  const r = refunds[outRefundNo]!
  return ok({
    subMchId: order.subMchId,
    nonceStr: randomBytes(8).toString('hex'),
    transactionId: order.transactionId,
    outTradeNo,
    outRefundNo,
    refundId: r.refundId,
    refundFee,
    totalFee: order.totalFee,
    cashFee: order.totalFee,
  })
}

export function cloudPayQueryRefund(p: Platform, req: Record<string, unknown>, notify: Notify): Record<string, unknown> {
  need(req, 'queryRefund', 'subMchId')
  needNonce(req, 'queryRefund')
  const by = (k: string) => (req[k] === undefined || req[k] === '' ? undefined : String(req[k]))
  const [refundId, outRefundNo, transactionId, outTradeNo] = ['refundId', 'outRefundNo', 'transactionId', 'outTradeNo'].map(by)
  if (!refundId && !outRefundNo && !transactionId && !outTradeNo)
    throw new WxError(-1, 'cloudPay.queryRefund:fail one of refundId, outRefundNo, transactionId, outTradeNo is required')
  settleDueRefunds(p, notify)
  // "如果同时存在优先级为：refund_id>out_refund_no>transaction_id>out_trade_no"
  let found: { order: EmuPrepay; list: [string, EmuRefund][] } | undefined
  for (const order of Object.values(p.s.prepay)) {
    const all = Object.entries(order.refunds ?? {})
    const list = refundId
      ? all.filter(([, r]) => r.refundId === refundId)
      : outRefundNo
        ? all.filter(([no]) => no === outRefundNo)
        : (transactionId ? order.transactionId === transactionId : order.outTradeNo === outTradeNo)
          ? all
          : []
    if (list.length) found = { order, list }
  }
  if (!found) return refusal('REFUNDNOTEXIST', '退款订单查询失败')
  const { order, list } = found
  const rows: Record<string, unknown> = {}
  list.forEach(([no, r], n) => {
    Object.assign(rows, {
      [`outRefundNo_${n}`]: no,
      [`refundId_${n}`]: r.refundId,
      [`refundFee_${n}`]: r.refundFee,
      [`refundStatus_${n}`]: r.status,
      [`refundRecvAccout_${n}`]: '支付用户零钱',
      ...(r.successTime ? { [`refundSuccessTime_${n}`]: r.successTime } : {}),
    })
  })
  return ok({
    subMchId: order.subMchId,
    nonceStr: randomBytes(8).toString('hex'),
    transactionId: order.transactionId,
    outTradeNo: order.outTradeNo,
    totalFee: order.totalFee,
    cashFee: order.totalFee,
    refundCount: list.length,
    ...rows,
  })
}

const beijingTime = (s: number) => new Date((s + 8 * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19)

/** Settles every PROCESSING refund whose time has come (on the emulated clock), and sends its result to the callback. */
export function settleDueRefunds(p: Platform, notify: Notify): void {
  const now = p.now()
  for (const order of Object.values(p.s.prepay)) {
    for (const [no, r] of Object.entries(order.refunds ?? {})) {
      if (r.status !== 'PROCESSING' || r.settleAt > now) continue
      r.status = r.outcome
      if (r.status === 'SUCCESS') r.successTime = beijingTime(now)
      p.touch()
      if (!r.notify) continue
      notify(r.functionName, {
        returnCode: 'SUCCESS',
        appid: p.o.mpAppid,
        mchId: '1800000001',
        subAppid: p.o.mpAppid,
        subMchId: order.subMchId,
        nonceStr: randomBytes(8).toString('hex'),
        transactionId: order.transactionId,
        outTradeNo: order.outTradeNo,
        refundId: r.refundId,
        outRefundNo: no,
        totalFee: order.totalFee,
        refundFee: r.refundFee,
        settlementTotalFee: order.totalFee,
        settlementRefundFee: r.refundFee,
        refundStatus: r.status,
        refundRecvAccout: '支付用户零钱',
        refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
        refundRequestSource: 'API',
        ...(r.successTime ? { successTime: r.successTime } : {}),
      })
    }
  }
}

/** Fen refunded (SUCCESS) of an order, and its refunds as WeChat Pay shows them. */
export function refundsOf(o: EmuPrepay) {
  const refunds = Object.fromEntries(Object.entries(o.refunds ?? {}).map(([no, r]) => [no, { refundFee: r.refundFee, status: r.status }]))
  return {
    refunded: Object.values(o.refunds ?? {})
      .filter((r) => r.status === 'SUCCESS')
      .reduce((a, r) => a + r.refundFee, 0),
    refunds,
  }
}

/** Validates a refund fault posted on /__emu/faults (HttpError text comes back to the caller). */
export function refundFault(b: Record<string, unknown>, f: Fault): string | undefined {
  if (b.refundStatus !== undefined) {
    if (b.refundStatus !== 'SUCCESS' && b.refundStatus !== 'REFUNDCLOSE' && b.refundStatus !== 'CHANGE')
      return 'refundStatus must be SUCCESS, REFUNDCLOSE or CHANGE'
    f.refundStatus = b.refundStatus
  }
  if (b.settleAfterS !== undefined) {
    if (typeof b.settleAfterS !== 'number' || !Number.isInteger(b.settleAfterS) || b.settleAfterS < 0)
      return 'settleAfterS must be a non-negative integer'
    f.settleAfterS = b.settleAfterS
  }
  if (b.notify !== undefined) f.notify = b.notify === true
  if (f.refundStatus === undefined && f.settleAfterS === undefined && f.notify === undefined)
    return 'a cloudPay.refund fault needs refundStatus, settleAfterS or notify'
  return undefined
}
