// How the server reads Cloud Pay's answers (server/platform/payment-gateway.ts), checked against the
// documents' own shapes, not against the emulator: CloudPay.queryRefund's refund_status_$n as the SDK
// hands it over (snake→camel leaves `_0`), the list form developers report the service answering, and
// WeChat Pay's REFUNDNOTEXIST; a refund notice is never taken for a payment notice.
import { isPaymentNotice, isRefundNotice, refundStateOf } from '../../server/platform/payment-gateway'

const answered = (extra: Record<string, unknown>) => ({
  returnCode: 'SUCCESS',
  returnMsg: 'OK',
  resultCode: 'SUCCESS',
  refundCount: 1,
  ...extra,
})

test('refund_status_$n and refundStatusList are both read; every documented state is kept', () => {
  for (const state of ['SUCCESS', 'REFUNDCLOSE', 'PROCESSING', 'CHANGE']) {
    expect(refundStateOf(answered({ outRefundNo_0: 'RFGC1', refundStatus_0: state }))).toBe(state)
    expect(refundStateOf(answered({ outRefundNoList: ['RFGC1'], refundStatusList: [state] }))).toBe(state)
  }
})

test('no refund under the number is UNKNOWN (sent again); other refusals and unknown states are errors', () => {
  expect(refundStateOf({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'REFUNDNOTEXIST', errCodeDes: '退款订单查询失败' })).toBe(
    'UNKNOWN',
  )
  expect(() => refundStateOf({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'SYSTEMERROR', errCodeDes: '接口返回错误' })).toThrow(
    /接口返回错误/,
  )
  expect(() => refundStateOf({ returnCode: 'FAIL', returnMsg: '签名失败' })).toThrow(/签名失败/)
  expect(() => refundStateOf(answered({ refundStatus_0: 'REFUND' }))).toThrow(/no known refund_status/)
})

test('a refund notice (it names outRefundNo) is not a payment notice; an action call is neither', () => {
  const refund = { returnCode: 'SUCCESS', outTradeNo: 'GC1', outRefundNo: 'RFGC1', refundStatus: 'SUCCESS' }
  expect([isRefundNotice(refund), isPaymentNotice(refund)]).toEqual([true, false])
  const payment = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'GC1', totalFee: 100 }
  expect([isRefundNotice(payment), isPaymentNotice(payment)]).toEqual([false, true])
  expect([isRefundNotice({ ...refund, action: 'x' }), isPaymentNotice({ ...payment, action: 'x' })]).toEqual([false, false])
})
