/**
 * @jest-environment node
 */
// The built Mini Program (dist/weapp) launched as WeChat launches it: every file run in a context that
// holds only what WeChat's logic layer offers (wechat-runtime.ts), the app's onLaunch and onShow, then
// each page of app.json (main package and subpackages) loaded and shown, and each custom component the
// pages use created and attached; `wx` answered by stubs whose cloud calls reach the real functions.
// Any ReferenceError or other exception, thrown or left uncaught in a timer or promise, fails the run.
// Beside it, a static check that no file of dist/weapp refers to a Node global at all.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
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
  for (let quiet = 0; quiet < 3; ) {
    const busy = stub.inFlight.size > 0
    await Promise.allSettled([...stub.inFlight])
    await new Promise((r) => setTimeout(r, 0))
    quiet = busy ? 0 : quiet + 1
  }
}

function expectNothingUncaught(): void {
  const errors = rt?.uncaught.splice(0) ?? []
  if (errors.length) throw new Error(`uncaught in the Mini Program:\n${errors.map((e) => e.stack ?? String(e)).join('\n---\n')}`)
}

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

test('app.js runs in WeChat’s runtime and the app launches', async () => {
  rt = startMiniProgramRuntime(WEAPP, stub.wx)
  const app = rt.app()
  expect(app).toBeDefined()
  const launch = { path: appJson.pages[0], query: {}, scene: 1001 }
  call(app!, 'onLaunch', launch)
  call(app!, 'onShow', launch)
  await settle()
  expectNothingUncaught()
  // The cloud is set up once, with the build's environment, or none: WeChat's own for the Mini Program.
  const inits = stub.calls.filter((c) => c.api === 'cloud.init')
  expect(inits).toHaveLength(1)
  expect(inits[0]!.options.args).toEqual([expect.objectContaining({ traceUser: true })])
})

describe.each(pages)('page %s', (page) => {
  let inst: Instance
  test('loads and shows', async () => {
    if (!rt) throw new Error('the app did not launch')
    const before = stub.calls.length
    rt.load(page)
    expect(rt.registered(page)).toBeDefined()
    inst = rt.instantiate(page)
    rt.pageStack.push(inst)
    call(inst, 'onLoad', {})
    call(inst, 'onShow')
    call(inst, 'onReady')
    await settle()
    expectNothingUncaught()
    // The page rendered something: Taro hands its tree to WeChat through setData.
    expect(Object.keys(inst.data).length).toBeGreaterThan(0)
    expect(stub.calls.length).toBeGreaterThanOrEqual(before)
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
  if (!rt) throw new Error('the app did not launch')
  rt.load(component)
  const inst = rt.instantiate(component)
  const lifetimes = (inst.lifetimes ?? {}) as Record<string, unknown>
  for (const hook of ['created', 'attached', 'ready']) call({ ...inst, ...lifetimes }, hook)
  await settle()
  expectNothingUncaught()
})

describe('no Node global in dist/weapp', () => {
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
      const p = join(dir, n)
      return statSync(p).isDirectory() ? walk(p) : n.endsWith('.js') ? [p] : []
    })
  })(WEAPP)

  test('every script of the bundle is free of process, global, Buffer, __dirname, __filename and Node built-ins', () => {
    expect(files.length).toBeGreaterThan(pages.length)
    const found = files.flatMap((f) => nodeReferences(readFileSync(f, 'utf8')).map((r) => `${relative(WEAPP, f)}:${r.line}:${r.column} ${r.what}`))
    expect(found).toEqual([])
  })

  test('the check finds Node where it runs and nowhere else', () => {
    const finds = (code: string) => nodeReferences(code).map((r) => r.what)
    expect(finds('var a = process.env.TARO_APP_CLOUD_ENV')).toEqual(['process'])
    expect(finds('f(global.x, Buffer.from("a"), __dirname + "/a", __filename)')).toEqual(['global', 'Buffer', '__dirname', '__filename'])
    expect(finds('typeof process !== "undefined" && process.env.X')).toEqual(['process'])
    expect(finds('globalThis.process.env; self["Buffer"]')).toEqual(['globalThis.process', 'self.Buffer'])
    expect(finds('require("fs"); require("node:path"); require("./common")')).toEqual(["require('fs')", "require('node:path')"])
    expect(finds('new Function("return process.env")(); Function("a", "return a")')).toEqual(['process'])
    // Not references to Node: text, property names, local bindings, typeof, a bound require.
    expect(finds('"process.env.X"; `Buffer ${1}`; /* global.x */ // __dirname')).toEqual([])
    expect(finds('a.process.env; ({ process: 1, global: 2 }); x.Buffer')).toEqual([])
    expect(finds('function f(process) { return process.env } var global = {}; global.x; let Buffer = 1; Buffer++')).toEqual([])
    expect(finds('typeof process; typeof Buffer === "function"; typeof globalThis.process')).toEqual([])
    expect(finds('(function (require) { require("fs") })')).toEqual([])
  })
})
