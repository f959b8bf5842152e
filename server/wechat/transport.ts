// One HTTP call to WeChat. Adds the access_token, turns every non-zero errcode into a WxApiError, and
// retries what is safe to retry:
// - 40001/40014/42001 (token invalid or expired): the stored token is expired only if it is still the
//   one that failed (compare-and-expire), then the call is made once more with a fresh token;
// - -1 (system busy): WeChat did not do the work, so any call is retried, with bounded exponential
//   backoff and full jitter;
// - network failures and non-JSON answers: retried the same way, but only for endpoints marked
//   idempotent, since the first attempt may have taken effect (a second modifystock or consume would
//   count twice).
import { BUSY_ERRCODE, TOKEN_ERRCODES, WxApiError, WxTransportError } from './errors'

export interface TokenSource {
  get(): Promise<string>
  invalidate(failed: string): Promise<boolean>
}

export interface RetryPolicy {
  /** total attempts for busy/network failures, including the first */
  attempts: number
  baseMs: number
  maxMs: number
}

export interface TransportOptions {
  apiBase: string
  tokens?: TokenSource
  fetch?: typeof fetch
  retry?: Partial<RetryPolicy>
  /** per-attempt timeout */
  timeoutMs?: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export interface CallSpec {
  method?: 'GET' | 'POST'
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** a multipart/form-data body instead of JSON (media uploads) */
  form?: FormData
  /** add access_token (default true) */
  auth?: boolean
  /** safe to send twice (default: GET and reads) */
  idempotent?: boolean
}

export interface WxReply {
  errcode?: number
  errmsg?: string
}

export class WxTransport {
  private readonly retry: RetryPolicy
  private readonly doFetch: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number

  constructor(private readonly opts: TransportOptions) {
    this.retry = { attempts: 4, baseMs: 200, maxMs: 3000, ...opts.retry }
    this.doFetch = opts.fetch ?? fetch
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
    this.random = opts.random ?? Math.random
  }

  /** The origin of the WeChat API this transport speaks to (the local stack's emulator also serves the CDN there). */
  get apiOrigin(): string {
    return new URL(this.opts.apiBase).origin
  }

  /** Calls `endpoint` (e.g. "card/code/get") and resolves with WeChat's JSON when errcode is 0 or absent. */
  async call<T extends object>(endpoint: string, spec: CallSpec = {}): Promise<T & WxReply> {
    const auth = spec.auth ?? true
    let token = auth ? await this.tokens().get() : undefined
    let tokenRetried = false
    for (let attempt = 1; ; attempt++) {
      let reply: T & WxReply
      try {
        reply = await this.once<T>(endpoint, spec, token)
      } catch (err) {
        const retriable = err instanceof WxTransportError && err.retriable && (spec.idempotent ?? (spec.method ?? 'POST') === 'GET')
        if (retriable && attempt < this.retry.attempts) {
          await this.backoff(attempt)
          continue
        }
        throw err
      }
      const errcode = reply.errcode ?? 0
      if (errcode === 0) return reply
      if (auth && TOKEN_ERRCODES.has(errcode) && !tokenRetried) {
        tokenRetried = true
        await this.tokens().invalidate(token!)
        token = await this.tokens().get()
        attempt--
        continue
      }
      if (errcode === BUSY_ERRCODE && attempt < this.retry.attempts) {
        await this.backoff(attempt)
        continue
      }
      throw new WxApiError(endpoint, errcode, reply.errmsg ?? '')
    }
  }

  private tokens(): TokenSource {
    if (!this.opts.tokens) throw new Error('this transport has no token source')
    return this.opts.tokens
  }

  private backoff(attempt: number): Promise<void> {
    const cap = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1))
    return this.sleep(Math.floor(this.random() * cap))
  }

  private async once<T>(endpoint: string, spec: CallSpec, token: string | undefined): Promise<T & WxReply> {
    const url = new URL(`${this.opts.apiBase.replace(/\/+$/, '')}/${endpoint}`)
    if (token) url.searchParams.set('access_token', token)
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const method = spec.method ?? (spec.body === undefined && spec.form === undefined ? 'GET' : 'POST')
    let res: Response
    try {
      res = await this.doFetch(url, {
        method,
        // A form sets its own content-type with the multipart boundary.
        headers: spec.body === undefined ? {} : { 'content-type': 'application/json' },
        // WeChat reads UTF-8 JSON; non-ASCII stays literal, as its own examples do.
        body: spec.form ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body)),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      })
    } catch (err) {
      throw new WxTransportError(endpoint, `request failed: ${(err as Error).message}`, true)
    }
    const text = await res.text().catch((err: Error) => {
      throw new WxTransportError(endpoint, `reading the reply failed: ${err.message}`, true)
    })
    if (res.status >= 500) throw new WxTransportError(endpoint, `HTTP ${res.status}`, true)
    try {
      return JSON.parse(text) as T & WxReply
    } catch {
      throw new WxTransportError(
        endpoint,
        `HTTP ${res.status} with a reply that is not JSON: ${text.slice(0, 120)}`,
        res.status >= 500 || text === '',
      )
    }
  }
}
