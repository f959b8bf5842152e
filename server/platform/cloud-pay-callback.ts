// How the functions Cloud Pay calls back (pay; member for recharges) answer a payment or refund notice:
// Cloud Pay invokes the callback itself, so a notice-shaped event sent by the Mini Program (SOURCE
// wx_client or wx_devtools) is refused; anything but errcode 0 makes Cloud Pay deliver the notice again
// ("支付结果回调云函数协议": 0 表示正常，其他表示异常，异常时支付回调会持续重试).
import { AppError, ErrCode } from '../errors'
import { log } from '../log'
import { callerIdentity } from './wx-cloud'

export async function answerCloudPay(
  fn: string,
  notice: { outTradeNo?: string; outRefundNo?: string },
  handle: () => Promise<{ errcode: number; errmsg: string }>,
): Promise<Record<string, unknown>> {
  const source = callerIdentity().source ?? ''
  if (/^wx_(client|devtools)/.test(source)) {
    log('warn', { fn, refused: 'payment notice from a client', source })
    return { errcode: ErrCode.FORBIDDEN, errmsg: 'payment notices come from Cloud Pay, not from a client' }
  }
  try {
    return await handle()
  } catch (err) {
    const e = err as AppError
    log('error', { fn, notice: notice.outRefundNo ?? notice.outTradeNo, error: e.message })
    return { errcode: e.errcode ?? ErrCode.INTERNAL, errmsg: e.message }
  }
}
