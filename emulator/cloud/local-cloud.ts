// The local cloud (local-stack.md "Local cloud"): runs the bundled functions with a WX context, serves
// HTTP access for wxpush, fires timer triggers from each config.json.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { close, HttpError, listen, readBody, readJson, send, sendJson, serve } from '../http'
import { parseCron, type CronSchedule } from './cron'
import { LocalDatabase } from './database'
import { meteredDatabase, type CloudStats, type DbLatency } from './metered'
import { CloudRuntime, InvocationError, type CloudPayProvider } from './runtime'

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
}

export interface LocalCloud {
  runtime: CloudRuntime
  /** the bare database (tests, seeding); the functions see it through meteredDatabase */
  db: LocalDatabase
  /** what GET /__cloud/stats answers */
  stats: CloudStats
  /** CLOUD_DB_LATENCY_MS, changeable while running (benchmarks set up fast and measure slow) */
  latency: DbLatency
  url: string
  port: number
  stop(): Promise<void>
}

const OPENID_HEADER = 'x-wx-openid'
const UNIONID_HEADER = 'x-wx-unionid'

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const db = await LocalDatabase.open(opts.dataDir ? join(opts.dataDir, 'clouddb') : null)
  const stats: CloudStats = { dbCalls: 0, invocations: 0, transactions: 0, conflicts: 0 }
  const latency: DbLatency = { ms: Number(opts.env.CLOUD_DB_LATENCY_MS || 0) }
  if (!Number.isFinite(latency.ms) || latency.ms < 0) throw new Error(`CLOUD_DB_LATENCY_MS must be a non-negative number, got ${opts.env.CLOUD_DB_LATENCY_MS}`)
  const runtime = new CloudRuntime({
    functionsDir: opts.functionsDir, db: meteredDatabase(db, stats, latency), appid: opts.mpAppid, cloudPay: opts.cloudPay, env: opts.env,
    onInvoke: () => void stats.invocations++,
  })

  const invokeHttp = async (name: string, res: ServerResponse, call: () => Promise<unknown>) => {
    try {
      sendJson(res, 200, await call())
    } catch (err) {
      if (err instanceof InvocationError) {
        sendJson(res, err.errCode === -501000 ? 404 : 502, { errcode: err.errCode, errmsg: `cloud.callFunction:fail ${name}: ${err.errMsg}` })
        return
      }
      throw err
    }
  }

  const httpAccess = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
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
      out = await runtime.invoke('wxpush', event, { source: 'wx_http' })
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

  const server: Server = serve([
    {
      method: 'POST',
      pattern: /^\/fn\/([^/]+)$/,
      handler: async (req, res, _url, [name]) => {
        const event = await readJson(req, { passProtoKeys: true })
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
    { method: '*', pattern: /^\/wxpush\/?$/, handler: httpAccess },
    {
      method: 'POST',
      pattern: /^\/__cloud\/trigger\/([^/]+)$/,
      handler: async (_req, res, _url, [name]) => {
        const trigger = runtime.config(name!).triggers.find((t) => t.type === 'timer')
        await invokeHttp(name!, res, () => runtime.invoke(name!, timerEvent(trigger?.name ?? 'manual'), { source: 'wx_trigger' }))
      },
    },
    { method: 'GET', pattern: /^\/__cloud\/stats$/, handler: (_req, res) => sendJson(res, 200, stats) },
    {
      method: 'GET',
      pattern: /^\/__cloud\/functions$/,
      handler: (_req, res) => sendJson(res, 200, { functions: runtime.functionNames().map((name) => ({ name, ...runtime.config(name) })) }),
    },
  ])
  const port = await listen(server, opts.port)
  const stopTimers = opts.timers ? startTimers(runtime) : () => undefined
  return {
    runtime,
    db,
    stats,
    latency,
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      stopTimers()
      await close(server)
      await db.close()
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
