// The payment port the domain pays and refunds through (Cloud Pay in production: cloud-pay.ts), and how
// to read Cloud Pay's answers and payment notices. Declared below the domain, so that the adapter never
// imports the domain.

export interface PaymentGateway {
  /** `timeExpire` (ms): after it the order cannot be paid (WeChat Pay's time_expire) */
  unifiedOrder(req: { body: string; outTradeNo: string; totalFee: number; timeExpire?: number }): Promise<Record<string, unknown>>
  /** Cloud Pay refund; idempotent on outRefundNo (WeChat Pay answers a repeated refund number with the first result). */
  refund(req: { outTradeNo: string; outRefundNo: string; totalFee: number; refundFee: number }): Promise<Record<string, unknown>>
}

/** Why Cloud Pay refused a request, or undefined when it succeeded (and, for a payment, gave one). */
export function cloudPayRefusal(res: Record<string, unknown>, needsPayment = false): string | undefined {
  if (res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS' && (!needsPayment || res.payment)) return undefined
  return String(res.errCodeDes ?? res.returnMsg ?? res.errCode ?? 'unknown')
}

export interface PaymentNotice {
  returnCode?: string
  resultCode?: string
  outTradeNo?: string
  transactionId?: string
  totalFee?: number
}

export function isPaymentNotice(e: unknown): e is PaymentNotice {
  return typeof e === 'object' && e !== null && 'outTradeNo' in e && 'returnCode' in e && !('action' in e)
}
