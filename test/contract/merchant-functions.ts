// Functions a merchant might drop into FUNCTIONS_DIR, written for Cloud Development in plain JavaScript
// against wx-server-sdk (no build step, no project code): the conformance suite runs them unchanged.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const FUNCTIONS: Record<string, { index: string; config?: object }> = {
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
  const res = await cloud.callFunction({ name: event.target || 'echo', data: { from: 'caller' } })
  return { result: res.result, errMsg: res.errMsg }
}`,
  },
  spin: {
    index: `let started = 0
exports.main = async (event) => { started++; if (event.spin) { for (;;) {} } return { started } }`,
    config: { timeout: 1 },
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
}

/** A fresh functions directory holding the functions above. */
export function merchantFunctionsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fns-'))
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    mkdirSync(join(dir, name))
    writeFileSync(join(dir, name, 'index.js'), f.index)
    writeFileSync(join(dir, name, 'config.json'), JSON.stringify(f.config ?? { timeout: 5 }))
    writeFileSync(join(dir, name, 'package.json'), JSON.stringify({ name, main: 'index.js', dependencies: { 'wx-server-sdk': '3.0.4' } }))
  }
  return dir
}
