// Starts the local cloud on a free port over the built bundles (dist/cloudfunctions; `npm test` builds
// them first), with an in-memory database, and calls functions over HTTP as the Mini Program would.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { loadStackEnv } from '../../emulator/env'

export const ROOT = join(__dirname, '..', '..')
export const FUNCTIONS_DIR = join(ROOT, 'dist', 'cloudfunctions')
export const stackEnv = loadStackEnv(ROOT, {})

export async function startTestCloud(env: Record<string, string> = {}): Promise<LocalCloud> {
  if (!existsSync(join(FUNCTIONS_DIR, 'card', 'index.js'))) {
    throw new Error('dist/cloudfunctions is not built: run `npm run build:functions` (npm test does it first)')
  }
  return startLocalCloud({
    functionsDir: FUNCTIONS_DIR,
    dataDir: null,
    mpAppid: stackEnv.WX_MP_APPID!,
    port: 0,
    env: { ...stackEnv, ...env },
    prewarm: true,
    reuseThreads: true,
  })
}

export async function callFn(
  cloud: LocalCloud,
  name: string,
  body: unknown,
  openid?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (openid) headers['x-wx-openid'] = openid
  const res = await fetch(`${cloud.url}/fn/${name}`, { method: 'POST', headers, body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
