// `npm run wx -- …` as a developer runs it.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { PushCrypto } from '../../server/wechat/push-crypto'

const ROOT = join(__dirname, '..', '..')
const run = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/wx-cli.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' })

test('card-sign reproduces the guide’s example', () => {
  const r = run([
    'card-sign',
    '--api-ticket',
    'ojZ8YtyVyr30HheH3CM73y7h4jJE',
    '--card-id',
    'pjZ8Yt1XGILfi-FUsewpnnolGgZk',
    '--code',
    '1434008071',
    '--timestamp',
    '1404896688',
    '--nonce-str',
    '123',
  ])
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('sorted:    12314048966881434008071ojZ8YtyVyr30HheH3CM73y7h4jJEpjZ8Yt1XGILfi-FUsewpnnolGgZk')
  expect(r.stdout).toContain('signature: f137ab68b7f8112d20ee528ab6074564e2796250')
  expect(r.stdout).toContain(
    'cardExt:   {"code":"1434008071","timestamp":"1404896688","nonce_str":"123","signature":"f137ab68b7f8112d20ee528ab6074564e2796250"}',
  )
})

describe('push-decrypt', () => {
  const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
  const appid = 'wx5e2b8d1c4a7f3690'
  const xml = '<xml><Event><![CDATA[user_get_card]]></Event></xml>'
  const enc = new PushCrypto({ token: 'tok', encodingAesKey: key, appid }).encrypt(xml)
  const sig = createHash('sha1').update(['tok', '1700000000', 'n1', enc].sort().join('')).digest('hex')
  const body = `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`
  const args = (s: string, a = appid) => [
    'push-decrypt',
    '--token',
    'tok',
    '--aes-key',
    key,
    '--appid',
    a,
    '--timestamp',
    '1700000000',
    '--nonce',
    'n1',
    '--msg-signature',
    s,
  ]

  test('round-trips a safe-mode message', () => {
    const r = run(args(sig), body)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toBe(xml)
  })

  test('says exactly why a message is refused, with exit code 1', () => {
    const bad = run(args('0'.repeat(40)), body)
    expect(bad.status).toBe(1)
    expect(bad.stderr.trim()).toBe('rejected: msg_signature does not match')
    const foreign = run(args(sig, 'wx0000000000000000'), body)
    expect(foreign.status).toBe(1)
    expect(foreign.stderr.trim()).toBe('rejected: message is for appid "wx5e2b8d1c4a7f3690", not ours')
  })
})

test('push-verify and usage errors', () => {
  const sig = createHash('sha1').update(['tok', '1', 'n'].sort().join('')).digest('hex')
  expect(run(['push-verify', '--token', 'tok', '--timestamp', '1', '--nonce', 'n', '--signature', sig]).status).toBe(0)
  expect(run(['push-verify', '--token', 'tok', '--timestamp', '2', '--nonce', 'n', '--signature', sig]).status).toBe(1)
  const missing = run(['card-sign', '--card-id', 'p'])
  expect(missing.status).toBe(2)
  expect(missing.stderr).toContain('missing --api-ticket')
})
