/**
 * @jest-environment node
 */
// The built Mini Program (dist/weapp) launched as WeChat launches it: every file run in a context that
// holds only what WeChat's logic layer offers (wechat-runtime.ts), the app's onLaunch and onShow, then
// each page of app.json (main package and subpackages) loaded and shown, and each custom component the
// pages use created and attached; `wx` answered by stubs whose cloud calls reach the real functions.
// Any ReferenceError or other exception, thrown or left uncaught in a timer or promise, fails the run.
// Beside it, a static check that no file of dist/weapp refers to a Node global at all.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import vm from 'node:vm'
import * as acorn from 'acorn'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { startTestCloud } from '../helpers/cloud'
import { WEAPP } from './harness'
import { nodeReferences } from './node-globals'
import { startMiniProgramRuntime, type Instance, type MiniProgramRuntime } from './wechat-runtime'
import { stubWx, type WxStub } from './wx-stubs'

const OWNER = 'oCarolMerchantOwner000001'

interface AppJson {
  pages: string[]
  subPackages?: { root: string; pages: string[] }[]
  sitemapLocation?: string
}
const readJson = <T>(path: string) => JSON.parse(readFileSync(join(WEAPP, path), 'utf8')) as T
const appJson = readJson<AppJson>('app.json')
const pages = [...appJson.pages, ...(appJson.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))]

/** Every custom component reachable from the pages' usingComponents (and the components' own), bundle-relative. */
function componentsOf(start: string[]): string[] {
  const seen = new Set<string>()
  const visit = (owner: string) => {
    const using = readJson<{ usingComponents?: Record<string, string> }>(`${owner}.json`).usingComponents ?? {}
    for (const ref of Object.values(using)) {
      if (ref.startsWith('plugin://')) continue
      const path = ref.startsWith('/') ? ref.slice(1) : relative(WEAPP, join(WEAPP, dirname(owner), ref))
      if (!seen.has(path)) {
        seen.add(path)
        visit(path)
      }
    }
  }
  start.forEach(visit)
  return [...seen]
}
const components = componentsOf(pages)

let cloud: LocalCloud
let stub: WxStub
let rt: MiniProgramRuntime | undefined

/** Lets everything the last step set going finish: cloud calls answered, their callbacks and the renders they cause. */
async function settle(): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    const busy = stub.inFlight.size > 0
    await Promise.allSettled([...stub.inFlight])
    await new Promise((r) => setTimeout(r, 0))
    quiet = busy ? 0 : quiet + 1
  }
}

/** Fails on an exception nobody caught and on what the frameworks report with console.error (React's render errors). */
function expectNothingUncaught(): void {
  const errors = [
    ...(rt?.uncaught.splice(0) ?? []).map((e) => e.stack ?? String(e)),
    ...(rt?.logs.splice(0) ?? []).filter((l) => l.level === 'error').map((l) => `console.error: ${l.text}`),
  ]
  if (errors.length) throw new Error(`uncaught in the Mini Program:\n${errors.join('\n---\n')}`)
}

const textsOf = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(textsOf)
    : typeof node === 'object' && node !== null
      ? Object.entries(node).flatMap(([k, v]) => (k === 'v' && typeof v === 'string' ? [v] : textsOf(v)))
      : []

const call = (inst: Record<string, unknown>, hook: string, ...args: unknown[]) => {
  const fn = inst[hook]
  if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown).apply(inst, args)
}

beforeAll(async () => {
  cloud = await startTestCloud({ MERCHANT_ADMIN_OPENIDS: OWNER, WX_API_TIMEOUT_MS: '300' })
  stub = stubWx(cloud, { openid: OWNER })
})
afterAll(async () => {
  rt?.dispose()
  await cloud.stop()
})

/** Runs app.js, then the app's onLaunch and onShow as WeChat does at a cold start; once, whichever test asks first. */
let launching: Promise<MiniProgramRuntime> | undefined
const launched = () =>
  (launching ??= (async () => {
    rt = startMiniProgramRuntime(WEAPP, stub.wx)
    const app = rt.app()
    if (!app) throw new Error('app.js called no App()')
    const launch = { path: appJson.pages[0], query: {}, scene: 1001 }
    call(app, 'onLaunch', launch)
    call(app, 'onShow', launch)
    await settle()
    return rt
  })())

test('app.js runs in WeChat’s runtime and the app launches', async () => {
  await launched()
  expectNothingUncaught()
  // The cloud is set up once, with the environment named at build time (npm test builds with its own).
  const inits = stub.calls.filter((c) => c.api === 'cloud.init')
  expect(inits).toHaveLength(1)
  const [{ env, traceUser }] = inits[0]!.options.args as [{ env: unknown; traceUser: boolean }]
  expect(traceUser).toBe(true)
  expect(env).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/))
  if (process.env.TARO_APP_CLOUD_ENV) expect(env).toBe(process.env.TARO_APP_CLOUD_ENV)
})

test('sitemap.json beside app.json lets WeChat’s search index the shop and no other page', () => {
  // Without the file "默认为所有页面都允许被索引" (sitemap 配置): every person's and the merchant's pages.
  const sitemap = readJson<{ rules: { action?: string; page: string }[] }>(appJson.sitemapLocation ?? 'sitemap.json')
  expect(sitemap.rules).toEqual([
    { action: 'allow', page: 'pages/shop/index' },
    { action: 'disallow', page: '*' },
  ])
  expect(pages).toContain('pages/shop/index')
})

describe.each(pages)('page %s', (page) => {
  let inst: Instance
  test('loads and shows', async () => {
    const mp = await launched()
    mp.load(page)
    expect(mp.registered(page)).toBeDefined()
    inst = mp.instantiate(page)
    mp.pageStack.push(inst)
    call(inst, 'onLoad', {})
    call(inst, 'onShow')
    call(inst, 'onReady')
    await settle()
    // The page rendered words (Taro hands its tree to WeChat through setData; a text node's words are its `v`).
    // Taro batches setData on timers: on a loaded machine the last batch can land after the calls settle, so
    // the words are polled for (bounded), not assumed to be there at once.
    const words = () => textsOf(inst.data).join('')
    for (const until = Date.now() + 5000; !/[\u4e00-\u9fff]/.test(words()) && Date.now() < until;) await settle()
    expectNothingUncaught()
    expect(words()).toMatch(/[\u4e00-\u9fff]/)
  })
  afterAll(async () => {
    if (!rt || !inst) return
    call(inst, 'onHide')
    call(inst, 'onUnload')
    rt.pageStack.pop()
    await settle()
    expectNothingUncaught()
  })
})

test.each(components)('component %s is created and attached', async (component) => {
  const mp = await launched()
  mp.load(component)
  const inst = mp.instantiate(component)
  const lifetimes = (inst.lifetimes ?? {}) as Record<string, unknown>
  for (const hook of ['created', 'attached', 'ready']) call({ ...inst, ...lifetimes }, hook)
  await settle()
  expectNothingUncaught()
})

/** Every script of the bundle, main package and subpackages. */
const files = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.js') ? [p] : []
  })
})(WEAPP)

describe('no Node global in dist/weapp', () => {
  test('every script of the bundle is free of process, global, Buffer, __dirname, __filename and Node built-ins', () => {
    expect(files.length).toBeGreaterThan(pages.length)
    const found = files.flatMap((f) =>
      nodeReferences(readFileSync(f, 'utf8')).map((r) => `${relative(WEAPP, f)}:${r.line}:${r.column} ${r.what}`),
    )
    expect(found).toEqual([])
  })

  test('the check finds Node where it runs and nowhere else', () => {
    const finds = (code: string) => nodeReferences(code).map((r) => r.what)
    expect(finds('var a = process.env.TARO_APP_CLOUD_ENV')).toEqual(['process'])
    expect(finds('f(global.x, Buffer.from("a"), __dirname + "/a", __filename)')).toEqual(['global', 'Buffer', '__dirname', '__filename'])
    expect(finds('typeof process !== "undefined" && process.env.X')).toEqual(['process'])
    expect(finds('globalThis.process.env; self["Buffer"]')).toEqual(['globalThis.process', 'self.Buffer'])
    expect(finds('require("fs"); require("node:path"); require("./common")')).toEqual(["require('fs')", "require('node:path')"])
    // Not references to Node: text (also text handed to Function or eval, which WeChat never runs),
    // property names, local bindings, typeof, a bound require.
    expect(finds('"process.env.X"; `Buffer ${1}`; /* global.x */ // __dirname')).toEqual([])
    expect(finds('new Function("return process.env"); eval("Buffer")')).toEqual([])
    expect(finds('a.process.env; ({ process: 1, global: 2 }); x.Buffer')).toEqual([])
    expect(finds('function f(process) { return process.env } var global = {}; global.x; let Buffer = 1; Buffer++')).toEqual([])
    expect(finds('typeof process; typeof Buffer === "function"; typeof globalThis.process')).toEqual([])
    expect(finds('(function (require) { require("fs") })')).toEqual([])
  })
})

// project.config.json leaves DevTools' 将 JS 代码编译成 ES5 off, so these files are what phones parse: one
// token the phone's engine does not know (a class field on iOS before 14.5) fails the whole file, and a
// failed vendors.js is the app failing at launch. WeChat's own compile target is {chrome:53, ios:8}
// (developers.weixin.qq.com/miniprogram/dev/devtools/codecompile.html): ES5.
describe('dist/weapp is ES5 throughout', () => {
  const newerSyntax = (code: string): string | null => {
    try {
      acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' })
      return null
    } catch (e) {
      const pos = (e as { pos?: number }).pos ?? 0
      return `${(e as Error).message}: …${code.slice(Math.max(0, pos - 40), pos + 20)}…`
    }
  }

  test('every script parses as ES5', () => {
    expect(files.length).toBeGreaterThan(pages.length)
    const found = files.flatMap((f) => {
      const why = newerSyntax(readFileSync(f, 'utf8'))
      return why ? [`${relative(WEAPP, f)}: ${why}`] : []
    })
    expect(found).toEqual([])
  })

  // Chinese as UTF-8, 3 bytes a character, not terser's default \uXXXX (6): ~20 KB of the main package's 600.
  test('Chinese text is written as UTF-8, not as \\u escapes', () => {
    /** String literals whose source spells a CJK character as \\uXXXX (a regular expression's range is not text). */
    const escapedStrings = (code: string): number => {
      let n = 0
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit)
        if (typeof node !== 'object' || node === null) return
        const lit = node as { type?: string; value?: unknown; raw?: string }
        if (lit.type === 'Literal' && typeof lit.value === 'string' && /\\u[4-9][0-9a-f]{3}/i.test(lit.raw ?? '')) n++
        for (const v of Object.values(node)) if (typeof v === 'object') visit(v)
      }
      visit(acorn.parse(code, { ecmaVersion: 5 }))
      return n
    }
    expect(escapedStrings('var a = "\\u793c\\u54c1\\u5361", b = /[\\u4e00-\\u9fa5]/')).toBe(1)
    const found = files.flatMap((f) => {
      const n = escapedStrings(readFileSync(f, 'utf8'))
      return n ? [`${relative(WEAPP, f)}: ${n}`] : []
    })
    expect(found).toEqual([])
  })

  test('the check refuses what the phones refuse: class fields, arrows, rest parameters, const', () => {
    expect(newerSyntax('var a = function (b) { return b }')).toBeNull()
    expect(newerSyntax('class A { size; modules = [] }')).not.toBeNull()
    expect(newerSyntax('var f = (e) => e')).not.toBeNull()
    expect(newerSyntax('var v = function (t, ...e) {}')).not.toBeNull()
    expect(newerSyntax('const a = 1')).not.toBeNull()
  })
})

describe('the stand-in runtime offers what WeChat’s logic layer does, and nothing of Node or the browser', () => {
  const bundle = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-logic-'))
    for (const [name, code] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), code)
    }
    return dir
  }
  const noWx = {}
  const started: MiniProgramRuntime[] = []
  const start = (dir: string): MiniProgramRuntime => {
    const runtime = startMiniProgramRuntime(dir, noWx)
    started.push(runtime)
    return runtime
  }
  afterEach(() => started.splice(0).forEach((r) => r.dispose()))

  test('WeChat’s globals are there; process, global, window, document, Buffer, fetch, __dirname are not', () => {
    const names = [
      'wx',
      'App',
      'Page',
      'Component',
      'Behavior',
      'getApp',
      'getCurrentPages',
      'require',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'console',
      'process',
      'global',
      'window',
      'document',
      'Buffer',
      'fetch',
      '__dirname',
      '__filename',
      'setImmediate',
      'XMLHttpRequest',
    ]
    const dir = bundle({ 'app.js': `App({ kinds: { ${names.map((n) => `${n}: typeof ${n}`).join(', ')} } })` })
    const kinds = start(dir).app()!.kinds as Record<string, string>
    const absent = Object.keys(kinds).filter((n) => kinds[n] === 'undefined')
    expect(absent).toEqual([
      'process',
      'global',
      'window',
      'document',
      'Buffer',
      'fetch',
      '__dirname',
      '__filename',
      'setImmediate',
      'XMLHttpRequest',
    ])
    expect(() => start(bundle({ 'app.js': 'process.env.X' }))).toThrow('process is not defined')
  })

  test('no code from strings, but for the new Function("return this") WeChat allows', () => {
    const dir = bundle({
      'app.js':
        'var g = new Function("return this")(); App({ global: g === globalThis, fn: (function () {}) instanceof Function, proto: Object.getPrototypeOf(function () {}) === Function.prototype })',
    })
    expect(start(dir).app()).toMatchObject({ global: true, fn: true, proto: true })
    for (const code of [
      'eval("1 + 1")',
      'new Function("a", "return a")',
      'Function("return 1")()',
      '(function () {}).constructor("return 1")()',
    ]) {
      expect(() => start(bundle({ 'app.js': code }))).toThrow(/EvalError|not supported|Code generation from strings disallowed/)
    }
  })

  test('require takes the bundle’s own files by relative path, runs each once, and knows no Node module', () => {
    const dir = bundle({
      'app.js': 'var a = require("./lib/count"); var b = require("./lib/count.js"); App({ same: a === b, n: a.n })',
      'lib/count.js': 'module.exports = { n: (typeof counted === "undefined" ? 1 : 2) }; var counted = true',
      'pages/p.js': 'var c = require("../lib/count"); Page({ n: c.n })',
    })
    const runtime = start(dir)
    expect(runtime.app()).toMatchObject({ same: true, n: 1 })
    runtime.load('pages/p')
    expect(runtime.registered('pages/p')).toMatchObject({ n: 1 })
    expect(() => start(bundle({ 'app.js': 'require("fs")' }))).toThrow('module "fs" is not defined')
    expect(() => start(bundle({ 'app.js': 'require("./missing")' }))).toThrow('module "missing.js" is not defined')
  })

  test('an exception in a timer and a rejection nobody handles are caught as uncaught', async () => {
    const dir = bundle({
      'app.js':
        'App({ onLaunch() { setTimeout(function () { notDefinedAnywhere() }, 0); Promise.reject(new TypeError("nobody handles this")) } })',
    })
    // jest fails whichever test is running on an unhandled rejection too (which also guards the launch
    // above); here the rejection is meant, so only the runtime's own listener may hear it.
    const host = vm.runInThisContext('process') as NodeJS.Process
    const jestListeners = host.listeners('unhandledRejection')
    host.removeAllListeners('unhandledRejection')
    const runtime = start(dir)
    try {
      ;(runtime.app()!.onLaunch as () => void)()
      for (let i = 0; i < 3 && runtime.uncaught.length < 2; i++) await new Promise((r) => setTimeout(r, 0))
      expect(runtime.uncaught.map((e) => `${e.name}: ${e.message}`).sort()).toEqual([
        'ReferenceError: notDefinedAnywhere is not defined',
        'TypeError: nobody handles this',
      ])
    } finally {
      runtime.dispose()
      for (const l of jestListeners) host.on('unhandledRejection', l as (reason: unknown) => void)
    }
  })
})
