// Settings for the local stack: the process environment wins, then .env, then .env.example's safe
// local defaults. Only simple KEY=value lines are read.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!m) continue
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2')
  }
  return out
}

export function loadStackEnv(root: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const merged: Record<string, string> = {}
  for (const file of ['.env.example', '.env']) {
    const p = join(root, file)
    if (existsSync(p)) Object.assign(merged, parseEnvFile(readFileSync(p, 'utf8')))
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v
  return merged
}
