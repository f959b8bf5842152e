// The local cloud (local-stack.md "Local cloud"): runs the bundled functions in function instances with
// a WX context, serves the CloudBase API their real wx-server-sdk calls (POST /admin), the HTTP access
// routes and timer triggers cloudbaserc.json declares (each function's timeout and memory too), and
// the part of the management API `npm run deploy` calls through manager-node (POST /__tcb, tcb-api.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { close, HttpError, listen, readBody, readJson, send, sendJson, serve } from '../http'
import { adminDatabase } from './admin-sdk'
import { cloudbaseApi } from './cloudbase-api'
import {
  CALL_FUNCTION_MAX_BYTES,
  MAX_EVENT_DEPTH,
  MINIPROGRAM_CALL_MAX_BYTES,
  MINIPROGRAM_CLIENT,
  MINIPROGRAM_HEADER,
  TOO_DEEP,
  TOO_LARGE,
  TOO_LARGE_FROM_MINIPROGRAM,
} from './event-limits'
import { TEMP_CDN_PATH, TempCdn } from './temp-cdn'
import { parseCron, type CronSchedule } from './cron'
import { DatabaseService } from './db/database-service'
import { DocStore } from './db/doc-store'
import { CloudRuntime, InvocationError, type CloudPayProvider } from './runtime'
import { tcbApi } from './tcb-api'
import { CLOUDBASERC, readCloudbaserc, routeFunction } from '../../scripts/deploy/cloudbaserc'
import type { WxDatabase } from '../../server/platform/wx-server-sdk'

export interface LocalCloudOptions {
  functionsDir: string
  /** Where the database files live; null keeps them in memory. */
  dataDir: string | null
  mpAppid: string
  port: number
  /** Fire timer triggers on their schedule (off in tests that fire them by hand). */
  timers?: boolean
  cloudPay?: CloudPayProvider
  /** Environment variables every function sees. */
  env: Record<string, string>
  /** Round-trip delay of every database call, ms (CLOUD_DB_LATENCY_MS; default 0). */
  dbLatencyMs?: number
  /** Warm instances per function at most (CLOUD_MAX_INSTANCES; default 8). */
  maxInstances?: number
  /** The Cloud Development environment id the functions see (default local-env). */
  envId?: string
  /** Start one instance of each function right away (the stack and function tests do). */
  prewarm?: boolean
  /** New instances may start on threads of ended ones (tests; RuntimeOptions.reuseThreads). */
  reuseThreads?: boolean
  /** The deployment's cloudbaserc.json (default: the repository's; null: none, every function gets the platform's defaults). */
  deployConfig?: string | null
  /** The HTTP access service's switch as the management API reports it (default on; tcb-api.ts HttpAccessOptions). */
  httpAccessService?: boolean
}

export interface LocalCloud {
  runtime: CloudRuntime
  /** The real wx-server-sdk's database, talking to this cloud (what a function's cloud.database() is). */
  db: WxDatabase
  /** The database service itself (its store and transaction counters), for benchmarks and tests. */
  dbService: DatabaseService
  url: string
  port: number
  /** What GET /__cloud/stats answers, read live. */
  stats: CloudStats
  /** CLOUD_DB_LATENCY_MS, changeable while running (benchmarks set up fast and measure slow). */
  latency: { ms: number }
  /** Requests the management API (POST /__tcb) received, refused ones included. */
  readonly managementCalls: number
  /** Creates the declared indexes (collection → fields of each), as a merchant does in the console. */
  declareIndexes(decl: Record<string, string[][]>): void
  stop(): Promise<void>
}

export interface CloudStats {
  /** database round trips (CloudBase API database actions) */
  readonly dbCalls: number
  /** function invocations */
  readonly invocations: number
  /** transactions started (each attempt, including the SDK's own retries) */
  readonly transactions: number
  /** transactions ended by DATABASE_TRANSACTION_CONFLICT (at a write or at commit) */
  readonly conflicts: number
  /** queries no declared index answers, "collection: fields" → times run (DatabaseService.uncovered) */
  readonly unindexedQueries: Record<string, number>
}

const OPENID_HEADER = 'x-wx-openid'
const UNIONID_HEADER = 'x-wx-unionid'

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const store = DocStore.open(opts.dataDir ? join(opts.dataDir, 'clouddb', 'cloud.sqlite') : null, {
    sync: opts.env.CLOUD_DB_SYNC === 'full' ? 'full' : 'normal',
  })
  const dbService = new DatabaseService(store)
  const deployConfig = opts.deployConfig === null ? undefined : readCloudbaserc(opts.deployConfig ?? CLOUDBASERC)
  const envId = opts.envId ?? 'local-env'
  let apiUrl = ''
  const runtime = new CloudRuntime({
    functionsDir: opts.functionsDir,
    appid: opts.mpAppid,
    envId,
    deployConfig,
    apiUrl: () => apiUrl,
    env: opts.env,
    maxInstances: opts.maxInstances ?? (Number(opts.env.CLOUD_MAX_INSTANCES) || 8),
    reuseThreads: opts.reuseThreads,
    onInstanceEnd: (tokens) => dbService.tx.abandon(tokens),
  })
  const latency = { ms: opts.dbLatencyMs ?? Number(opts.env.CLOUD_DB_LATENCY_MS || 0) }
  if (!Number.isFinite(latency.ms) || latency.ms < 0)
    throw new Error(`CLOUD_DB_LATENCY_MS must be a non-negative number, got ${opts.env.CLOUD_DB_LATENCY_MS}`)
  const api = cloudbaseApi({ db: dbService, runtime, cloudPay: opts.cloudPay, latency })
  const management = tcbApi({
    store,
    envId,
    region: 'ap-shanghai',
    httpAccess: {
      enabled: opts.httpAccessService ?? true,
      routes: (deployConfig?.routes ?? []).map((r) => ({ path: r.path, fn: routeFunction(r) })),
    },
  })
  // Getters: a spread ({...stats}) or JSON takes a snapshot of the live counters.
  const stats: CloudStats = {
    get dbCalls() {
      return api.stats.dbCalls
    },
    get invocations() {
      return runtime.invocations
    },
    get transactions() {
      return dbService.tx.started
    },
    get conflicts() {
      return dbService.tx.conflicts
    },
    get unindexedQueries() {
      return Object.fromEntries(dbService.uncovered)
    },
  }

  const invokeHttp = async (name: string, res: ServerResponse, call: () => Promise<unknown>) => {
    try {
      sendJson(res, 200, await call())
    } catch (err) {
      if (err instanceof InvocationError) {
        sendJson(res, err.errCode === -501000 ? 404 : 502, {
          errcode: err.errCode,
          errmsg: `cloud.callFunction:fail ${name}: ${err.errMsg}`,
        })
        return
      }
      throw err
    }
  }

  const httpAccess = (fn: string) => async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v
    const event = {
      path: url.pathname,
      httpMethod: req.method ?? 'GET',
      headers,
      queryStringParameters: Object.fromEntries(url.searchParams),
      body: await readBody(req),
      isBase64Encoded: false,
    }
    let out: unknown
    try {
      out = await runtime.invoke(fn, event, { source: 'wx_http' })
    } catch (err) {
      if (err instanceof InvocationError) return send(res, 502, err.errMsg)
      throw err
    }
    // An integration response ({statusCode, headers, body}) is passed through; anything else is JSON.
    const r = out as { statusCode?: number; headers?: Record<string, string>; body?: string }
    if (typeof r?.statusCode === 'number') {
      res.writeHead(r.statusCode, r.headers ?? {})
      res.end(r.body ?? '')
    } else {
      sendJson(res, 200, out)
    }
  }

  let baseUrl = ''
  const tempCdn = new TempCdn(() => baseUrl)
  const server: Server = serve([
    { method: 'POST', pattern: /^\/admin$/, handler: (req, res) => api.handle(req, res) },
    {
      method: 'GET',
      pattern: /^\/__cloud\/stats$/,
      handler: (_req, res) => sendJson(res, 200, { ...stats }),
    },
    {
      method: 'POST',
      pattern: /^\/fn\/([^/]+)$/,
      handler: async (req, res, _url, [name]) => {
        let event: Record<string, unknown>
        const fromMiniProgram = req.headers[MINIPROGRAM_HEADER] === MINIPROGRAM_CLIENT
        const limit = fromMiniProgram ? MINIPROGRAM_CALL_MAX_BYTES : CALL_FUNCTION_MAX_BYTES
        try {
          event = await readJson(req, { passProtoKeys: true, limit, maxDepth: MAX_EVENT_DEPTH })
        } catch (err) {
          // Over the size or nesting limit: refused before any instance sees it, in the functions' words.
          if (!(err instanceof HttpError) || (err.status !== 413 && !/nested deeper/.test(err.message))) throw err
          if (err.status === 413) res.setHeader('connection', 'close')
          const tooLarge = fromMiniProgram ? TOO_LARGE_FROM_MINIPROGRAM : TOO_LARGE
          return sendJson(res, 200, { errcode: 1001, errmsg: err.status === 413 ? tooLarge : TOO_DEEP })
        }
        const openid = req.headers[OPENID_HEADER]
        const unionid = req.headers[UNIONID_HEADER]
        if (openid !== undefined && (typeof openid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(openid))) {
          throw new HttpError(400, `${OPENID_HEADER} must be an openid`)
        }
        // wx.cloud.callFunction adds userInfo to the event; functions must not trust it, but it is there.
        const withUserInfo = openid ? { ...event, userInfo: { appId: opts.mpAppid, openId: openid } } : event
        await invokeHttp(name!, res, () =>
          runtime.invoke(name!, withUserInfo, {
            openid: typeof openid === 'string' ? openid : undefined,
            unionid: typeof unionid === 'string' ? unionid : undefined,
            source: 'wx_client',
          }),
        )
      },
    },
    { method: 'POST', pattern: /^\/__tcb$/, handler: (req, res) => management.handle(req, res) },
    // wx.cloud.CDN's temporary CDN (temp-cdn.ts): what a marked field of a Mini Program call becomes.
    { method: 'POST', pattern: /^\/__cloud\/cdn$/, handler: (req, res) => tempCdn.upload(req, res) },
    { method: 'GET', pattern: TEMP_CDN_PATH, handler: (_req, res, _url, [id]) => tempCdn.serve(res, id!) },
    // HTTP access: each route of cloudbaserc.json's gateway to its function.
    ...(deployConfig?.routes ?? []).map((r) => ({
      method: '*',
      pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`),
      handler: httpAccess(routeFunction(r)),
    })),
    {
      method: 'POST',
      pattern: /^\/__cloud\/trigger\/([^/]+)$/,
      handler: async (_req, res, _url, [name]) => {
        const trigger = runtime.config(name!).triggers.find((t) => t.type === 'timer')
        await invokeHttp(name!, res, () => runtime.invoke(name!, timerEvent(trigger?.name ?? 'manual'), { source: 'wx_trigger' }))
      },
    },
    {
      // What the console's 数据库 → 索引管理 shows, for `npm run merchant -- doctor` (the functions cannot list indexes).
      method: 'GET',
      pattern: /^\/__cloud\/indexes$/,
      handler: (_req, res) => sendJson(res, 200, { indexes: store.indexFields() }),
    },
    {
      method: 'GET',
      pattern: /^\/__cloud\/functions$/,
      handler: (_req, res) => sendJson(res, 200, { functions: runtime.functionNames().map((name) => ({ name, ...runtime.config(name) })) }),
    },
  ])
  const port = await listen(server, opts.port)
  baseUrl = `http://127.0.0.1:${port}`
  apiUrl = `${baseUrl}/admin`
  if (opts.prewarm) await runtime.prewarm()
  const stopTimers = opts.timers ? startTimers(runtime) : () => undefined
  return {
    runtime,
    db: adminDatabase(apiUrl),
    dbService,
    port,
    url: `http://127.0.0.1:${port}`,
    stats,
    latency,
    get managementCalls() {
      return management.calls
    },
    declareIndexes(decl) {
      for (const [coll, list] of Object.entries(decl)) for (const fields of list) store.declareIndex(coll, fields)
    },
    async stop() {
      stopTimers()
      await runtime.close()
      await close(server)
      store.close()
    },
  }
}

function timerEvent(triggerName: string) {
  return { Type: 'Timer', TriggerName: triggerName, Time: new Date().toISOString() }
}

/** Checks every second which timer triggers are due; a trigger still running is not started again. */
function startTimers(runtime: CloudRuntime): () => void {
  const schedules: { fn: string; name: string; cron: CronSchedule; running: boolean }[] = []
  for (const fn of runtime.functionNames()) {
    for (const t of runtime.config(fn).triggers) {
      if (t.type === 'timer') schedules.push({ fn, name: t.name, cron: parseCron(t.config), running: false })
    }
  }
  let last = Math.floor(Date.now() / 1000)
  const tick = setInterval(() => {
    const now = Math.floor(Date.now() / 1000)
    for (let s = last + 1; s <= now; s++) {
      const at = new Date(s * 1000)
      for (const sch of schedules) {
        if (sch.running || !sch.cron.matches(at)) continue
        sch.running = true
        runtime
          .invoke(sch.fn, timerEvent(sch.name), { source: 'wx_trigger' })
          .catch((err) => console.error(`[timer ${sch.fn}/${sch.name}]`, (err as Error).message))
          .finally(() => (sch.running = false))
      }
    }
    last = now
  }, 250)
  tick.unref()
  return () => clearInterval(tick)
}
