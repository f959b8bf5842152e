// The whole local stack in one process: WeChat emulator, local cloud, H5 preview. `npm start` runs it;
// tests and benchmarks start their own with their own ports and data.
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { INDEXES } from '../server/store/indexes'
import { startLocalCloud, type LocalCloud } from './cloud/local-cloud'
import { loadStackEnv } from './env'
import { startPreview } from './h5/preview'
import { seedDemoMerchant } from './seed'
import { startWechatEmulator, type WechatEmulator } from './wechat/emulator'
import { retiredApisFrom } from './wechat/retired'

export const ROOT = resolve(__dirname, '..')
export const DEMO_PEOPLE = ['alice', 'bob', 'carol'] as const

export interface StackOptions {
  /** Overrides for settings (ports, credentials, DATA_DIR); the rest come from the environment and .env files. */
  env?: Record<string, string>
  /** Start from empty data. */
  fresh?: boolean
  /** Keep all data in memory (tests). */
  inMemory?: boolean
  preview?: boolean
  timers?: boolean
  /** create the demo merchant on first start (default true) */
  seed?: boolean
  /**
   * Start one instance of every function at once (default true: `npm start` answers each first call
   * warm). Tests pass false: a function's first instance starts on its first call, as a cold start does
   * in production, and one a test never calls is never loaded (each costs ~0.3 s of CPU: wx-server-sdk).
   */
  prewarm?: boolean
  /** New function instances may start on threads of ended ones (tests; RuntimeOptions.reuseThreads). */
  reuseThreads?: boolean
}

export interface Stack {
  env: Record<string, string>
  wechat: WechatEmulator
  cloud: LocalCloud
  preview?: { url: string; stop(): Promise<void> }
  stop(): Promise<void>
}

function int(env: Record<string, string>, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const v = Number(raw)
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`)
  return v
}

function port(env: Record<string, string>, name: string, fallback: number): number {
  const v = Number(env[name] ?? fallback)
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`${name} must be a port number, got ${env[name]}`)
  return v
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const env = { ...loadStackEnv(ROOT), ...opts.env }
  const dataDir = opts.inMemory ? null : resolve(ROOT, env.DATA_DIR || '.data')
  if (dataDir && (opts.fresh || env.FRESH === '1')) rmSync(dataDir, { recursive: true, force: true })

  const wechat = await startWechatEmulator({
    port: port(env, 'WXEMU_PORT', 9601),
    dataDir,
    saAppid: env.WX_SA_APPID!,
    // The secret WeChat holds; WXEMU_SA_SECRET differs from the functions' WX_SA_SECRET only to play a
    // merchant who pasted the wrong one (the doctor's test).
    saSecret: env.WXEMU_SA_SECRET || env.WX_SA_SECRET!,
    mpAppid: env.WX_MP_APPID!,
    ghId: env.WX_SA_GHID || 'gh_5e2b8d1c4a7f',
    reviewSeconds: int(env, 'WXEMU_REVIEW_SECONDS', 0),
    quotas: { token: int(env, 'WXEMU_TOKEN_QUOTA', 2000), ticket: int(env, 'WXEMU_TICKET_QUOTA', 100) },
    cardExtWindowSeconds: int(env, 'WXEMU_CARDEXT_WINDOW', 300),
    latencyMs: int(env, 'WXEMU_LATENCY_MS', 0),
    refundDelaySeconds: int(env, 'WXEMU_REFUND_DELAY_S', 0),
    retiredApis: retiredApisFrom(env.WXEMU_RETIRED_APIS),
    push: {
      url: env.PUSH_URL || undefined,
      token: env.WX_PUSH_TOKEN!,
      aesKey: env.WX_PUSH_AES_KEY!,
      mode: (env.WX_PUSH_MODE || 'safe') as 'plain' | 'compat' | 'safe',
      timeoutMs: int(env, 'WXEMU_PUSH_TIMEOUT_MS', 5000),
      ordinaryRetries: 3,
      giftcardAttempts: 30,
      // WeChat spreads 30 attempts over 24 hours; tests shorten the interval.
      giftcardIntervalMs: int(env, 'WXEMU_PUSH_RETRY_MS', 48 * 60 * 1000),
    },
  })
  // The functions get these as their environment variables; WX_API_BASE points them at the emulator.
  env.WX_API_BASE ||= wechat.url

  const cloud = await startLocalCloud({
    functionsDir: env.FUNCTIONS_DIR ? resolve(ROOT, env.FUNCTIONS_DIR) : join(ROOT, 'dist', 'cloudfunctions'),
    dataDir,
    mpAppid: env.WX_MP_APPID!,
    port: port(env, 'CLOUD_PORT', 9602),
    timers: opts.timers ?? true,
    env,
    cloudPay: wechat.cloudPay,
    dbLatencyMs: int(env, 'CLOUD_DB_LATENCY_MS', 0),
    maxInstances: int(env, 'CLOUD_MAX_INSTANCES', 8) || 8,
    prewarm: opts.prewarm ?? true,
    reuseThreads: opts.reuseThreads,
  })
  // The indexes the product declares, as a merchant creates them in the console.
  cloud.declareIndexes(INDEXES)
  wechat.connectCloud({
    pushUrl: `${cloud.url}/wxpush`,
    callFunction: (name, event) => cloud.runtime.invoke(name, event, { source: 'wx_pay' }),
  })
  for (const name of DEMO_PEOPLE) wechat.users.ensure(name)
  const admin = (env.MERCHANT_ADMIN_OPENIDS ?? '').split(',')[0]?.trim()
  const preview =
    opts.preview === false
      ? undefined
      : await startPreview({
          port: port(env, 'H5_PORT', 10086),
          h5Dir: join(ROOT, 'dist', 'h5'),
          cloudUrl: cloud.url,
          wechatUrl: wechat.url,
          // Every person the emulator knows: the demo people, and any added with POST /__emu/users (a group's friends).
          people: () => wechat.users.all(),
        })
  // The shelf's refund and invoice cells open the Mini Program's order page (here its H5 build).
  const orderPageUrl = `${preview?.url ?? `http://127.0.0.1:${port(env, 'H5_PORT', 10086)}`}/#/pages/order/index`
  if (opts.seed !== false && admin) await seedDemoMerchant(cloud, admin, { cdn: wechat.url, orderPageUrl })

  return {
    env,
    wechat,
    cloud,
    preview,
    async stop() {
      await preview?.stop()
      await cloud.stop()
      await wechat.stop()
    },
  }
}
