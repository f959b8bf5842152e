// The bundled functions, run by the local cloud runtime and called over HTTP as the Mini Program would.
import { createHash } from 'node:crypto'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { callFn, stackEnv, startTestCloud } from '../helpers/cloud'

let cloud: LocalCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.stop())

describe('identity comes from the cloud context', () => {
  test('card.whoami answers each caller their own openid and the Mini Program appid', async () => {
    const a = await callFn(cloud, 'card', { action: 'whoami' }, 'oAliceOpenid000000000000000a')
    const b = await callFn(cloud, 'card', { action: 'whoami' }, 'oBobOpenid00000000000000000b')
    expect(a.json).toEqual({ errcode: 0, openid: 'oAliceOpenid000000000000000a', appid: stackEnv.WX_MP_APPID, merchant: false, role: null })
    expect(b.json.openid).toBe('oBobOpenid00000000000000000b')
  })

  test('an openid or userInfo in the event is ignored', async () => {
    const r = await callFn(cloud, 'card', { action: 'whoami', openid: 'oForged', userInfo: { openId: 'oForged' } }, 'oRealCaller')
    expect(r.json.openid).toBe('oRealCaller')
  })

  test('with no caller identity, consumer actions are refused', async () => {
    const r = await callFn(cloud, 'card', { action: 'listMine' })
    expect(r.json.errcode).toBe(1003)
    expect(r.json.errmsg).toMatch(/OPENID/)
  })

  test('unionid is reported when the context has one', async () => {
    const res = await fetch(`${cloud.url}/fn/card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'oU', 'x-wx-unionid': 'oUnion' },
      body: JSON.stringify({ action: 'whoami' }),
    })
    expect(((await res.json()) as { unionid?: string }).unionid).toBe('oUnion')
  })
})

describe('the function contract', () => {
  test('an unknown action names the known ones', async () => {
    const r = await callFn(cloud, 'card', { action: 'fly' }, 'oX')
    expect(r.json).toMatchObject({ errcode: 1002 })
    expect(r.json.errmsg).toMatch(/whoami/)
  })

  test('invalid fields are refused with a message naming the field', async () => {
    const r = await callFn(cloud, 'card', { action: 'detail', cardId: 'p1', code: 'a b' }, 'oX')
    expect(r.json).toEqual({ errcode: 1001, errmsg: 'code has an invalid format' })
    const r2 = await callFn(cloud, 'card', { action: 'detail', code: '1' }, 'oX')
    expect(r2.json.errmsg).toBe('cardId must be a non-empty string')
  })

  test('an empty card list for a new person', async () => {
    expect((await callFn(cloud, 'card', { action: 'listMine' }, 'oNew')).json).toEqual({ errcode: 0, cards: [], pending: [] })
  })

  test('a function that does not exist is a 404 with the platform error', async () => {
    const r = await callFn(cloud, 'nope', { action: 'x' }, 'oX')
    expect(r.status).toBe(404)
    expect(r.json.errcode).toBe(-501000)
  })
})

describe('merchant', () => {
  test('admins from MERCHANT_ADMIN_OPENIDS are let in, everyone else refused', async () => {
    const admin = stackEnv.MERCHANT_ADMIN_OPENIDS!.split(',')[0]!
    expect((await callFn(cloud, 'merchant', { action: 'overview' }, admin)).json).toEqual({ errcode: 0, cards: 0, shelves: 0, orders: 0 })
    expect((await callFn(cloud, 'merchant', { action: 'overview' }, 'oSomeoneElse')).json.errcode).toBe(1004)
    expect((await callFn(cloud, 'merchant', { action: 'overview' })).json.errcode).toBe(1004)
  })
})

describe('HTTP access and timers', () => {
  const sign = (token: string, ts: string, nonce: string) => createHash('sha1').update([token, ts, nonce].sort().join('')).digest('hex')

  test('wxpush answers WeChat’s URL check with echostr only when the signature is right', async () => {
    const ts = String(Math.floor(Date.now() / 1000))
    const good = sign(stackEnv.WX_PUSH_TOKEN!, ts, 'n1')
    const ok = await fetch(`${cloud.url}/wxpush?signature=${good}&timestamp=${ts}&nonce=n1&echostr=hello123`)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('hello123')
    const bad = await fetch(`${cloud.url}/wxpush?signature=${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}&timestamp=${ts}&nonce=n1&echostr=hello123`)
    expect(bad.status).toBe(401)
    expect(await bad.text()).not.toContain('hello123')
  })

  test('a timer trigger runs the cron function and records the run', async () => {
    const res = await fetch(`${cloud.url}/__cloud/trigger/cron`, { method: 'POST' })
    expect(await res.json()).toMatchObject({ errcode: 0, trigger: 'upkeep' })
    const last = await cloud.db.collection('upkeep_runs').doc('last').get()
    expect(last.data.trigger).toBe('upkeep')
  })

  test('each function lists its config (timeout, triggers)', async () => {
    const res = (await (await fetch(`${cloud.url}/__cloud/functions`)).json()) as { functions: { name: string; timeout: number; triggers: unknown[] }[] }
    const cron = res.functions.find((f) => f.name === 'cron')!
    expect(cron.triggers).toEqual([{ name: 'upkeep', type: 'timer', config: '0 */5 * * * * *' }])
    expect(res.functions.map((f) => f.name).sort()).toEqual(['card', 'cron', 'gift', 'member', 'merchant', 'pay', 'wxpush'])
  })
})

describe('function instances', () => {
  test('each loaded instance has its own module state but shares the database', async () => {
    const i1 = cloud.runtime.loadInstance('card')
    const i2 = cloud.runtime.loadInstance('card')
    expect(i1.main).not.toBe(i2.main)
    const r1 = await cloud.runtime.invoke('card', { action: 'whoami' }, { openid: 'o1', source: 'wx_client' }, i1)
    const r2 = await cloud.runtime.invoke('card', { action: 'whoami' }, { openid: 'o2', source: 'wx_client' }, i2)
    expect([(r1 as { openid: string }).openid, (r2 as { openid: string }).openid]).toEqual(['o1', 'o2'])
  })
})
