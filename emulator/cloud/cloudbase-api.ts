// The CloudBase API (`POST /admin`) that the real @cloudbase/node-sdk inside wx-server-sdk calls:
// `{action, envName, ...}` as JSON, or multipart for wx.openApi / wx.wxPayApi. Database actions go to
// the database service, functions.invokeFunction to the runtime, cloudPay (wx.wxPayApi) to the WeChat
// emulator's Cloud Pay, cloud.openapi (wx.openApi) to openapi.ts. Replies are HTTP 200 with `{requestId, data}` or `{code, message, requestId}`,
// as the service answers. Every database call waits CLOUD_DB_LATENCY_MS, a production-like round trip.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, send, sendJson } from '../http'
import { DatabaseService } from './db/database-service'
import { DbError } from './db/errors'
import { parseMultipart } from './multipart'
import { callOpenApi, encodeOpenApiResponse } from './openapi'
import { InvocationError, type CloudPayProvider, type CloudRuntime } from './runtime'

export const MAX_API_BODY_BYTES = 16 * 1024 * 1024

export interface ApiStats {
  dbCalls: number
  invocations: number
}

export interface CloudbaseApiOptions {
  db: DatabaseService
  runtime: CloudRuntime
  cloudPay?: CloudPayProvider
  /** CLOUD_DB_LATENCY_MS; changeable while running (benchmarks set up fast and measure slow) */
  latency: { ms: number }
}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new HttpError(413, `request body over ${limit} bytes`))
        req.resume()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** camelCase ↔ snake_case, recursively, as wx-server-sdk converts Cloud Pay's fields. */
function convertKeys(v: unknown, to: 'camel' | 'snake'): unknown {
  if (Array.isArray(v)) return v.map((x) => convertKeys(x, to))
  if (typeof v !== 'object' || v === null) return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    const key =
      to === 'camel' ? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    out[key] = convertKeys(x, to)
  }
  return out
}

export function cloudbaseApi(opts: CloudbaseApiOptions) {
  const stats: ApiStats = { dbCalls: 0, invocations: 0 }

  async function database(action: string, p: Record<string, unknown>): Promise<Record<string, unknown>> {
    stats.dbCalls++
    // Half the round trip before the service acts, half after, as over a network.
    if (opts.latency.ms > 0) await sleep(opts.latency.ms / 2)
    const requestId = randomUUID()
    let reply: Record<string, unknown>
    try {
      const data = await opts.db.handle(action, p)
      reply = action === 'database.startTransaction' ? { requestId, ...data } : { requestId, data }
    } catch (err) {
      if (!(err instanceof DbError)) throw err
      reply = { code: err.code, message: err.message, requestId }
    }
    if (opts.latency.ms > 0) await sleep(opts.latency.ms / 2)
    return reply
  }

  async function invokeFunction(p: Record<string, unknown>): Promise<Record<string, unknown>> {
    const requestId = randomUUID()
    const caller = opts.runtime.callerOf(p.wxCloudApiToken)
    let event: unknown = {}
    try {
      event = typeof p.request_data === 'string' && p.request_data ? JSON.parse(p.request_data) : {}
    } catch {
      return { code: 'INVALID_PARAM', message: 'request_data is not JSON', requestId }
    }
    try {
      stats.invocations++
      // getWXContext 使用说明: SOURCE follows the chain, a function called from a function gets the
      // caller's SOURCE with ",scf" added ("B 内获得的 SOURCE 为 wx_client,scf"); "scf" alone when unknown.
      const source = caller?.source ? `${caller.source},scf` : 'scf'
      const result = await opts.runtime.invoke(String(p.function_name ?? ''), event, {
        openid: caller?.openid,
        unionid: caller?.unionid,
        source,
      })
      return { requestId, data: { response_data: JSON.stringify(result) } }
    } catch (err) {
      if (!(err instanceof InvocationError)) throw err
      return { code: err.errCode === -501000 ? 'FUNCTIONS_REQUEST_FAIL' : 'FUNCTIONS_EXECUTE_FAIL', message: err.errMsg, requestId }
    }
  }

  /** wx.wxPayApi: Cloud Pay. The JSON reply goes back as bytes, as the service sends it. */
  async function cloudPay(parts: Record<string, Buffer>, res: ServerResponse, p: Record<string, unknown>): Promise<void> {
    const api = parts.apiName?.toString() ?? ''
    const provider = opts.cloudPay
    const fail = (code: string, message: string) => sendJson(res, 200, { code, message, requestId: randomUUID() })
    const call = provider?.[api as 'unifiedOrder' | 'refund' | 'queryOrder' | 'queryRefund']
    if (!provider || typeof call !== 'function') return fail('INVALID_PARAM', `cloudPay.${api} is not provided by this local stack`)
    let req: Record<string, unknown>
    try {
      req = convertKeys(JSON.parse(parts.requestData?.toString() || '{}'), 'camel') as Record<string, unknown>
    } catch {
      return fail('INVALID_PARAM', 'requestData is not JSON')
    }
    const caller = opts.runtime.callerOf(p.wxCloudApiToken)
    try {
      const out = await call.call(provider, req, { openid: caller?.openid, fn: caller?.fn ?? '' })
      send(res, 200, JSON.stringify(convertKeys(out, 'snake')), 'application/octet-stream')
    } catch (err) {
      // A refusal reaches the function as the SDK's error (errCode -501007 and this message).
      fail('INVALID_PARAM', (err as Error)?.message ?? String(err))
    }
  }

  /**
   * wx.openApi: 云调用 (openapi.ts), allowed only to a function whose config.json lists the API in
   * permissions.openapi. The answer is the protobuf bytes the SDK decodes.
   */
  function openApi(parts: Record<string, Buffer>, res: ServerResponse, p: Record<string, unknown>): void {
    const caller = opts.runtime.callerOf(p.wxCloudApiToken)
    const permitted = caller ? (opts.runtime.config(caller.fn).permissions?.openapi ?? []) : undefined
    const reply = callOpenApi(parts.apiName?.toString() ?? '', parts.requestData ?? Buffer.alloc(0), permitted)
    const body = encodeOpenApiResponse(reply)
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    res.end(body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRaw(req, MAX_API_BODY_BYTES)
    const type = String(req.headers['content-type'] ?? '')
    if (/^multipart\/form-data/i.test(type)) {
      let parts: Record<string, Buffer>
      try {
        parts = parseMultipart(raw, type)
      } catch (err) {
        throw new HttpError(400, (err as Error).message)
      }
      const fields = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.toString('utf8')]))
      if (fields.action === 'wx.wxPayApi') return cloudPay(parts, res, fields)
      if (fields.action === 'wx.openApi') return openApi(parts, res, fields)
      return sendJson(res, 200, {
        code: 'INVALID_PARAM',
        message: `${fields.action ?? 'this action'} is not provided by this local stack`,
        requestId: randomUUID(),
      })
    }
    let p: Record<string, unknown>
    try {
      p = JSON.parse(raw.toString('utf8')) as Record<string, unknown>
    } catch {
      throw new HttpError(400, 'body is not valid JSON')
    }
    if (typeof p !== 'object' || p === null || typeof p.action !== 'string')
      throw new HttpError(400, 'body must be a JSON object with an action')
    const action = p.action
    if (action.startsWith('database.')) return sendJson(res, 200, await database(action, p))
    if (action === 'functions.invokeFunction') return sendJson(res, 200, await invokeFunction(p))
    sendJson(res, 200, { code: 'INVALID_PARAM', message: `action ${action} is not provided by this local stack`, requestId: randomUUID() })
  }

  return { handle, stats }
}
