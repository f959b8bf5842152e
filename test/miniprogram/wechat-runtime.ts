// A stand-in for WeChat's JavaScript runtime (the "logic layer"), for running dist/weapp as WeChat
// would: a fresh V8 context holding only what WeChat puts there, and the bundle's files loaded by a
// `require` that works as WeChat's does.
//
// What the logic layer offers, in WeChat's words (developers.weixin.qq.com/miniprogram/dev/framework/
// app-service/index.md, "逻辑层 App Service"): JavaScript plus `App` and `Page` for registering the app and
// its pages, `getApp` and `getCurrentPages`, the `wx` API, and modules with a scope per file; "小程序框架的
// 逻辑层并非运行在浏览器中，因此 JavaScript 在 web 中一些能力无法使用，如 window、document 等". Custom
// components add `Component` and `Behavior`; timers and `console` are there too. Nothing of Node is:
// no `process`, `global`, `Buffer`, `__dirname`, no built-in modules; and no `fetch` (network goes
// through wx.request). A file of the bundle that reaches for any of them throws ReferenceError here,
// exactly as it would on a phone.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import vm from 'node:vm'

type Fn = (...args: unknown[]) => unknown
export type Options = Record<string, unknown>

/** A registered page or component's instance: its options plus what WeChat adds (data, setData, route). */
export type Instance = Record<string, unknown> & {
  data: Record<string, unknown>
  setData: (patch: Record<string, unknown>, cb?: () => void) => void
}

export interface MiniProgramRuntime {
  /** Runs a file of the bundle (path relative to the bundle, without `.js`) as WeChat loads a page's or component's script. */
  load(path: string): void
  app(): Options | undefined
  /** Options given to Page() / Component() by the file at `path` (relative, without `.js`). */
  registered(path: string): Options | undefined
  /** A new instance from registered options, as WeChat makes one before calling its lifecycles. */
  instantiate(path: string, route?: string): Instance
  pageStack: Instance[]
  /** Errors thrown where nobody could catch them: in a timer's callback or a rejected promise nobody handled. */
  uncaught: Error[]
  /** What the program printed, by level; WeChat's console shows it, the test reads it. */
  logs: { level: string; text: string }[]
  /** Stops listening for rejections and clears the timers still scheduled. */
  dispose(): void
}

/** Applies a setData patch whose keys may be paths ("a.b[2].c"), as WeChat's setData does. */
function applyPatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.match(/[^.[\]]+/g) ?? [path]
    let at: Record<string, unknown> = target
    for (const k of keys.slice(0, -1)) {
      if (typeof at[k] !== 'object' || at[k] === null) at[k] = /^\d+$/.test(k) ? [] : {}
      at = at[k] as Record<string, unknown>
    }
    at[keys.at(-1)!] = value
  }
}

export function startMiniProgramRuntime(root: string, wx: Record<string, unknown>): MiniProgramRuntime {
  const uncaught: Error[] = []
  // Errors made inside the context are not instances of this realm's Error: keep their name, message and stack.
  const asError = (e: unknown): Error => {
    if (typeof e !== 'object' || e === null || !('message' in e)) return new Error(`non-error thrown: ${JSON.stringify(e) ?? String(e)}`)
    const err = new Error(String(e.message))
    err.name = 'name' in e ? String(e.name) : 'Error'
    if ('stack' in e) err.stack = String(e.stack)
    return err
  }
  const timers = new Set<NodeJS.Timeout>()
  const registered = new Map<string, Options>()
  const modules = new Map<string, { exports: unknown }>()
  const pageStack: Instance[] = []
  let app: Options | undefined
  let loading: string | undefined

  // Timer callbacks run as WeChat runs them: an exception in one is nobody's to catch, so it is recorded.
  const guard = (cb: unknown, args: unknown[]) => () => {
    try {
      if (typeof cb === 'function') (cb as Fn)(...args)
    } catch (e) {
      uncaught.push(asError(e))
    }
  }
  const timerApi = {
    setTimeout: (cb: unknown, ms?: number, ...args: unknown[]) => {
      const t: NodeJS.Timeout = setTimeout(() => {
        timers.delete(t)
        guard(cb, args)()
      }, ms)
      timers.add(t)
      return t
    },
    clearTimeout: (t: NodeJS.Timeout) => {
      timers.delete(t)
      clearTimeout(t)
    },
    setInterval: (cb: unknown, ms?: number, ...args: unknown[]) => {
      const t = setInterval(guard(cb, args), ms)
      timers.add(t)
      return t
    },
    clearInterval: (t: NodeJS.Timeout) => {
      timers.delete(t)
      clearInterval(t)
    },
  }

  const register = (kind: string) => (options: Options) => {
    if (!loading) throw new Error(`${kind}() called outside a page or component script`)
    registered.set(loading, options)
  }
  const logs: MiniProgramRuntime['logs'] = []
  const show = (v: unknown): string => {
    if (typeof v === 'string') return v
    if (typeof v === 'object' && v !== null && 'message' in v) return String(v.message)
    try {
      return JSON.stringify(v) ?? String(v)
    } catch {
      return String(v)
    }
  }
  const console = Object.fromEntries(
    ['log', 'info', 'debug', 'warn', 'error'].map((level) => [
      level,
      (...args: unknown[]) => void logs.push({ level, text: args.map(show).join(' ') }),
    ]),
  )
  const sandbox: Record<string, unknown> = {
    wx,
    console,
    ...timerApi,
    App: (options: Options) => {
      app = options
    },
    Page: register('Page'),
    Component: register('Component'),
    Behavior: (options: Options) => options,
    getApp: () => app,
    getCurrentPages: () => [...pageStack],
  }
  // "基于安全考虑，小程序中不支持动态执行 JS 代码，即：不支持使用 eval 执行 JS 代码；不支持使用 new Function 创建
  // 函数（new Function('return this') 除外）" (developers.weixin.qq.com/miniprogram/dev/framework/runtime/
  // js-support.md, "运行限制"). So code from strings is refused (EvalError), and `Function` is WeChat's: it
  // makes the one function it allows and refuses every other, yet still answers for every function
  // (`instanceof Function`, `Function.prototype`).
  const context = vm.createContext(sandbox, { name: 'WeChat logic layer', codeGeneration: { strings: false, wasm: false } })
  new vm.Script(`(function () {
    var Intrinsic = Function
    var returnThis = function () { return this }
    var WeChatFunction = function Function() {
      if (arguments.length === 1 && arguments[0] === 'return this') return returnThis
      throw new EvalError('new Function is not supported in WeChat Mini Programs (only new Function("return this"))')
    }
    WeChatFunction.prototype = Intrinsic.prototype
    Object.defineProperty(WeChatFunction, Symbol.hasInstance, { value: function (v) { return typeof v === 'function' } })
    Object.defineProperty(globalThis, 'Function', { value: WeChatFunction, writable: true, configurable: true, enumerable: false })
  })()`).runInContext(context)

  // WeChat's require: paths are relative to the requiring file, `.js` may be left off, each file runs
  // once per app and then answers from its cache; there is no package lookup and no built-in module.
  const requireFrom = (fromDir: string) => (request: unknown) => {
    if (typeof request !== 'string' || !request.startsWith('.'))
      throw new Error(`module "${String(request)}" is not defined (WeChat's require takes the bundle's own files by relative path)`)
    const file = join(fromDir, request.endsWith('.js') ? request : `${request}.js`)
    if (relative(root, file).startsWith('..') || !existsSync(file)) throw new Error(`module "${relative(root, file)}" is not defined`)
    return runFile(file).exports
  }
  const runFile = (file: string): { exports: unknown } => {
    const cached = modules.get(file)
    if (cached) return cached
    const module = { exports: {} as unknown }
    modules.set(file, module)
    const wrapped = `(function (require, module, exports) {${readFileSync(file, 'utf8')}\n})`
    const fn = new vm.Script(wrapped, { filename: file }).runInContext(context) as Fn
    fn(requireFrom(dirname(file)), module, module.exports)
    return module
  }

  // A rejection nobody handles is reported on Node's own process object. Under jest a test module's
  // `process` is a copy whose events never fire, so listen on the one this realm's code really runs in.
  const host = vm.runInThisContext('process') as NodeJS.Process
  const onRejection = (reason: unknown) => uncaught.push(asError(reason))
  host.on('unhandledRejection', onRejection)

  const load = (path: string) => {
    loading = path
    try {
      runFile(join(root, `${path}.js`))
    } finally {
      loading = undefined
    }
  }
  const dispose = () => {
    host.off('unhandledRejection', onRejection)
    for (const t of timers) clearTimeout(t)
    timers.clear()
  }
  try {
    load('app')
  } catch (e) {
    dispose()
    throw e
  }

  return {
    load,
    app: () => app,
    registered: (path) => registered.get(path),
    instantiate(path, route = path) {
      const options = registered.get(path)
      if (!options) throw new Error(`${path}.js registered no Page or Component`)
      const data = structuredClone((options.data ?? {}) as Record<string, unknown>)
      const inst: Instance = {
        ...options,
        ...((options.methods ?? {}) as Options),
        route,
        __route__: route,
        data,
        setData(patch, cb) {
          applyPatch(data, patch)
          if (cb) timerApi.setTimeout(cb, 0)
        },
      }
      return inst
    },
    pageStack,
    uncaught,
    logs,
    dispose,
  }
}
