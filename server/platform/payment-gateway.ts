// The payment port the domain pays and refunds through (Cloud Pay in production: cloud-pay.ts), and how
// to read Cloud Pay's answers, payment notices and refund notices. Declared below the domain, so that
// the adapter never imports the domain.

export interface PaymentGateway {
  /** `timeExpire` (ms): after it the order cannot be paid (WeChat Pay's time_expire) */
  unifiedOrder(req: { body: string; outTradeNo: string; totalFee: number; timeExpire?: number }): Promise<Record<string, unknown>>
  /**
   * Cloud Pay refund: an accepted request is not a refund done ("调用退款接口成功，并不代表退款成功", WeChat's
   * answer on CloudPay.refund); its result comes from queryRefund or the refund callback. Idempotent on
   * outRefundNo, and a failed refund is submitted again under the same number (CloudPay.refund 说明 2:
   * "一笔退款失败后重新提交，请不要更换退款单号，请使用原商户退款单号").
   */
  refund(req: { outTradeNo: string; outRefundNo: string; totalFee: number; refundFee: number }): Promise<Record<string, unknown>>
  /** Cloud Pay queryRefund by out_refund_no. */
  queryRefund(outRefundNo: string): Promise<Record<string, unknown>>
}

/**
 * WeChat Pay's err_code in a Cloud Pay answer, when it can be read. Mostly it cannot: the real
 * wx-server-sdk (3.0.4, callCloudPayAPI) answers `{...answer camel-cased, errCode: 0, errMsg:
 * 'cloudPay.<api>:ok'}`, so its own errCode 0 overwrites WeChat Pay's err_code (a string, camel-cased to
 * the same name) on every answer that reached WeChat Pay, and only err_code_des (errCodeDes) says why.
 */
export function wxPayErrCode(res: Record<string, unknown>): string | undefined {
  return typeof res.errCode === 'string' && res.errCode !== '' ? res.errCode : undefined
}

/** Why Cloud Pay refused a request, or undefined when it succeeded (and, for a payment, gave one). */
export function cloudPayRefusal(res: Record<string, unknown>, needsPayment = false): string | undefined {
  if (res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS' && (!needsPayment || res.payment)) return undefined
  return String(res.errCodeDes ?? res.returnMsg ?? wxPayErrCode(res) ?? 'unknown')
}

/**
 * A refund's state as WeChat Pay reports it (CloudPay.queryRefund, 返回值 refund_status_$n and the refund
 * notice's refund_status): SUCCESS 退款成功; REFUNDCLOSE 退款关闭 (it failed); PROCESSING 退款处理中;
 * CHANGE 退款异常 (the money could not reach the buyer's account; the merchant handles it in the WeChat Pay
 * merchant platform). UNKNOWN: WeChat Pay has no refund under that number (err_code REFUNDNOTEXIST).
 */
export type RefundState = 'SUCCESS' | 'REFUNDCLOSE' | 'PROCESSING' | 'CHANGE' | 'UNKNOWN'

const STATES = new Set(['SUCCESS', 'REFUNDCLOSE', 'PROCESSING', 'CHANGE'])

/**
 * The state in a queryRefund answer asked by out_refund_no (one refund: $n = 0). The document names
 * the field refund_status_$n, which the SDK's snake→camel conversion hands over as `refundStatus_0`;
 * developers report the service answering `refundStatusList` instead (WeChat community: "cloud.cloudPay.
 * queryRefund返回值和文档描述的不一样"), so both are read. Throws when the call itself failed.
 *
 * A query WeChat Pay refused (result_code FAIL) is UNKNOWN — no refund under that number — unless its
 * err_code can be read and is another one. Through the SDK it cannot (wxPayErrCode), so REFUNDNOTEXIST
 * (documented as 退款订单查询失败; developers see "not exist") cannot be told from the rarer refusals
 * (SYSTEMERROR, FREQUENCY_LIMITED). Taking them all as UNKNOWN is safe: the caller sends the refund again
 * under the same out_refund_no and fee, which WeChat Pay never pays twice ("一笔退款失败后重新提交，请不要
 * 更换退款单号，请使用原商户退款单号"). Throwing instead left a refund that was never sent unsent for good
 * (the stranded-value refund always queries first: found by the 200-run soak, seed 1453600931).
 */
export function refundStateOf(res: Record<string, unknown>): RefundState {
  if (res.returnCode !== 'SUCCESS') throw new Error(`Cloud Pay queryRefund failed: ${String(res.returnMsg ?? 'unknown')}`)
  if (res.resultCode !== 'SUCCESS') {
    const code = wxPayErrCode(res)
    if (code === undefined || code === 'REFUNDNOTEXIST') return 'UNKNOWN'
    throw new Error(`Cloud Pay queryRefund refused: ${String(res.errCodeDes ?? code)}`)
  }
  const listed = Array.isArray(res.refundStatusList) ? res.refundStatusList[0] : undefined
  // …and refund_status unnumbered, as the refund notice names it, should an answer carry it so.
  const state = String(res.refundStatus_0 ?? listed ?? res.refundStatus ?? '')
  if (!STATES.has(state)) throw new UnreadableRefundState(state)
  return state as RefundState
}

/** A queryRefund answer that succeeded but names no refund state this reads (developers report such answers). */
export class UnreadableRefundState extends Error {
  constructor(state: string) {
    super(`Cloud Pay queryRefund answered no known refund_status (${state || 'none'})`)
    this.name = 'UnreadableRefundState'
  }
}

export interface PaymentNotice {
  returnCode?: string
  resultCode?: string
  outTradeNo?: string
  transactionId?: string
  totalFee?: number
}

/** A refund result Cloud Pay delivers to the refund's functionName: WeChat Pay's refund notice, req_info decrypted, camelCase. */
export interface RefundNotice {
  returnCode?: string
  outTradeNo?: string
  outRefundNo: string
  refundStatus?: string
}

export function isRefundNotice(e: unknown): e is RefundNotice {
  return typeof e === 'object' && e !== null && 'outRefundNo' in e && 'returnCode' in e && !('action' in e)
}

export function isPaymentNotice(e: unknown): e is PaymentNotice {
  return typeof e === 'object' && e !== null && 'outTradeNo' in e && 'returnCode' in e && !('action' in e) && !isRefundNotice(e)
}
