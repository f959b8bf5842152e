// The function bundles as they are uploaded: minified with source maps, wx-server-sdk required
// unchanged, and a clear refusal on a runtime older than the one the README names.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FUNCTIONS_DIR } from '../helpers/cloud'

const NAMES = ['card', 'cron', 'merchant', 'pay', 'wxpush']

test.each(NAMES)('%s: minified app.js with its source map, requiring the real wx-server-sdk', (name) => {
  const app = readFileSync(join(FUNCTIONS_DIR, name, 'app.js'), 'utf8')
  expect(existsSync(join(FUNCTIONS_DIR, name, 'app.js.map'))).toBe(true)
  expect(app).toMatch(/\/\/# sourceMappingURL=app\.js\.map\s*$/)
  expect(app.split('\n').length).toBeLessThan(20)
  expect(app).toContain('require("wx-server-sdk")')
  expect(JSON.parse(readFileSync(join(FUNCTIONS_DIR, name, 'package.json'), 'utf8')).dependencies).toEqual({ 'wx-server-sdk': '3.0.4' })
})

test('on a runtime without the global fetch the function refuses to start and says which runtime to pick', () => {
  const index = join(FUNCTIONS_DIR, 'card', 'index.js')
  let message = ''
  try {
    execFileSync(process.execPath, ['-e', `delete globalThis.fetch; require(${JSON.stringify(index)})`], { stdio: 'pipe' })
  } catch (err) {
    message = String((err as { stderr: Buffer }).stderr)
  }
  expect(message).toMatch(/needs the Cloud Development runtime Nodejs18\.15 or newer/)
})

test('the pinned SDK is the one installed here', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', 'wx-server-sdk', 'package.json'), 'utf8')) as {
    version: string
  }
  expect(pkg.version).toBe('3.0.4')
})
