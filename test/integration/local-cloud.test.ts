// The bundled functions, run by the local cloud runtime and called over HTTP as the Mini Program would.
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { close, listen, sendJson, serve } from '../../emulator/http'
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
    expect(r.json).toEqual({ errcode: 1001, errmsg: 'code has an invalid format', field: 'code' })
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
    const bad = await fetch(
      `${cloud.url}/wxpush?signature=${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}&timestamp=${ts}&nonce=n1&echostr=hello123`,
    )
    expect(bad.status).toBe(401)
    expect(await bad.text()).not.toContain('hello123')
  })

  test('a timer trigger runs the cron function and records the run', async () => {
    const res = await fetch(`${cloud.url}/__cloud/trigger/cron`, { method: 'POST' })
    expect(await res.json()).toMatchObject({ errcode: 0, trigger: 'upkeep' })
    const last = await cloud.db.collection('upkeep_runs').doc('last').get()
    expect(last.data.trigger).toBe('upkeep')
  })

  test('the timer run fans out one cron invocation per task group; each task records its outcome; an unknown group is 1001', async () => {
    const before = cloud.stats.invocations
    const run = (await (await fetch(`${cloud.url}/__cloud/trigger/cron`, { method: 'POST' })).json()) as {
      tasks: Record<string, { ok: boolean }>
    }
    // The timer's invocation and one per group: cards, balances, events, upkeep (docs/capacity.md).
    expect(cloud.stats.invocations - before).toBe(5)
    expect(Object.keys(run.tasks)).toEqual(expect.arrayContaining(['cards', 'balances', 'events', 'credentials', 'refunds']))
    expect(run.tasks.cards).toMatchObject({ ok: true, passEnded: true })
    const progress = await cloud.db.collection('upkeep_runs').doc('task:events').get()
    expect(progress.data).toMatchObject({ cursor: null, result: { ok: true } })
    const bad = await cloud.runtime.invoke('cron', { group: 'everything' }, { source: 'wx_trigger' })
    expect(bad).toEqual({ errcode: 1001, errmsg: expect.stringMatching(/^group: one of /) })
  })

  test('each function lists its config (timeout, triggers)', async () => {
    const res = (await (await fetch(`${cloud.url}/__cloud/functions`)).json()) as {
      functions: { name: string; timeout: number; triggers: unknown[] }[]
    }
    const cron = res.functions.find((f) => f.name === 'cron')!
    expect(cron.triggers).toEqual([{ name: 'upkeep', type: 'timer', config: '0 */5 * * * * *' }])
    expect(res.functions.map((f) => f.name).sort()).toEqual(['card', 'cron', 'gift', 'member', 'merchant', 'pay', 'wxpush'])
  })
})

describe('function instances', () => {
  test('each invocation sees its own caller although instances are reused', async () => {
    const calls = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].map((o) => callFn(cloud, 'card', { action: 'whoami' }, o))
    expect((await Promise.all(calls)).map((r) => r.json.openid)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6'])
    expect(cloud.runtime.instanceCount('card')).toBeGreaterThanOrEqual(1)
  })

  test('provisioned concurrency starts warm instances up to the limit, and they serve invocations', async () => {
    await cloud.runtime.provision('gift', 3)
    expect(cloud.runtime.instanceCount('gift')).toBe(3)
    // Asking again for fewer, or as many, starts nothing more.
    await cloud.runtime.provision('gift', 2)
    expect(cloud.runtime.instanceCount('gift')).toBe(3)
    await cloud.runtime.provision('gift', 1000)
    expect(cloud.runtime.instanceCount('gift')).toBe(cloud.runtime.options.maxInstances)
    const res = await callFn(cloud, 'gift', { action: 'listSent' }, 'oProvisioned')
    expect(res.json.errcode).toBe(0)
    expect(cloud.runtime.instanceCount('gift')).toBe(cloud.runtime.options.maxInstances)
  })
})

describe('the HTTP server never falls over on a request', () => {
  test('a malformed percent-escape is a 400, and the server keeps answering', async () => {
    const bad = await fetch(`${cloud.url}/fn/%E0%A4%A`, { method: 'POST', body: '{}' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/malformed/)
    expect((await callFn(cloud, 'card', { action: 'whoami' }, 'oStill')).json.openid).toBe('oStill')
  })

  test("a body over CloudBase's 6 MB is refused in the product's words (1001 naming the limit), not a dropped connection", async () => {
    const res = await fetch(`${cloud.url}/fn/card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'whoami', pad: 'x'.repeat(7 * 1024 * 1024) }),
    })
    expect(await res.json()).toEqual({ errcode: 1001, errmsg: expect.stringMatching(/6 MB/) })
    expect((await callFn(cloud, 'card', { action: 'whoami' }, 'oStill')).json.openid).toBe('oStill')
  })

  test("a Mini Program call over 100 KB is refused in the product's words; the same body from elsewhere is not", async () => {
    const call = (pad: number, headers: Record<string, string>) =>
      fetch(`${cloud.url}/fn/card`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': 'oBig', ...headers },
        body: JSON.stringify({ action: 'whoami', pad: 'x'.repeat(pad) }),
      }).then((r) => r.json() as Promise<Record<string, unknown>>)
    const mp = { 'x-wx-client': 'miniprogram' }
    expect(await call(101 * 1024, mp)).toEqual({ errcode: 1001, errmsg: expect.stringMatching(/Mini Program.*\(100 KB\).*wx\.cloud\.CDN/) })
    expect((await call(99 * 1024, mp)).openid).toBe('oBig')
    expect((await call(101 * 1024, {})).openid).toBe('oBig')
  })

  test('a body nested 5,000 deep is refused (1001 naming the nesting limit) and leaves no instance stuck', async () => {
    // 10 KB of nesting: before, it stopped the instance that took it, and for 20 s every call to the
    // function answered "an instance serves one invocation at a time".
    const deep = `{"action":"whoami","x":${'['.repeat(5000)}${']'.repeat(5000)}}`
    const res = await fetch(`${cloud.url}/fn/card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'oDeep' },
      body: deep,
    })
    expect(await res.json()).toEqual({ errcode: 1001, errmsg: expect.stringMatching(/nested deeper than 64/) })
    const after = await Promise.all([1, 2, 3].map(() => callFn(cloud, 'card', { action: 'whoami' }, 'oStill')))
    expect(after.map((r) => r.json.openid)).toEqual(['oStill', 'oStill', 'oStill'])
  })

  test('a client that stalls mid-request is cut off (408) while others are answered', async () => {
    // The stack's servers share this plumbing; its request timeout (120 s) is shortened here to test it.
    const server = serve([
      {
        method: 'POST',
        pattern: /^\/echo$/,
        handler: async (req, res) => {
          for await (const chunk of req) void chunk
          sendJson(res, 200, { ok: true })
        },
      },
    ])
    const port = await listen(server, 0)
    server.headersTimeout = 1000
    server.requestTimeout = 1500
    try {
      const slow = connect(port, '127.0.0.1')
      let reply = ''
      slow.on('data', (d: Buffer) => (reply += d.toString()))
      const ended = new Promise<void>((resolve) => slow.on('close', () => resolve()))
      slow.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"half":')
      // Meanwhile the server answers everyone else.
      const other = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: '{}' })
      expect(other.status).toBe(200)
      await ended
      expect(reply).toMatch(/^HTTP\/1\.1 408/)
      expect((await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: '{}' })).status).toBe(200)
    } finally {
      await close(server)
    }
  })

  test('GET /__cloud/stats counts invocations and database calls', async () => {
    const before = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number; invocations: number }
    await callFn(cloud, 'card', { action: 'listMine' }, 'oStats')
    const after = (await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number; invocations: number }
    expect(after.invocations).toBe(before.invocations + 1)
    expect(after.dbCalls).toBeGreaterThan(before.dbCalls)
  })
})

describe("wx.cloud.CDN's temporary CDN", () => {
  test('stores what is uploaded and serves it at the URL it answers, unguessable; an unknown one is 404', async () => {
    const bytes = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => i % 251))
    const up = await fetch(`${cloud.url}/__cloud/cdn`, { method: 'POST', body: bytes })
    const { url } = (await up.json()) as { url: string }
    expect(url).toMatch(new RegExp(`^${cloud.url}/__cloud/cdn/[0-9a-f]{32}$`))
    const got = await fetch(url)
    expect(got.headers.get('content-length')).toBe(String(bytes.length))
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true)
    expect((await fetch(`${cloud.url}/__cloud/cdn/${'0'.repeat(32)}`)).status).toBe(404)
    expect((await fetch(`${cloud.url}/__cloud/cdn`, { method: 'POST', body: '' })).status).toBe(400)
  })
})
