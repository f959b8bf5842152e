// `npm run merchant -- doctor` and merchant.selfCheck against whole local stacks: all green on a stack
// that sold a card and ran its cron; the failing check named, with its fix, when the functions hold a
// wrong WX_SA_SECRET or lack a variable, or when WeChat refuses the server's IP (40164); 1004 for
// anyone but an owner; a function's ping answered only to another function.
import { startStack, type Stack } from '../../emulator/stack'
import { httpCaller } from '../../scripts/merchant/call'
import { buildCli } from '../../scripts/merchant/cli'
import { localIndexes } from '../../scripts/merchant/doctor'
import { FUNCTION_NAMES } from '../../server/config'
import { INDEXES } from '../../server/store/indexes'
import { person, startJourneyStack, type Json } from '../helpers/stack'

async function doctor(stack: Stack, as: string, extra: string[] = []) {
  const out: string[] = []
  const err: string[] = []
  const openid = person(stack, as).mpOpenid
  const code = await buildCli(
    ['doctor', ...extra],
    { out: (s) => out.push(s), err: (s) => err.push(s), confirm: async () => false },
    () => httpCaller(stack.cloud.url, openid),
    () => localIndexes(stack.cloud.url),
  ).run()
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const byName = (checks: Json[]) => Object.fromEntries(checks.map((c) => [c.name, c]))

describe('a stack in use', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startJourneyStack()
    // A card sold and added (its user_get_card push received), and the cron run once by its trigger.
    const alice = person(stack, 'alice')
    await alice.buyAndAdd(await alice.shopCardId(10000))
    const cron = await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })
    expect(cron.status).toBe(200)
  })
  afterAll(() => stack.stop())

  test('doctor: every check green, exit code 0, a Chinese checklist', async () => {
    const r = await doctor(stack, 'carol')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('自检通过：13 项全部正常。')
    expect(r.out).not.toContain('✘')
    const j = await doctor(stack, 'carol', ['--json'])
    const checks = JSON.parse(j.out).checks as Json[]
    expect(checks.map((c) => c.name)).toEqual([
      ...FUNCTION_NAMES.map((f) => `env:${f}`),
      'accessToken',
      'cardTicket',
      'subMchId',
      'cron',
      'push',
      'indexes',
    ])
    expect(checks.every((c) => c.ok === true && c.advice === undefined)).toBe(true)
    expect(byName(checks).push.detail).toMatch(/^最近一次 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）(card_pass_check|user_get_card)$/)
    expect(byName(checks).indexes.detail).toBe(`${Object.values(INDEXES).flat().length} 个`)
  })

  test('the token check fetches a stable token, which leaves the access_token the functions share alone', async () => {
    const stats = async () => (await person(stack, 'carol').emu('/__emu/stats')).json as Json
    const before = await stats()
    expect((await doctor(stack, 'carol')).code).toBe(0)
    expect((await stats()).tokensIssued).toBe(before.tokensIssued)
    // An hour on (past WeChat's 5-minute overlap for a replaced token), the functions' token still works.
    await person(stack, 'carol').emu('/__emu/clock', { advanceSeconds: 3600 })
    expect(
      (await person(stack, 'carol').fn('merchant', { action: 'cardGet', cardId: await person(stack, 'alice').shopCardId(10000) })).errcode,
    ).toBe(0)
    expect((await stats()).tokensIssued).toBe(before.tokensIssued)
  })

  test('selfCheck is for owners only: 1004 for a consumer and for an admin granted in the console', async () => {
    expect((await person(stack, 'alice').fn('merchant', { action: 'selfCheck' })).errcode).toBe(1004)
    const granted = await person(stack, 'carol').fn('merchant', {
      action: 'staffSet',
      openid: person(stack, 'bob').mpOpenid,
      role: 'admin',
    })
    expect(granted.errcode).toBe(0)
    expect((await person(stack, 'bob').fn('merchant', { action: 'overview' })).errcode).toBe(0)
    expect((await person(stack, 'bob').fn('merchant', { action: 'selfCheck' })).errcode).toBe(1004)
    const r = await doctor(stack, 'alice')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^refused by the merchant function: errcode 1004: /)
  })

  test('a function’s ping answers another function only, never the Mini Program', async () => {
    for (const fn of ['card', 'pay', 'cron', 'wxpush']) {
      const r = await person(stack, 'alice').fn(fn, { action: 'ping' })
      expect(r.errcode).toBe(1004)
      expect(r.missing).toBeUndefined()
    }
  })

  test('40164 on the token fetch: the access_token check fails with the IP whitelist advice', async () => {
    const fault = await person(stack, 'carol').emu('/__emu/faults', { path: 'cgi-bin/stable_token', errcode: 40164, times: 1 })
    expect(fault.status).toBe(200)
    const r = await doctor(stack, 'carol')
    expect(r.code).toBe(1)
    expect(r.out).toContain('自检：12 项正常，1 项需要处理。')
    expect(r.out).toMatch(
      /✘ 获取公众号 access_token（AppSecret 与 IP 白名单） \[accessToken\]\n {4}修复：服务器 IP 不在公众号的 IP 白名单中（errcode 40164）/,
    )
  })
})

describe('a stack whose functions hold a wrong WX_SA_SECRET and no WX_PAY_SUBMCH_ID', () => {
  let stack: Stack
  beforeAll(async () => {
    // WeChat (the emulator) keeps the right secret; the functions get another one. No seed: it would need WeChat.
    const right = 'dcb6ac48968473a8c2cdbc8a86bc61a2'
    stack = await startStack({
      inMemory: true,
      preview: false,
      timers: false,
      seed: false,
      env: {
        WXEMU_PORT: '0',
        CLOUD_PORT: '0',
        WXEMU_SA_SECRET: right,
        WX_SA_SECRET: 'not-the-secret-0000000000000000',
        WX_PAY_SUBMCH_ID: '',
      },
    })
  })
  afterAll(() => stack.stop())

  test('doctor names the failing checks, with the fix for each, and exits 1', async () => {
    const r = await doctor(stack, 'carol')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(
      /✘ 获取公众号 access_token（AppSecret 与 IP 白名单） \[accessToken\]\n {4}修复：WX_SA_SECRET 与公众号的 AppSecret 不符（errcode 40125）/,
    )
    expect(r.out).toMatch(/✘ 卡券 api_ticket（wx_card，签 card_ext 所需） \[cardTicket\]\n {4}修复：WX_SA_SECRET 与公众号的 AppSecret 不符/)
    const checks = byName(JSON.parse((await doctor(stack, 'carol', ['--json'])).out).checks as Json[])
    // Each function's own variables, asked through its ping: those that pay by Cloud Pay lack the sub-merchant.
    for (const fn of ['pay', 'member', 'merchant', 'cron'])
      expect(checks[`env:${fn}`]).toMatchObject({ ok: false, detail: '缺少 WX_PAY_SUBMCH_ID' })
    for (const fn of ['card', 'gift', 'wxpush']) expect(checks[`env:${fn}`].ok).toBe(true)
    expect(checks['env:pay'].advice).toContain('云函数 pay 缺少环境变量 WX_PAY_SUBMCH_ID')
    expect(checks.subMchId).toMatchObject({ ok: false, detail: '未设置' })
    expect(checks.cron).toMatchObject({ ok: false, detail: '从未运行' })
    expect(checks.push).toMatchObject({ ok: false, detail: '还没有收到过' })
    expect(checks.indexes.ok).toBe(true)
  })
})
