// TARO_APP_CLOUD_ENV reaches the Mini Program whichever way the merchant's engineer gives it: in the
// shell, in `.env`, in `.env.[mode]`, or not at all ('' then, for the H5 preview; a weapp build stops:
// test/unit/cloud-env.test.ts).
// Taro's CLI loads the env files into process.env with its own dotenvParse, then reads config/index.ts,
// then lays the files' TARO_APP_* values over the config's `env` with patchEnv
// (node_modules/@tarojs/cli/dist/cli.js); that `env` is what DefinePlugin puts in place of
// `process.env.KEY` in the bundle. This runs those same steps with Taro's own functions.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dotenvParse, patchEnv } from '@tarojs/helper'
import config from '../../config/index'

const KEY = 'TARO_APP_CLOUD_ENV'

/** The text DefinePlugin would inline for process.env.TARO_APP_CLOUD_ENV in a production build. */
function inlined(files: Record<string, string>, shell?: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'taro-env-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const before = process.env[KEY]
  if (shell === undefined) delete process.env[KEY]
  else process.env[KEY] = shell
  try {
    const parsed = dotenvParse(dir, 'TARO_APP_', 'production')
    const userConfig = (config as (merge: unknown, env: { command: string; mode: string }) => { env?: Record<string, string> })(undefined, {
      command: 'build',
      mode: 'production',
    })
    const env: Record<string, string> = patchEnv(userConfig as Parameters<typeof patchEnv>[0], parsed)
    return env[KEY]
  } finally {
    if (before === undefined) delete process.env[KEY]
    else process.env[KEY] = before
  }
}

test('set nowhere (an H5 build): inlined as the empty string, never left as process.env', () => {
  expect(inlined({})).toBe('""')
})

test('set in the shell only', () => {
  expect(inlined({}, 'prod-shell-1a2b')).toBe('"prod-shell-1a2b"')
})

test('set in .env only, and .env.production over .env', () => {
  expect(inlined({ '.env': `${KEY}=prod-file-3c4d\n` })).toBe('"prod-file-3c4d"')
  expect(inlined({ '.env': `${KEY}=prod-file-3c4d\n`, '.env.production': `${KEY}=prod-mode-5e6f\n` })).toBe('"prod-mode-5e6f"')
})

test('set in both: the shell wins, as with dotenv everywhere', () => {
  expect(inlined({ '.env': `${KEY}=prod-file-3c4d\n` }, 'prod-shell-1a2b')).toBe('"prod-shell-1a2b"')
})
