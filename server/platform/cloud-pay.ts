// Cloud Pay as the domain's PaymentGateway. Payment and refund results call back into the function
// named here (pay; member for recharges); the sub-merchant comes from WX_PAY_SUBMCH_ID.
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../config'
import type { PaymentGateway } from './payment-gateway'
import { AppError, ErrCode } from '../errors'
import { cloudPayQueryRefund, cloudPayRefund, cloudPayUnifiedOrder, currentEnvId } from './wx-cloud'

/**
 * A fresh nonce_str for each call: 必填 on unifiedOrder, refund and queryRefund alike ("随机字符串，不长于32位。
 * 推荐随机数生成算法", CloudPay.unifiedOrder / CloudPay.refund / CloudPay.queryRefund, 参数说明): 32 hex characters.
 */
export function nonceStr(): string {
  return randomBytes(16).toString('hex')
}

/** `functionName`: the function Cloud Pay calls back (pay; member for recharges). */
export function cloudPayGateway(functionName = 'pay'): PaymentGateway {
  const subMchId = loadConfig().paySubMchId
  if (!subMchId) throw new AppError(ErrCode.INTERNAL, 'the function is not configured: WX_PAY_SUBMCH_ID is not set')
  // envId + functionName: "结果通知回调云函数环境 / 云函数名" (CloudPay.unifiedOrder and CloudPay.refund, 必填).
  const callback = () => ({ subMchId, nonceStr: nonceStr(), envId: currentEnvId(), functionName })
  return {
    unifiedOrder: (o) => cloudPayUnifiedOrder({ ...o, ...callback(), spbillCreateIp: '127.0.0.1' }),
    refund: (r) => cloudPayRefund({ ...r, ...callback() }),
    queryRefund: (outRefundNo) => cloudPayQueryRefund({ subMchId, nonceStr: nonceStr(), outRefundNo }),
  }
}
