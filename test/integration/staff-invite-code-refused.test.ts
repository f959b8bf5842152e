// A merchant function deployed without 云调用's permission (config.json's permissions.openapi lacking
// wxacode.getUnlimited, as after a deploy that did not carry the file): WeChat refuses the Mini Program
// code with -604101, and the invite still stands, answered with its path and the reason.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { callFn, FUNCTIONS_DIR, stackEnv } from '../helpers/cloud'

let dir: string
let cloud: LocalCloud
const owner = stackEnv.MERCHANT_ADMIN_OPENIDS!.split(',')[0]!

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fns-noperm-'))
  cpSync(join(FUNCTIONS_DIR, 'merchant'), join(dir, 'merchant'), { recursive: true })
  const config = JSON.parse(readFileSync(join(dir, 'merchant', 'config.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(join(dir, 'merchant', 'config.json'), JSON.stringify({ ...config, permissions: { openapi: [] } }))
  cloud = await startLocalCloud({ functionsDir: dir, dataDir: null, mpAppid: stackEnv.WX_MP_APPID!, port: 0, env: { ...stackEnv } })
})
afterAll(async () => {
  await cloud.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('the built merchant function is the one that permits wxacode.getUnlimited', () => {
  expect(JSON.parse(readFileSync(join(FUNCTIONS_DIR, 'merchant', 'config.json'), 'utf8')).permissions).toEqual({
    openapi: ['wxacode.getUnlimited'],
  })
})

test('without the permission: the invite answers its path and wxacodeError -604101, no code', async () => {
  const { json } = await callFn(cloud, 'merchant', { action: 'staffInvite', role: 'staff' }, owner)
  expect(json).toMatchObject({ errcode: 0, inviteId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) })
  expect(json.qr).toBe(`/merchant/pages/join/index?invite=${String(json.inviteId)}`)
  expect(json.wxacode).toBeUndefined()
  expect(json.wxacodeError).toMatch(/^wxacode\.getUnlimited: -604101 /)
})
