// How the server reads Cloud Pay's answers (server/platform/payment-gateway.ts), checked against the
// documents' own shapes, not against the emulator: CloudPay.queryRefund's refund_status_$n as the SDK
// hands it over (snake→camel leaves `_0`), the list form developers report the service answering, and
// WeChat Pay's REFUNDNOTEXIST; a refund notice is never taken for a payment notice.
import { cloudPayRefusal, isPaymentNotice, isRefundNotice, refundStateOf, wxPayErrCode } from '../../server/platform/payment-gateway'

const answered = (extra: Record<string, unknown>) => ({
  returnCode: 'SUCCESS',
  returnMsg: 'OK',
  resultCode: 'SUCCESS',
  refundCount: 1,
  ...extra,
})

test('refund_status_$n, refundStatusList and an unnumbered refund_status are read; every documented state is kept', () => {
  for (const state of ['SUCCESS', 'REFUNDCLOSE', 'PROCESSING', 'CHANGE']) {
    expect(refundStateOf(answered({ outRefundNo_0: 'RFGC1', refundStatus_0: state }))).toBe(state)
    expect(refundStateOf(answered({ outRefundNoList: ['RFGC1'], refundStatusList: [state] }))).toBe(state)
    expect(refundStateOf(answered({ outRefundNo: 'RFGC1', refundStatus: state }))).toBe(state)
  }
})

test('no refund under the number is UNKNOWN (sent again); other refusals whose err_code can be read, and unknown states, are errors', () => {
  expect(refundStateOf({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'REFUNDNOTEXIST', errCodeDes: '退款订单查询失败' })).toBe(
    'UNKNOWN',
  )
  expect(() => refundStateOf({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'SYSTEMERROR', errCodeDes: '接口返回错误' })).toThrow(
    /接口返回错误/,
  )
  expect(() => refundStateOf({ returnCode: 'FAIL', returnMsg: '签名失败' })).toThrow(/签名失败/)
  expect(() => refundStateOf(answered({ refundStatus_0: 'REFUND' }))).toThrow(/no known refund_status/)
})

// What the function really receives: the real wx-server-sdk (3.0.4, callCloudPayAPI) returns
// `{...answer, errCode: 0, errMsg: 'cloudPay.queryRefund:ok'}`, its own errCode 0 over WeChat Pay's err_code.
const throughSdk = (api: string, answer: Record<string, unknown>) => ({ ...answer, errCode: 0, errMsg: `cloudPay.${api}:ok` })

test('through the SDK a refused query has no readable err_code: UNKNOWN (the refund is sent again under its number)', () => {
  for (const des of ['退款订单查询失败', 'not exist']) {
    const res = throughSdk('queryRefund', {
      returnCode: 'SUCCESS',
      returnMsg: 'OK',
      resultCode: 'FAIL',
      errCode: 'REFUNDNOTEXIST',
      errCodeDes: des,
    })
    expect(wxPayErrCode(res)).toBeUndefined()
    expect(refundStateOf(res)).toBe('UNKNOWN')
  }
  // A refund call refused: the reason is WeChat Pay's description, never the SDK's 0.
  const refused = throughSdk('refund', {
    returnCode: 'SUCCESS',
    returnMsg: 'OK',
    resultCode: 'FAIL',
    errCode: 'NOTENOUGH',
    errCodeDes: '余额不足',
  })
  expect(cloudPayRefusal(refused)).toBe('余额不足')
  expect(wxPayErrCode({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'NOTENOUGH' })).toBe('NOTENOUGH')
})

test('a refund notice (it names outRefundNo) is not a payment notice; an action call is neither', () => {
  const refund = { returnCode: 'SUCCESS', outTradeNo: 'GC1', outRefundNo: 'RFGC1', refundStatus: 'SUCCESS' }
  expect([isRefundNotice(refund), isPaymentNotice(refund)]).toEqual([true, false])
  const payment = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'GC1', totalFee: 100 }
  expect([isRefundNotice(payment), isPaymentNotice(payment)]).toEqual([false, true])
  expect([isRefundNotice({ ...refund, action: 'x' }), isPaymentNotice({ ...payment, action: 'x' })]).toEqual([false, false])
})
