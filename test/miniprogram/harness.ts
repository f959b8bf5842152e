// Renders compiled dist/weapp pages with miniprogram-simulate (WeChat's own WXML compiler) and gives
// them a `wx` whose cloud.callFunction reaches the real bundled functions in a local cloud.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { ROOT } from '../helpers/cloud'

export const WEAPP = join(ROOT, 'dist', 'weapp')

type Simulate = {
  load(path: string, opts?: Record<string, unknown>): string
  render(id: string, props?: Record<string, unknown>): SimComponent
  sleep(ms?: number): Promise<void>
}

export interface SimComponent {
  instance: Record<string, unknown> & { setData: (d: unknown) => void }
  dom: HTMLElement
  attach(parent: unknown): void
  querySelector(sel: string): SimComponent | null
  querySelectorAll(sel: string): SimComponent[]
  dispatchEvent(name: string, detail?: unknown): void
}

export interface Harness {
  simulate: Simulate
  calls: { name: string; data: Record<string, unknown> }[]
  navigations: string[]
  renderPage(route: string, query?: Record<string, string>): Promise<SimComponent>
}

/** Installs the globals a compiled Taro app expects in WeChat, then loads dist/weapp/app.js. */
export function installMiniProgram(cloud: LocalCloud, caller: { openid: string }): Harness {
  if (!existsSync(join(WEAPP, 'app.js'))) throw new Error('dist/weapp is not built: run `npm run build:weapp` (npm test does it first)')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as Simulate
  const calls: Harness['calls'] = []
  const navigations: string[] = []
  const g = globalThis as Record<string, unknown>
  let app: Record<string, unknown> | undefined
  const pages: Record<string, unknown>[] = []
  const loaded = new Map<string, string>()
  const wxGlobal = (g.wx ?? {}) as Record<string, unknown>
  Object.assign(wxGlobal, {
    cloud: {
      init: () => undefined,
      callFunction: async ({ name, data }: { name: string; data: Record<string, unknown> }) => {
        calls.push({ name, data })
        const result = await cloud.runtime.invoke(name, data, { openid: caller.openid, source: 'wx_client' })
        return { result, errMsg: 'cloud.callFunction:ok', requestID: 'test' }
      },
    },
    navigateTo: (opts: { url: string; success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
      navigations.push(opts.url)
      opts.success?.({ errMsg: 'navigateTo:ok' })
      opts.complete?.({ errMsg: 'navigateTo:ok' })
    },
    stopPullDownRefresh: () => undefined,
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 667, pixelRatio: 2, SDKVersion: '3.6.0' }),
  })
  g.wx = wxGlobal
  g.App = (opts: Record<string, unknown>) => {
    app = opts
  }
  g.getApp = () => app
  g.getCurrentPages = () => pages
  // Taro registers pages with Page(); WeChat's Component() constructor can build a page too, which is
  // what miniprogram-simulate renders. Lifecycles become methods, called by renderPage.
  g.Page = (opts: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {}
    const fields: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(opts)) (typeof v === 'function' ? methods : fields)[k] = v
    ;(g.Component as (o: unknown) => void)({
      data: opts.data ?? {},
      methods,
      lifetimes: {
        created(this: Record<string, unknown>) {
          for (const [k, v] of Object.entries(fields)) if (k !== 'data') this[k] = v
        },
      },
    })
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(WEAPP, 'app.js'))
  const launched = app as { onLaunch?: (o: unknown) => void } | undefined
  launched?.onLaunch?.({ path: 'pages/index/index', query: {}, scene: 1001 })

  return {
    simulate,
    calls,
    navigations,
    async renderPage(route, query = {}) {
      // A page's webpack chunk runs once per app, so each route is loaded once and rendered afresh.
      let id = loaded.get(route)
      if (!id) {
        id = simulate.load(join(WEAPP, route), { rootPath: WEAPP })
        loaded.set(route, id)
      }
      const page = simulate.render(id)
      const inst = page.instance as Record<string, unknown> & { onLoad?: (q: unknown) => void; onShow?: () => void; onReady?: () => void }
      inst.route = route
      inst.__route__ = route
      pages.push(inst)
      page.attach(document.createElement('parent-wrapper'))
      inst.onLoad?.(query)
      inst.onShow?.()
      inst.onReady?.()
      return page
    },
  }
}

/**
 * Waits until `probe` holds, re-rendering meanwhile. A page's cloud call is a function invocation whose
 * real wx-server-sdk makes several HTTP round trips to the local cloud (a transaction for a gift that
 * returns): seconds on a loaded machine, so the wait is generous; a page that never renders still fails.
 */
export async function until(probe: () => boolean, what: string, ms = 15_000): Promise<void> {
  const t0 = Date.now()
  while (!probe()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
