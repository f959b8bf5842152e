// Cloud Pay as the domain's PaymentGateway. Payment and refund results call back into the function
// named here (pay; member for recharges); the sub-merchant comes from WX_PAY_SUBMCH_ID.
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../config'
import type { PaymentGateway } from './payment-gateway'
import { AppError, ErrCode } from '../errors'
import { cloudPayQueryRefund, cloudPayRefund, cloudPayUnifiedOrder, currentEnvId } from './wx-cloud'
import { clock } from '../clock'

/**
 * A fresh nonce_str for each call: 必填 on unifiedOrder, refund and queryRefund alike ("随机字符串，不长于32位。
 * 推荐随机数生成算法", CloudPay.unifiedOrder / CloudPay.refund / CloudPay.queryRefund, 参数说明): 32 hex characters.
 */
export function nonceStr(): string {
  return randomBytes(16).toString('hex')
}

/**
 * WeChat Pay's time format (CloudPay.unifiedOrder timeStart/timeExpire, as WeChat Pay v2's time_start /
 * time_expire): yyyyMMddHHmmss in Beijing time (GMT+8), e.g. 20091227091010.
 */
export function payTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14)
}

/** WeChat Pay v2 asks for time_expire at least a minute after the order is placed ("最短失效时间间隔大于1分钟"). */
const MIN_PAY_WINDOW_MS = 60_000

/** `functionName`: the function Cloud Pay calls back (pay; member for recharges). */
export function cloudPayGateway(functionName = 'pay'): PaymentGateway {
  const subMchId = loadConfig().paySubMchId
  if (!subMchId) throw new AppError(ErrCode.INTERNAL, 'the function is not configured: WX_PAY_SUBMCH_ID is not set')
  // envId + functionName: "结果通知回调云函数环境 / 云函数名" (CloudPay.unifiedOrder and CloudPay.refund, 必填).
  const callback = () => ({ subMchId, nonceStr: nonceStr(), envId: currentEnvId(), functionName })
  return {
    unifiedOrder: ({ timeExpire, ...o }) =>
      cloudPayUnifiedOrder({
        ...o,
        ...callback(),
        spbillCreateIp: '127.0.0.1',
        ...(timeExpire ? { timeExpire: payTime(Math.max(timeExpire, clock.now() + MIN_PAY_WINDOW_MS)) } : {}),
      }),
    refund: (r) => cloudPayRefund({ ...r, ...callback() }),
    queryRefund: (outRefundNo) => cloudPayQueryRefund({ subMchId, nonceStr: nonceStr(), outRefundNo }),
  }
}
