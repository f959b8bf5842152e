// The whole local stack in one process: WeChat emulator, local cloud, H5 preview. `npm start` runs it;
// tests and benchmarks start their own with their own ports and data.
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startLocalCloud, type LocalCloud } from './cloud/local-cloud'
import { loadStackEnv } from './env'
import { startPreview } from './h5/preview'
import { startWechatEmulator, type WechatEmulator } from './wechat/emulator'

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
}

export interface Stack {
  env: Record<string, string>
  wechat: WechatEmulator
  cloud: LocalCloud
  preview?: { url: string; stop(): Promise<void> }
  stop(): Promise<void>
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
    saSecret: env.WX_SA_SECRET!,
    mpAppid: env.WX_MP_APPID!,
  })
  // The functions get these as their environment variables; WX_API_BASE points them at the emulator.
  env.WX_API_BASE ||= wechat.url

  const cloud = await startLocalCloud({
    functionsDir: join(ROOT, 'dist', 'cloudfunctions'),
    dataDir,
    mpAppid: env.WX_MP_APPID!,
    port: port(env, 'CLOUD_PORT', 9602),
    timers: opts.timers ?? true,
    env,
  })
  for (const name of DEMO_PEOPLE) wechat.users.ensure(name)

  const preview =
    opts.preview === false
      ? undefined
      : await startPreview({
          port: port(env, 'H5_PORT', 10086),
          h5Dir: join(ROOT, 'dist', 'h5'),
          cloudUrl: cloud.url,
          people: () => DEMO_PEOPLE.map((n) => wechat.users.get(n)!),
        })

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
