// Functions a merchant might drop into FUNCTIONS_DIR, written for Cloud Development in plain JavaScript
// against wx-server-sdk (no build step, no project code): the conformance suite runs them unchanged.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Each function's timeout in the directory's cloudbaserc.json (5 s unless given); `undeclared` ones are not
 * in it. `openapi`: the 云调用 APIs its config.json permits (permissions.openapi); none without it.
 */
/** A function calling 云调用 wxacode.getUnlimited with its event's params: deployed with and without the permission. */
const WXACODE_INDEX = `const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  try {
    const r = await cloud.openapi.wxacode.getUnlimited(event.params)
    return { errCode: r.errCode, contentType: r.contentType, base64: Buffer.from(r.buffer).toString('base64') }
  } catch (e) {
    return { errCode: e.errCode, errMsg: e.errMsg }
  }
}`

const FUNCTIONS: Record<string, { index: string; timeout?: number; undeclared?: true; openapi?: string[] }> = {
  echo: {
    index: `const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event, context) => ({ wx: cloud.getWXContext(), event, requestId: context.request_id, envOpenid: process.env.WX_OPENID || null })`,
  },
  counter: {
    index: `let calls = 0
const born = Math.random()
exports.main = async () => ({ calls: ++calls, born })`,
  },
  sloppy: {
    // Not strict: assigning an undeclared name creates a global, as Node runs such a file.
    index: `exports.main = async () => { undeclaredName = 42; return { value: globalThis.undeclaredName, strict: (function () { return !this })() } }`,
  },
  strict: {
    index: `'use strict'
exports.main = async () => { try { undeclaredName2 = 1; return { threw: false } } catch (e) { return { threw: e instanceof ReferenceError } } }`,
  },
  caller: {
    index: `const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  try {
    const res = await cloud.callFunction({ name: event.target || 'echo', data: event.data || { from: 'caller' } })
    return { result: res.result, errMsg: res.errMsg }
  } catch (e) {
    return { errCode: e.errCode, errMsg: e.errMsg }
  }
}`,
  },
  spin: {
    index: `let started = 0
exports.main = async (event) => { started++; if (event.spin) { for (;;) {} } return { started } }`,
    timeout: 1,
  },
  pay: {
    index: `const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  try {
    return { ok: await cloud.cloudPay[event.api || 'unifiedOrder'](event.order) }
  } catch (e) {
    return { errCode: e.errCode, errMsg: e.errMsg }
  }
}`,
  },
  slowcount: {
    index: `let calls = 0
const born = Math.random()
exports.main = async () => { calls++; await new Promise((r) => setTimeout(r, 300)); return { calls, born } }`,
  },
  crash: {
    index: `exports.main = async () => { throw new Error('on purpose') }`,
  },
  wxacode: {
    index: WXACODE_INDEX,
    openapi: ['wxacode.getUnlimited'],
  },
  // The same code, deployed without the permission in its config.json.
  wxacodeunpermitted: {
    index: WXACODE_INDEX,
  },
  limits: {
    // Deployed from DevTools or the console without a cloudbaserc.json entry: the platform's defaults.
    index: `exports.main = async (event, context) => ({ timeLimitMs: context.time_limit_in_ms, memoryMb: context.memory_limit_in_mb })`,
    undeclared: true,
  },
}

/** A fresh functions directory holding the functions above, with the merchant's cloudbaserc.json beside them. */
export function merchantFunctionsDir(): { dir: string; deployConfig: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fns-'))
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    mkdirSync(join(dir, name))
    writeFileSync(join(dir, name, 'index.js'), f.index)
    writeFileSync(join(dir, name, 'package.json'), JSON.stringify({ name, main: 'index.js', dependencies: { 'wx-server-sdk': '3.0.4' } }))
    if (f.openapi) writeFileSync(join(dir, name, 'config.json'), JSON.stringify({ permissions: { openapi: f.openapi } }))
  }
  const functions = Object.entries(FUNCTIONS)
    .filter(([, f]) => !f.undeclared)
    .map(([name, f]) => ({ name, runtime: 'Nodejs18.15', timeout: f.timeout ?? 5, memorySize: 256 }))
  const deployConfig = join(dir, 'cloudbaserc.json')
  writeFileSync(deployConfig, JSON.stringify({ version: '2.0', envId: '{{env.TCB_ENV_ID}}', functionRoot: '.', functions }))
  return { dir, deployConfig }
}
