// The `wx` object WeChat hands the Mini Program, for the launch test. wx is outside the program under
// test, so it is answered here; its cloud.callFunction reaches the real bundled functions in a local
// cloud. Answers follow WeChat's API conventions (developers.weixin.qq.com/miniprogram/dev/framework/
// app-service/api.html, "API"):
// - "以 Sync 结尾的 API 都是同步 API … 执行结果可以通过函数返回值直接获取";
// - an asynchronous API takes an Object with success / fail / complete, each called with an object whose
//   errMsg is "${apiName}:ok" on success; "基础库 2.10.2 版本起 … 当接口参数 Object 对象中不包含
//   success/fail/complete 时将默认返回 promise" (resolved with what success gets, rejected with what fail gets).
// Only the APIs below exist: Taro takes the keys of `wx` as the platform's API list, so calling one not
// stubbed fails as loudly as a missing API would.
import type { LocalCloud } from '../../emulator/cloud/local-cloud'

type Callbacks = { success?: (r: unknown) => void; fail?: (r: unknown) => void; complete?: (r: unknown) => void }
type Answer = (options: Record<string, unknown>) => Promise<Record<string, unknown>>

export interface WxStub {
  wx: Record<string, unknown>
  /** Every API called, in order, with its options (callbacks left out). */
  calls: { api: string; options: Record<string, unknown> }[]
  /** Answers still being worked out (a cloud function running). */
  inFlight: Set<Promise<unknown>>
}

export function stubWx(cloud: LocalCloud, caller: { openid: string }): WxStub {
  const calls: WxStub['calls'] = []
  const inFlight = new Set<Promise<unknown>>()

  // One asynchronous API: answers through the callbacks given, or as a promise when none is given.
  const asyncApi =
    (api: string, answer: Answer) =>
    (options: Record<string, unknown> & Callbacks = {}) => {
      const { success, fail, complete, ...rest } = options
      calls.push({ api, options: rest })
      const settled = answer(rest).then(
        (res) => ({ ok: true, res: { ...res, errMsg: `${api}:ok` } }),
        (err: Error) => ({ ok: false, res: { errMsg: `${api}:fail ${err.message}` } }),
      )
      inFlight.add(settled)
      void settled.finally(() => inFlight.delete(settled))
      if (!success && !fail && !complete) {
        return settled.then(({ ok, res }) => (ok ? res : Promise.reject(res)))
      }
      void settled.then(({ ok, res }) => {
        if (ok) success?.(res)
        else fail?.(res)
        complete?.(res)
      })
      return undefined
    }
  const syncApi =
    <T>(api: string, value: (...args: unknown[]) => T) =>
    (...args: unknown[]) => {
      calls.push({ api, options: { args } })
      return value(...args)
    }
  const ok: Answer = async () => ({})
  // APIs that wait for the person holding the phone; nobody is there during launch, so they cancel.
  // ("requestPayment:fail cancel" is what WeChat reports when the person closes the sheet).
  const userCancels: Answer = async () => {
    throw new Error('cancel')
  }

  const windowInfo = {
    pixelRatio: 2,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: 375,
    windowHeight: 700,
    statusBarHeight: 44,
    safeArea: { left: 0, right: 375, top: 44, bottom: 778, width: 375, height: 734 },
    screenTop: 0,
  }
  const baseInfo = { SDKVersion: '3.6.0', enableDebug: false, language: 'zh_CN', version: '8.0.50', theme: 'light' }
  const deviceInfo = { brand: 'devtools', model: 'iPhone X', system: 'iOS 16.0', platform: 'devtools', benchmarkLevel: 1 }

  const storage = new Map<string, unknown>()
  const wx: Record<string, unknown> = {
    getSystemInfoSync: syncApi('getSystemInfoSync', () => ({ ...windowInfo, ...baseInfo, ...deviceInfo })),
    getWindowInfo: syncApi('getWindowInfo', () => ({ ...windowInfo })),
    getAppBaseInfo: syncApi('getAppBaseInfo', () => ({ ...baseInfo })),
    getDeviceInfo: syncApi('getDeviceInfo', () => ({ ...deviceInfo })),
    getMenuButtonBoundingClientRect: syncApi('getMenuButtonBoundingClientRect', () => ({
      width: 87,
      height: 32,
      top: 48,
      right: 368,
      bottom: 80,
      left: 281,
    })),
    getStorageSync: syncApi('getStorageSync', (key) => storage.get(String(key)) ?? ''),
    setStorageSync: syncApi('setStorageSync', (key, value) => void storage.set(String(key), value)),
    nextTick: syncApi('nextTick', (cb) => void Promise.resolve().then(cb as () => void)),
    cloud: {
      // "其值等价于 Symbol.for('DYNAMIC_CURRENT_ENV')" (wxcloud reference-sdk-api/constant, DYNAMIC_CURRENT_ENV).
      DYNAMIC_CURRENT_ENV: Symbol.for('DYNAMIC_CURRENT_ENV'),
      init: syncApi('cloud.init', () => undefined),
      callFunction: asyncApi('cloud.callFunction', async ({ name, data }) => {
        const result = await cloud.runtime.invoke(String(name), data, { openid: caller.openid, source: 'wx_client' })
        return { result, requestID: 'launch-test' }
      }),
    },
    showToast: asyncApi('showToast', ok),
    hideToast: asyncApi('hideToast', ok),
    showLoading: asyncApi('showLoading', ok),
    hideLoading: asyncApi('hideLoading', ok),
    showModal: asyncApi('showModal', async () => ({ confirm: false, cancel: true })),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh', ok),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', ok),
    navigateTo: asyncApi('navigateTo', ok),
    redirectTo: asyncApi('redirectTo', ok),
    reLaunch: asyncApi('reLaunch', ok),
    switchTab: asyncApi('switchTab', ok),
    navigateBack: asyncApi('navigateBack', ok),
    setClipboardData: asyncApi('setClipboardData', ok),
    requestPayment: asyncApi('requestPayment', userCancels),
    addCard: asyncApi('addCard', userCancels),
    openCard: asyncApi('openCard', userCancels),
    scanCode: asyncApi('scanCode', userCancels),
    chooseImage: asyncApi('chooseImage', userCancels),
  }
  return { wx, calls, inFlight }
}
