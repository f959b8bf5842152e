// Minimal HTTP plumbing shared by the local stack's servers (no framework: a few routes each).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jsonDepth } from './cloud/event-limits'

export const MAX_BODY_BYTES = 1024 * 1024

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return readBytes(req, limit).then((b) => b.toString('utf8'))
}

export function readBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        // Stop buffering but keep reading (and discarding), so the 413 reaches the client.
        reject(new HttpError(413, `request body over ${limit} bytes`))
        req.removeAllListeners('data')
        req.resume()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Keys that would reach an object's prototype when a body is merged into state: refused outright. */
export const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function refuseProtoKeys(key: string, value: unknown): unknown {
  if (PROTO_KEYS.has(key)) throw new HttpError(400, `body has a forbidden key ${key}`)
  return value
}

/**
 * The JSON object body. The local stack's own endpoints refuse prototype keys; a cloud function's event
 * passes them through (`passProtoKeys`), as Cloud Development does, for the function to refuse.
 */
export async function readJson(
  req: IncomingMessage,
  opts: { passProtoKeys?: boolean; limit?: number; maxDepth?: number } = {},
): Promise<Record<string, unknown>> {
  const text = await readBody(req, opts.limit)
  if (!text.trim()) return {}
  if (opts.maxDepth !== undefined && jsonDepth(text) > opts.maxDepth)
    throw new HttpError(400, `body nested deeper than ${opts.maxDepth} levels`)
  let v: unknown
  try {
    v = opts.passProtoKeys ? JSON.parse(text) : JSON.parse(text, refuseProtoKeys)
  } catch (err) {
    if (err instanceof HttpError) throw err
    throw new HttpError(400, 'body is not valid JSON')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'body must be a JSON object')
  return v as Record<string, unknown>
}

export function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8')
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void> | void

export interface Route {
  method: string
  pattern: RegExp
  handler: Handler
}

/** A server answering `routes` (first match wins); errors become JSON `{error}` with their status. */
export function serve(routes: Route[], fallback?: Handler): Server {
  // Stalled requests are looked for every second (Node's default is every 30 s).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    const fail = (err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500
      if (status === 500) console.error(err)
      // After a refused body the rest of it is not worth reading: close the connection.
      if (status === 413) res.setHeader('connection', 'close')
      if (!res.headersSent) sendJson(res, status, { error: (err as Error)?.message ?? String(err) })
      else res.end()
    }
    // Nothing a request carries may throw out of this callback: that would end the process.
    let run: Promise<void> | void
    try {
      const url = new URL(req.url ?? '/', 'http://local')
      const route = routes.find((r) => (r.method === '*' || r.method === req.method) && r.pattern.test(url.pathname))
      let params: string[] = []
      if (route) {
        try {
          params = (url.pathname.match(route.pattern) ?? []).slice(1).map(decodeURIComponent)
        } catch {
          throw new HttpError(400, 'malformed percent-escape in the URL')
        }
      }
      run = route
        ? route.handler(req, res, url, params)
        : fallback
          ? fallback(req, res, url, [])
          : sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` })
    } catch (err) {
      fail(err instanceof TypeError ? new HttpError(400, 'malformed URL') : err)
      return
    }
    Promise.resolve(run).catch(fail)
  })
  // A client that stalls mid-request is cut off instead of holding a socket forever.
  server.requestTimeout = 120_000
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`)
    else socket.destroy()
  })
  return server
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  // Keep idle connections longer than any client does (fetch drops them after about 4 s), so that a
  // client never reuses a socket the server is closing at that instant (ECONNRESET).
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port))
  })
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}
