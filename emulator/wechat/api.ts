// The api.weixin.qq.com surface: route table, token check, faults, stats. Each family registers its
// endpoints in api-*.ts; handlers throw WxError for WeChat's errcodes.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBytes, sendJson } from '../http'
import { parseMultipart } from './cdn'
import { WxError, type Platform } from './platform'

export type Body = Record<string, unknown>
export type ApiHandler = (p: Platform, body: Body, query: URLSearchParams) => Body | Promise<Body>

export interface Endpoint {
  method: 'GET' | 'POST'
  /** false for the credential endpoints themselves */
  auth?: boolean
  /** the body is multipart/form-data (media uploads): the handler gets its parts by field name */
  multipart?: boolean
  handler: ApiHandler
}

// ---- request field access, failing as WeChat does (47001 data format error) ----
export function str(b: Body, k: string, required = true): string {
  const v = b[k]
  if (v === undefined || v === null || v === '') {
    if (required) throw new WxError(47001, `data format error: ${k} is required`)
    return ''
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new WxError(47001, `data format error: ${k} must be a string`)
  return String(v)
}

export function num(b: Body, k: string, required = true): number {
  const v = b[k]
  if (v === undefined || v === null || v === '') {
    if (required) throw new WxError(47001, `data format error: ${k} is required`)
    return 0
  }
  const n = typeof v === 'string' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new WxError(47001, `data format error: ${k} must be a number`)
  return n
}

export function obj(b: Body, k: string, required = true): Body {
  const v = b[k]
  if (v === undefined || v === null) {
    if (required) throw new WxError(47001, `data format error: ${k} is required`)
    return {}
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new WxError(47001, `data format error: ${k} must be an object`)
  return v as Body
}

export function list(b: Body, k: string, required = true): unknown[] {
  const v = b[k]
  if (v === undefined || v === null) {
    if (required) throw new WxError(47001, `data format error: ${k} is required`)
    return []
  }
  if (!Array.isArray(v)) throw new WxError(47001, `data format error: ${k} must be a list`)
  return v
}

export async function handleApi(
  p: Platform,
  endpoints: Record<string, Endpoint>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname.replace(/^\/+/, '').replace(/\/+$/, '')
  const ep = endpoints[path]
  p.stats.calls[path] = (p.stats.calls[path] ?? 0) + 1
  if (p.o.latencyMs) await new Promise((r) => setTimeout(r, p.o.latencyMs))
  if (!ep) return sendJson(res, 404, { errcode: 40066, errmsg: `invalid url: /${path} is not an API this emulator serves` })
  const fault = p.faults.find((f) => f.path.replace(/^\/+/, '') === path && f.times > 0)
  if (fault) {
    fault.times--
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
  }
  let reply: Body
  try {
    if (ep.method !== req.method) throw new WxError(ep.method === 'POST' ? 43002 : 43001, `require ${ep.method} method`)
    if (ep.auth !== false) p.checkToken(url.searchParams.get('access_token'))
    const raw = req.method === 'POST' ? await readBytes(req, ep.multipart ? 2 * 1024 * 1024 : undefined) : Buffer.alloc(0)
    const text = ep.multipart ? '' : raw.toString('utf8')
    let body: Body = {}
    if (ep.multipart) body = Object.fromEntries(parseMultipart(raw, String(req.headers['content-type'] ?? '')))
    if (text.trim()) {
      try {
        body = JSON.parse(text) as Body
      } catch {
        throw new WxError(47001, 'data format error: the body is not JSON')
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new WxError(47001, 'data format error: the body must be a JSON object')
    }
    if (p.isRetired(path, body)) throw new WxError(45103, 'This API has been unsupported')
    if (fault?.errcode !== undefined)
      throw new WxError(fault.errcode, fault.errcode === -1 ? 'system error' : `injected fault ${fault.errcode}`)
    reply = { errcode: 0, errmsg: 'ok', ...(await ep.handler(p, body, url.searchParams)) }
  } catch (err) {
    if (!(err instanceof WxError)) throw err
    reply = { errcode: err.errcode, errmsg: err.errmsg }
  }
  if (fault?.dropReply) {
    // The work is done but the reply never arrives: the caller sees a broken connection.
    res.socket?.destroy()
    return
  }
  sendJson(res, 200, reply)
}
