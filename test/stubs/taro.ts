// A stand-in for @tarojs/taro in component tests: the Taro runtime and WeChat are outside the process
// under test. Cloud calls go to handlers a test installs (`cloudHandlers`), navigation is recorded.

type CloudHandler = (data: Record<string, unknown>) => unknown | Promise<unknown>

export const cloudHandlers = new Map<string, CloudHandler>()
export const navigations: string[] = []
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
  routerParams = {}
  pullDown = undefined
}

const Taro = {
  cloud: {
    init: () => undefined,
    callFunction: async ({ name, data }: { name: string; data: Record<string, unknown> }) => {
      const h = cloudHandlers.get(name)
      if (!h) throw new Error(`cloud.callFunction:fail no handler for ${name} in this test`)
      return { result: await h(data), errMsg: 'cloud.callFunction:ok' }
    },
  },
  navigateTo: async ({ url }: { url: string }) => {
    navigations.push(url)
    return { errMsg: 'navigateTo:ok' }
  },
  usePullDownRefresh: (fn: () => void) => {
    pullDown = fn
  },
  stopPullDownRefresh: () => undefined,
}

export function useRouter() {
  return { params: routerParams }
}

export default Taro
