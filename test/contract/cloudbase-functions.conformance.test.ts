// Conformance: functions written for Cloud Development (plain JavaScript against wx-server-sdk, dropped
// into a functions directory) run unchanged in the local cloud, as Cloud Development runs them: their
// own environment per invocation, one invocation at a time per instance, module state kept by an
// instance, strict mode as written, a timeout that ends the instance, callFunction and cloudPay.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { ThreadBank } from '../../emulator/cloud/instances'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { callFn, stackEnv } from '../helpers/cloud'
import { startEmu, startReceiver, type Receiver } from '../helpers/emulator'
import { merchantFunctionsDir } from './merchant-functions'
import { readWxacodePng } from '../../emulator/cloud/wxacode-png'

let dir: string
let cloud: LocalCloud
let emu: WechatEmulator
let receiver: Receiver

beforeAll(async () => {
  const fns = merchantFunctionsDir()
  dir = fns.dir
  receiver = await startReceiver()
  emu = await startEmu(receiver)
  cloud = await startLocalCloud({
    functionsDir: dir,
    dataDir: null,
    mpAppid: stackEnv.WX_MP_APPID!,
    port: 0,
    env: { MY_SETTING: 'on' },
    cloudPay: emu.cloudPay,
    envId: 'merchant-env-1a2b',
    deployConfig: fns.deployConfig,
  })
})
afterAll(async () => {
  await cloud.stop()
  await emu.stop()
  await receiver.close()
  rmSync(dir, { recursive: true, force: true })
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (name: string, event: Json, openid?: string): Promise<{ status: number; json: Json }> => {
  const r = await callFn(cloud, name, event, openid)
  return { status: r.status, json: r.json as Json }
}

test('getWXContext() answers each invocation its own caller, even when calls overlap', async () => {
  const res = await Promise.all(['oA', 'oB', 'oC', 'oD'].map((o) => call('echo', { n: o }, o)))
  for (const [i, o] of ['oA', 'oB', 'oC', 'oD'].entries()) {
    expect(res[i]!.json.wx).toEqual({ OPENID: o, APPID: stackEnv.WX_MP_APPID, ENV: 'merchant-env-1a2b', SOURCE: 'wx_client' })
    expect(res[i]!.json.envOpenid).toBe(o)
    expect(res[i]!.json.event).toEqual({ n: o, userInfo: { appId: stackEnv.WX_MP_APPID, openId: o } })
  }
  const timer = await fetch(`${cloud.url}/__cloud/trigger/echo`, { method: 'POST' })
  expect(((await timer.json()) as Json).wx).toEqual({ ENV: 'merchant-env-1a2b', SOURCE: 'wx_trigger' })
})

test('an instance keeps its module state between invocations', async () => {
  const a = (await call('counter', {})).json
  const b = (await call('counter', {})).json
  expect(b).toEqual({ calls: a.calls + 1, born: a.born })
})

test('an instance serves one invocation at a time: overlapping calls get instances of their own', async () => {
  const res = await Promise.all([1, 2, 3].map(() => call('slowcount', {})))
  expect(res.map((r) => r.json.calls)).toEqual([1, 1, 1])
  expect(new Set(res.map((r) => r.json.born)).size).toBe(3)
})

test('strict mode is as written: a sloppy file stays sloppy, a strict one strict', async () => {
  expect((await call('sloppy', {})).json).toEqual({ value: 42, strict: false })
  expect((await call('strict', {})).json).toEqual({ threw: true })
})

// SCF ends an invocation past its timeout with "Invoking task timed out after N seconds" (its result
// {"errorCode":-1,"errorMessage":"Invoking task timed out after 3 seconds","statusCode":433}), which a
// Mini Program's or another function's callFunction reports as errCode -504003 with that errMsg
// (reported verbatim e.g. in github.com/Mint-green/UnlearnableWord/issues/10 and
// github.com/RayWangQvQ/BiliBiliTool/issues/573).
test('a function runs at most its cloudbaserc.json timeout: -504003 "Invoking task timed out after 1 seconds", then the next call is served', async () => {
  expect((await call('spin', {})).json).toEqual({ started: 1 })
  const t0 = performance.now()
  const r = await call('spin', { spin: true })
  expect(performance.now() - t0).toBeLessThan(2500)
  expect(r.status).toBe(502)
  expect(r.json).toEqual({ errcode: -504003, errmsg: 'cloud.callFunction:fail spin: Invoking task timed out after 1 seconds' })
  // The spinning instance is gone (its module state with it); a new one serves the next call.
  expect((await call('spin', {})).json).toEqual({ started: 1 })
})

// Inside a function, wx-server-sdk 3.0.4 knows no -504003: its error table (index.js, "云函数") has
// FUNCTIONS_REQUEST_FAIL -504001 and FUNCTIONS_EXECUTE_FAIL -504002, and the service's message rides along.
test('callFunction from another function surfaces the timeout as wx-server-sdk reports it: -504002 with the timeout message', async () => {
  const r = (await call('caller', { target: 'spin', data: { spin: true } }, 'oCaller')).json
  expect(r.errCode).toBe(-504002)
  expect(r.errMsg).toMatch(
    /^callFunction:fail -504002 functions execute fail\. requestID [0-9a-f-]+, Invoking task timed out after 1 seconds$/,
  )
})

test('a function cloudbaserc.json does not declare runs with the platform defaults: 3 s, 256 MB', async () => {
  expect((await call('limits', {})).json).toEqual({ timeLimitMs: 3000, memoryMb: 256 })
  expect((await call('echo', {})).json.requestId).toEqual(expect.any(String))
})

test('a function that throws answers 502 with -504002; a missing one 404 with -501000', async () => {
  const crash = await call('crash', {})
  expect(crash.status).toBe(502)
  expect(crash.json.errcode).toBe(-504002)
  expect(String(crash.json.errmsg)).toContain('on purpose')
  const missing = await call('nothing-here', {})
  expect(missing.status).toBe(404)
  expect(missing.json.errcode).toBe(-501000)
})

test('an instance that exits while its function loads fails the call with -504002 instead of leaving it waiting', async () => {
  mkdirSync(join(dir, 'exits-on-load'))
  writeFileSync(join(dir, 'exits-on-load', 'index.js'), 'process.exit(3)\nexports.main = async () => ({})')
  const r = await call('exits-on-load', {})
  expect(r.json.errcode).toBe(-504002)
  expect(String(r.json.errmsg)).toContain('exited')
})

test('a function folder added while the cloud runs is found when it is first invoked', async () => {
  mkdirSync(join(dir, 'latecomer'))
  writeFileSync(join(dir, 'latecomer', 'index.js'), 'exports.main = async () => ({ setting: process.env.MY_SETTING })')
  expect((await call('latecomer', {})).json).toEqual({ setting: 'on' })
})

test('callFunction from a function reaches the other function with the caller’s identity', async () => {
  const r = await call('caller', { target: 'echo' }, 'oCaller')
  expect(r.json.errMsg).toBe('callFunction:ok')
  expect(r.json.result.event).toEqual({ from: 'caller' })
  // getWXContext 使用说明: the callee's SOURCE is the chain, "wx_client,scf".
  expect(r.json.result.wx).toMatchObject({ OPENID: 'oCaller', SOURCE: 'wx_client,scf' })
  const stats = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as Json
  expect(stats.invocations).toBeGreaterThanOrEqual(2)
})

test('cloudPay.unifiedOrder is answered by the WeChat emulator; a refusal is the SDK’s -501007', async () => {
  const order = {
    body: 'gift card',
    outTradeNo: 'CONF0001',
    spbillCreateIp: '127.0.0.1',
    subMchId: '1900000109',
    nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    totalFee: 100,
    envId: 'merchant-env-1a2b',
    functionName: 'pay',
  }
  const ok = (await call('pay', { order }, 'oPayer')).json
  expect(ok.ok).toMatchObject({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', errCode: 0, errMsg: 'cloudPay.unifiedOrder:ok' })
  expect(ok.ok.payment.package).toMatch(/^prepay_id=wx[0-9a-f]{28}$/)
  expect(Object.keys(ok.ok.payment).sort()).toEqual(['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp'])
  const bad = (await call('pay', { order: { ...order, totalFee: 0 } }, 'oPayer')).json
  expect(bad.errCode).toBe(-501007)
  expect(bad.errMsg).toMatch(/totalFee must be a positive integer/)
  // nonce_str is 必填 ("随机字符串，不长于32位", CloudPay.unifiedOrder 参数说明).
  const { nonceStr: _omitted, ...noNonce } = order
  expect((await call('pay', { order: { ...noNonce, outTradeNo: 'CONF0001B' } }, 'oPayer')).json.errMsg).toMatch(/nonceStr is required/)
})

// 云调用: cloud.openapi.wxacode.getUnlimited as the real SDK sends it (wx.openApi, protobuf), allowed
// only to a function whose config.json lists it in permissions.openapi, checked as WeChat documents
// (获取不限制的小程序码), answering a PNG that says which page and scene it opens.
test('cloud.openapi.wxacode.getUnlimited answers a PNG of the page and scene; WeChat’s errcodes for a bad scene or page', async () => {
  const code = (params: Json) => call('wxacode', { params }, 'oOwner').then((r) => r.json)
  const ok = await code({ scene: 'AbC_d-9', page: 'merchant/pages/join/index', check_path: false })
  expect(ok).toMatchObject({ errCode: 0, contentType: 'image/png' })
  expect(readWxacodePng(Buffer.from(ok.base64, 'base64'))).toMatchObject({
    page: 'merchant/pages/join/index',
    scene: 'AbC_d-9',
    env_version: 'release',
  })
  expect(readWxacodePng(Buffer.from((await code({ scene: 'x=1', env_version: 'trial' })).base64, 'base64'))).toMatchObject({
    page: '',
    scene: 'x=1',
    env_version: 'trial',
  })
  const refused = async (params: Json) => {
    const r = await code(params)
    return [r.errCode, r.errMsg.replace(/^openapi\.wxacode\.getUnlimited:fail /, '')]
  }
  expect(await refused({ scene: 'A'.repeat(33), page: 'merchant/pages/join/index', check_path: false })).toEqual([
    40169,
    'invalid length for scene, or the data is not json string',
  ])
  expect(await refused({ scene: '' })).toEqual([40169, 'invalid length for scene, or the data is not json string'])
  expect(await refused({ scene: '邀请' })).toEqual([40129, 'invalid scene'])
  expect(await refused({ scene: 'a%20b' })).toEqual([40129, 'invalid scene'])
  expect((await refused({ scene: 'a', page: '/merchant/pages/join/index', check_path: false }))[0]).toBe(41030)
  expect((await refused({ scene: 'a', page: 'merchant/pages/join/index?invite=a', check_path: false }))[0]).toBe(41030)
  // check_path defaults to true: the page must be published, and the local cloud has published nothing.
  expect((await refused({ scene: 'a', page: 'merchant/pages/join/index' }))[0]).toBe(41030)
  expect((await refused({ scene: 'a', env_version: 'beta' }))[0]).toBe(40097)
})

test('cloud.openapi from a function whose config.json does not permit the API: the SDK’s -604101', async () => {
  const r = (await call('wxacodeunpermitted', { params: { scene: 'a', page: 'merchant/pages/join/index', check_path: false } })).json
  expect(r).toEqual({ errCode: -604101, errMsg: expect.stringMatching(/-604101/) })
})

test('cloudPay.queryOrder and cloudPay.refund reach the WeChat emulator through the real SDK', async () => {
  const order = {
    body: 'gift card',
    outTradeNo: 'CONF0002',
    spbillCreateIp: '127.0.0.1',
    subMchId: '1900000109',
    nonceStr: 'n0002',
    totalFee: 500,
    envId: 'merchant-env-1a2b',
    functionName: 'pay',
  }
  const made = (await call('pay', { order }, 'oPayer')).json
  const query = (q: Json) => call('pay', { api: 'queryOrder', order: { subMchId: '1900000109', ...q } }, 'oPayer').then((r) => r.json)
  expect((await query({ outTradeNo: 'CONF0002' })).ok).toMatchObject({
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    tradeState: 'NOTPAY',
    totalFee: 500,
    errMsg: 'cloudPay.queryOrder:ok',
  })
  // WeChat Pay's err_code does not survive the SDK (it sets errCode 0 on every answer): err_code_des does.
  expect((await query({ outTradeNo: 'NO-SUCH' })).ok).toMatchObject({
    resultCode: 'FAIL',
    errCode: 0,
    errCodeDes: 'no order with that number',
  })
  // Unpaid: nothing to refund.
  const refund = {
    outTradeNo: 'CONF0002',
    outRefundNo: 'CONF0002-R1',
    totalFee: 500,
    refundFee: 200,
    subMchId: '1900000109',
    nonceStr: 'n0002r',
    envId: 'merchant-env-1a2b',
    functionName: 'pay',
  }
  expect((await call('pay', { api: 'refund', order: refund }, 'oPayer')).json.ok).toMatchObject({
    resultCode: 'FAIL',
    errCodeDes: 'no paid order with that outTradeNo',
  })
  // Paid in WeChat's client: the query says SUCCESS with the transaction id; a refund, then REFUND.
  // The payment callback goes to the function the order names: this drop-in `pay` (it does not acknowledge).
  emu.connectCloud({ pushUrl: receiver.url, callFunction: async (name, event) => (await callFn(cloud, name, event)).json })
  const payer = emu.users.ensure('payer')
  emu.platform.s.prepay[/prepay_id=(.+)$/.exec(made.ok.payment.package)![1]!]!.openid = payer.mpOpenid
  const paid = await fetch(`${emu.url}/__emu/client/requestPayment`, {
    method: 'POST',
    body: JSON.stringify({ user: 'payer', payment: made.ok.payment }),
  })
  expect(paid.status).toBe(200)
  const after = (await query({ outTradeNo: 'CONF0002' })).ok
  expect(after).toMatchObject({ tradeState: 'SUCCESS', totalFee: 500 })
  expect((await query({ transactionId: after.transactionId })).ok).toMatchObject({ tradeState: 'SUCCESS', outTradeNo: 'CONF0002' })
  expect((await call('pay', { api: 'refund', order: refund }, 'oPayer')).json.ok).toMatchObject({
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    refundFee: 200,
    errMsg: 'cloudPay.refund:ok',
  })
  expect((await query({ outTradeNo: 'CONF0002' })).ok).toMatchObject({ tradeState: 'REFUND' })
  // queryRefund by out_refund_no: refund_status_$n reaches the function as the SDK converts it (refundStatus_0).
  const queryRefund = (q: Json) =>
    call('pay', { api: 'queryRefund', order: { subMchId: '1900000109', nonceStr: 'n0002q', ...q } }, 'oPayer').then((r) => r.json)
  expect((await queryRefund({ outRefundNo: 'CONF0002-R1' })).ok).toMatchObject({
    resultCode: 'SUCCESS',
    refundCount: 1,
    outRefundNo_0: 'CONF0002-R1',
    refundFee_0: 200,
    refundStatus_0: 'SUCCESS',
    errMsg: 'cloudPay.queryRefund:ok',
  })
  expect((await queryRefund({ outRefundNo: 'CONF0002-R9' })).ok).toMatchObject({ resultCode: 'FAIL', errCodeDes: '退款订单查询失败' })
  const bad = (await call('pay', { api: 'queryOrder', order: { outTradeNo: 'CONF0002' } }, 'oPayer')).json
  expect(bad.errCode).toBe(-501007)
  expect(bad.errMsg).toMatch(/subMchId is required/)
})

// The test stacks' thread reuse (reuseThreads) must not carry one instance into the next: a new
// instance on a kept thread has the new cloud's environment and its function's module state afresh.
test('reuseThreads: a new instance on an ended one’s thread starts with fresh module state and the new environment', async () => {
  const bank = ThreadBank.shared()
  const fns = merchantFunctionsDir()
  const open = (setting: string) =>
    startLocalCloud({
      functionsDir: fns.dir,
      dataDir: null,
      mpAppid: stackEnv.WX_MP_APPID!,
      port: 0,
      env: { MY_SETTING: setting },
      reuseThreads: true,
      deployConfig: fns.deployConfig,
    })
  mkdirSync(join(fns.dir, 'setting'))
  writeFileSync(join(fns.dir, 'setting', 'index.js'), 'exports.main = async () => ({ setting: process.env.MY_SETTING ?? null })', {
    flag: 'w',
  })
  try {
    const first = await open('first')
    const a = (await callFn(first, 'counter', {})).json
    expect((await callFn(first, 'counter', {})).json).toEqual({ calls: 2, born: a.born })
    expect((await callFn(first, 'setting', {})).json).toEqual({ setting: 'first' })
    const kept = bank.size
    await first.stop()
    expect(bank.size).toBe(kept + 2)
    const second = await open('second')
    try {
      const b = (await callFn(second, 'counter', {})).json
      expect(b.calls).toBe(1)
      expect(b.born).not.toBe(a.born)
      expect((await callFn(second, 'setting', {})).json).toEqual({ setting: 'second' })
      // Both instances started on kept threads.
      expect(bank.size).toBe(kept)
    } finally {
      await second.stop()
    }
  } finally {
    rmSync(fns.dir, { recursive: true, force: true })
  }
})
