// Cloud Pay as the domain's PaymentGateway. Payment and refund results call back into the `pay`
// function; the sub-merchant comes from WX_PAY_SUBMCH_ID.
import { loadConfig } from '../config'
import type { PaymentGateway } from './payment-gateway'
import { AppError, ErrCode } from '../errors'
import { cloudPayRefund, cloudPayUnifiedOrder, currentEnvId } from './wx-cloud'

/** `functionName`: the function Cloud Pay calls back (pay; member for recharges). */
export function cloudPayGateway(functionName = 'pay'): PaymentGateway {
  const subMchId = loadConfig().paySubMchId
  if (!subMchId) throw new AppError(ErrCode.INTERNAL, 'the function is not configured: WX_PAY_SUBMCH_ID is not set')
  const common = () => ({ subMchId, envId: currentEnvId(), functionName })
  return {
    unifiedOrder: (o) => cloudPayUnifiedOrder({ ...o, ...common(), spbillCreateIp: '127.0.0.1' }),
    refund: (r) => cloudPayRefund({ ...r, ...common() }),
  }
}
