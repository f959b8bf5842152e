// A stand-in for @tarojs/taro in component tests: the Taro runtime and WeChat are outside the process
// under test. Cloud calls go to handlers a test installs (`cloudHandlers`), navigation is recorded.

type CloudHandler = (data: Record<string, unknown>) => unknown | Promise<unknown>

export const cloudHandlers = new Map<string, CloudHandler>()
export const navigations: string[] = []
/** What the page's onShareAppMessage answers, once the page registered one. */
export let shareHandler: (() => unknown) | undefined
export const clipboard: string[] = []
/** What the test's WeChat answers to wx.addCard / openCard / requestPayment (throw to fail). */
export const wxHandlers: {
  chooseImage?: () => { tempFilePaths: string[] }
  addCard?: (cardList: unknown[]) => unknown[]
  openCard?: (cardList: unknown[]) => void
  requestPayment?: (payment: unknown) => void | Promise<void>
} = {}
const shown: (() => void)[] = []
/** wx storage (getStorageSync / setStorageSync), emptied by resetTaroStub */
export const storage = new Map<string, unknown>()
let routerParams: Record<string, string> = {}
let pullDown: (() => void) | undefined

export function setRouterParams(p: Record<string, string>) {
  routerParams = p
}

export function triggerPullDownRefresh() {
  pullDown?.()
}

export function resetTaroStub() {
  cloudHandlers.clear()
  navigations.length = 0
  shown.length = 0
  storage.clear()
  delete wxHandlers.addCard
  delete wxHandlers.chooseImage
  delete wxHandlers.openCard
  delete wxHandlers.requestPayment
  routerParams = {}
  pullDown = undefined
  shareHandler = undefined
  clipboard.length = 0
}

/** Taro's event bus, which NutUI's imperative Toast and Dialog use to reach their mounted instance. */
const listeners = new Map<string, ((...args: unknown[]) => void)[]>()
export const eventCenter = {
  on: (name: string, fn: (...args: unknown[]) => void) => void listeners.set(name, [...(listeners.get(name) ?? []), fn]),
  off: (name: string) => void listeners.delete(name),
  trigger: (name: string, ...args: unknown[]) => (listeners.get(name) ?? []).forEach((fn) => fn(...args)),
}
export const getEnv = () => 'WEB'
export const ENV_TYPE = { WEAPP: 'WEAPP', WEB: 'WEB' }
export const getCurrentInstance = () => ({ router: { path: '/test', params: routerParams } })
const systemInfo = () => ({
  platform: 'devtools',
  windowWidth: 375,
  windowHeight: 812,
  screenWidth: 375,
  screenHeight: 812,
  pixelRatio: 2,
  statusBarHeight: 20,
})
export const pxTransform = (px: number) => `${px}px`
export const nextTick = (fn: () => void) => void setTimeout(fn, 0)

class CdnMark {
  constructor(readonly target: unknown) {}
  url() {
    const t = this.target as { filePath?: string }
    return `https://tmp.cdn.test/${encodeURIComponent(t.filePath ?? 'data')}`
  }
}

const Taro = {
  getEnv,
  ENV_TYPE,
  eventCenter,
  getCurrentInstance,
  getSystemInfoSync: systemInfo,
  getWindowInfo: systemInfo,
  getDeviceInfo: systemInfo,
  pxTransform,
  nextTick,
  createSelectorQuery: () => {
    const q = { select: () => q, selectAll: () => q, boundingClientRect: () => q, exec: (cb?: (r: unknown[]) => void) => cb?.([]) }
    return q
  },
  cloud: {
    init: () => undefined,
    // wx.cloud.CDN: WeChat's client sends a marked field as a temporary CDN URL (here one naming the file).
    CDN: (target: unknown) => new CdnMark(target),
    callFunction: async ({ name, data }: { name: string; data: Record<string, unknown> }) => {
      const h = cloudHandlers.get(name)
      if (!h) throw new Error(`cloud.callFunction:fail no handler for ${name} in this test`)
      const sent = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v instanceof CdnMark ? v.url() : v]))
      return { result: await h(sent), errMsg: 'cloud.callFunction:ok' }
    },
  },
  // The photo picker: a person who cancels it (the tests that upload images drive the merchant function).
  // A test that uploads sets wxHandlers.chooseImage to the picture the person picks.
  chooseImage: async () => {
    if (wxHandlers.chooseImage) return wxHandlers.chooseImage()
    throw new Error('chooseImage:fail cancel')
  },
  getFileSystemManager: () => ({ readFileSync: () => 'iVBORw0KGgo=' }),
  navigateTo: async ({ url }: { url: string }) => {
    navigations.push(url)
    return { errMsg: 'navigateTo:ok' }
  },
  redirectTo: async ({ url }: { url: string }) => {
    navigations.push(url)
    return { errMsg: 'redirectTo:ok' }
  },
  navigateBack: async () => {
    navigations.push('back')
    return { errMsg: 'navigateBack:ok' }
  },
  getCurrentPages: () => [{}],
  useShareAppMessage: (fn: () => unknown) => {
    shareHandler = fn
  },
  setClipboardData: async ({ data }: { data: string }) => {
    clipboard.push(data)
    return { errMsg: 'setClipboardData:ok' }
  },
  switchTab: async ({ url }: { url: string }) => {
    navigations.push(url)
    return { errMsg: 'switchTab:ok' }
  },
  useDidShow: (fn: () => void) => {
    shown.push(fn)
  },
  addCard: ({ cardList, success, fail }: { cardList: unknown[]; success: (r: unknown) => void; fail: (e: { errMsg: string }) => void }) => {
    try {
      success({ cardList: wxHandlers.addCard!(cardList), errMsg: 'addCard:ok' })
    } catch (err) {
      fail({ errMsg: `addCard:fail ${(err as Error).message}` })
    }
  },
  openCard: ({ cardList, success, fail }: { cardList: unknown[]; success: () => void; fail: (e: { errMsg: string }) => void }) => {
    try {
      wxHandlers.openCard!(cardList)
      success()
    } catch (err) {
      fail({ errMsg: `openCard:fail ${(err as Error).message}` })
    }
  },
  requestPayment: async (payment: unknown) => {
    await wxHandlers.requestPayment!(payment)
    return { errMsg: 'requestPayment:ok' }
  },
  getStorageSync: (key: string) => storage.get(key) ?? '',
  setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
  removeStorageSync: (key: string) => void storage.delete(key),
  usePullDownRefresh: (fn: () => void) => {
    pullDown = fn
  },
  stopPullDownRefresh: () => undefined,
}

export function useRouter() {
  return { params: routerParams }
}

export default Taro
