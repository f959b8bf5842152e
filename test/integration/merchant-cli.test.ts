// The merchant CLI (scripts/merchant/cli.ts) against a whole local stack: help for every command,
// --flag=value, completion, yuan amounts, refusals told apart from connection problems, warnings before
// an expired or underpriced card, CSV exports with a header row, and the generic call.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { httpCaller } from '../../scripts/merchant/call'
import { buildCli } from '../../scripts/merchant/cli'
import { RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import { person, startJourneyStack } from '../helpers/stack'

let stack: Stack
let card100: string

beforeAll(async () => {
  stack = await startJourneyStack()
  card100 = await person(stack, 'alice').shopCardId(10000)
})
afterAll(() => stack.stop())

async function cli(args: string[], opts: { url?: string; confirm?: boolean } = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await buildCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), confirm: async () => opts.confirm ?? false }, () =>
    httpCaller(opts.url ?? stack.cloud.url, person(stack, 'carol').mpOpenid),
  ).run()
  return { code, out: out.join('\n'), err: err.join('\n') }
}

test('help for the program, a group (its subcommands) and a subcommand (its flags)', async () => {
  const top = await cli(['--help'])
  expect(top.code).toBe(0)
  for (const c of ['card', 'shelf', 'order', 'export <what>', 'call <action>', 'completion'])
    expect(top.out).toContain(`npm run merchant -- ${c}`)
  const group = await cli(['card'])
  expect(group.code).toBe(2)
  expect(group.err).toContain('npm run merchant -- card adjust')
  expect(group.err).toContain('name a subcommand')
  const sub = await cli(['card', 'adjust', '--help'])
  expect(sub.out).toMatch(/--amount +yuan, e\.g\. 12\.50/)
  const missing = await cli(['card', 'adjust', '--card-id=p'])
  expect(missing.code).toBe(2)
  expect(missing.err).toContain('Missing required arguments: code, amount, key, reason')
})

test('completion lists commands and subcommands', async () => {
  expect((await cli(['--get-yargs-completions', ''])).out.split('\n')).toEqual(
    expect.arrayContaining(['card', 'shelf', 'order', 'export', 'call']),
  )
  expect((await cli(['--get-yargs-completions', 'order', ''])).out.split('\n')).toEqual(
    expect.arrayContaining(['list', 'get', 'refund', 'reconcile']),
  )
  expect((await cli(['completion'])).out).toContain('complete -o')
})

test('--flag=value, amounts in yuan both ways, --json in fen', async () => {
  const { card } = await person(stack, 'alice').buyAndAdd(card100)
  const r = await cli([
    'card',
    'adjust',
    `--card-id=${card.cardId}`,
    `--code=${card.code}`,
    '--amount=-12.50',
    '--key=cli-1',
    '--reason=补差',
  ])
  expect(r.code).toBe(0)
  expect(JSON.parse(r.out)).toMatchObject({ balance: '87.50' })
  const j = await cli(['card', 'lookup', '--code', card.code, '--json'])
  expect(JSON.parse(j.out).cards[0].balance).toBe(8750)
  const bad = await cli([
    'card',
    'adjust',
    `--card-id=${card.cardId}`,
    `--code=${card.code}`,
    '--amount=1.234',
    '--key=cli-2',
    '--reason=x',
  ])
  expect(bad.code).toBe(2)
  expect(bad.err).toContain('--amount must be an amount in yuan')
})

test('a refusal says errcode and errmsg; an unreachable cloud says so', async () => {
  const refused = await cli(['order', 'get', '--order-id=NOPE'])
  expect(refused.code).toBe(1)
  expect(refused.err).toMatch(/^refused by the merchant function: errcode 1005: /)
  const down = await cli(['overview'], { url: 'http://127.0.0.1:1' })
  expect(down.code).toBe(3)
  expect(down.err).toContain('cannot reach the local cloud at http://127.0.0.1:1')
})

test('creating an expired or underpriced card warns and asks first', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'card.json')
  writeFileSync(
    file,
    JSON.stringify({
      card: {
        card_type: 'GENERAL_CARD',
        general_card: {
          sub_card_type: 'GIFT_CARD',
          init_balance: 10000,
          base_info: {
            giftcard_info: { price: 1 },
            date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1397577600, end_timestamp: 1472724261 },
          },
        },
      },
    }),
  )
  const before = (await person(stack, 'carol').fn('merchant', { action: 'overview' })).cards
  const r = await cli(['card', 'create', `--file=${file}`])
  expect(r.code).toBe(1)
  expect(r.err).toContain('created already expired')
  expect(r.err).toContain('less than half of init_balance')
  expect(r.err).toContain('not created')
  expect((await person(stack, 'carol').fn('merchant', { action: 'overview' })).cards).toBe(before)
})

test('the README’s example card is valid today: created without a warning', async () => {
  const r = await cli(['card', 'create', '--file=docs/examples/giftcard-100.json'])
  expect(r.err).toBe('')
  expect(r.code).toBe(0)
  expect(JSON.parse(r.out).cardId).toMatch(/^p/)
})

test('exports: orders and ledger CSV with a header row; redemptions header only when none exist', async () => {
  const { orderId } = await person(stack, 'alice').buyAndAdd(card100)
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const orders = (await cli(['export', 'orders', `--since=${today}`])).out.split('\n')
  expect(orders[0]).toBe(
    '订单号,渠道,状态,实付（元）,退款（元）,买家,卡数,卡号,时间（北京时间 UTC+08:00）,卡片状态,订单原价（元）,优惠券抵扣（元）,礼品卡支付（元）',
  )
  expect(orders.find((l) => l.startsWith(`${orderId},`))).toMatch(new RegExp(`^${orderId},小程序,已支付,100\\.00,,顾客·[0-9A-F]{4},`))
  const ledger = (await cli(['export', 'ledger', '--since', today])).out.split('\n')
  expect(ledger[0]).toBe('流水号,卡片,类型,金额（元）,变动后余额（元）,订单号,说明,时间（北京时间 UTC+08:00）')
  expect(ledger.some((l) => l.includes(`,开卡,100.00,100.00,${orderId},礼品卡开卡,`))).toBe(true)
  expect((await cli(['export', 'redemptions', `--since=${today}`])).out).toBe('时间（北京时间 UTC+08:00）,店员,卡片,说明')
  expect((await cli(['export', 'orders', '--since=yesterday'])).code).toBe(2)
  expect((await cli(['export', 'refunds', `--since=${today}`])).code).toBe(2)
})

test('exports parse as CSV (csv-parse) with Beijing times (+08:00) that name the moment of the sale, Chinese words and no openid', async () => {
  const alice = person(stack, 'alice')
  const { orderId, card } = await alice.buyAndAdd(card100)
  const spent = await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 1234,
    orderId: `CSV-${card.code}`,
    description: '拿铁, 大杯 "热"',
  })
  expect(spent.errcode).toBe(0)
  const at = ((await person(stack, 'carol').fn('merchant', { action: 'orderDetail', orderId })).order as { at: number }).at
  const since = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const BEIJING = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/
  for (const what of ['orders', 'ledger'] as const) {
    const out = (await cli(['export', what, `--since=${since}`])).out
    // Every record has the header's number of fields, or csv-parse throws.
    const [header, ...rows] = parse(out) as string[][]
    const timeAt = header!.indexOf('时间（北京时间 UTC+08:00）')
    expect(timeAt).toBeGreaterThanOrEqual(0)
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r[timeAt]).toMatch(BEIJING)
    expect(out).not.toContain(alice.mpOpenid)
    expect(out).not.toMatch(/card issued|checkout cancelled|gifted to a friend/)
    if (what === 'orders') {
      const row = rows.find((r) => r[0] === orderId)!
      // The same moment: 15:32 in Beijing is 07:32 UTC.
      expect(Date.parse(row[timeAt]!)).toBe(Math.floor(at / 1000) * 1000)
      expect(row[timeAt]!.slice(11, 13)).toBe(String((new Date(at).getUTCHours() + 8) % 24).padStart(2, '0'))
      expect(row[9]).toBe('已领取')
    } else {
      const kinds = rows.filter((r) => r[5] === orderId || r[5] === `CSV-${card.code}`).map((r) => [r[2], r[3], r[6]])
      expect(kinds).toEqual(
        expect.arrayContaining([
          ['开卡', '100.00', '礼品卡开卡'],
          ['消费', '-12.34', '拿铁, 大杯 "热"'],
        ]),
      )
    }
  }
})

test('call reaches any merchant action with a JSON input', async () => {
  const r = await cli(['call', 'whoami', '--json'])
  expect(JSON.parse(r.out)).toMatchObject({ errcode: 0, role: 'admin' })
  const d = await cli(['call', 'dashboard', '--data={"days":1}'])
  expect(JSON.parse(d.out)).toMatchObject({ days: 1 })
  expect((await cli(['call', 'dashboard', '--data={days'])).code).toBe(2)
})

test('card create of an ordinary coupon prints the notice that WeChat creates them only for accounts that kept the permission', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coupon-'))
  const base = {
    logo_url: 'https://mmbiz.qpic.cn/mmbiz/logo/0',
    brand_name: '示例咖啡',
    code_type: 'CODE_TYPE_QRCODE',
    title: '满100减10',
    color: 'Color010',
    notice: '结账时出示',
    description: '不可与其他优惠同享',
    date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
    sku: { quantity: 100 },
  }
  writeFileSync(
    join(dir, 'cash.json'),
    JSON.stringify({ card: { card_type: 'CASH', cash: { least_cost: 10000, reduce_cost: 1000, base_info: base } } }),
  )
  const r = await cli(['card', 'create', '--file', join(dir, 'cash.json')])
  expect(r.err).toContain(`注意：${RETIRED_COUPONS_NOTICE}`)
  expect(r.code).toBe(0)
})

test('exports mask card codes to their last 4 unless an owner asks for --full-codes (issue 25 §3)', async () => {
  const { orderId, card } = await person(stack, 'alice').buyAndAdd(card100)
  const code = String(card.code)
  const masked = `${'*'.repeat(code.length - 4)}${code.slice(-4)}`
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const ledger = (await cli(['export', 'ledger', '--since', today])).out
  expect(ledger).not.toContain(code)
  expect(ledger).toContain(`${card.cardId}:${masked}`)
  const orders = (await cli(['export', 'orders', '--since', today])).out
  expect(orders).toContain(`${orderId},`)
  expect(orders).not.toContain(code)
  const full = await cli(['export', 'ledger', '--since', today, '--full-codes'])
  expect(full.code).toBe(0)
  expect(full.out).toContain(`${card.cardId}:${code}`)
  // Owners are those of MERCHANT_ADMIN_OPENIDS: an admin granted in the console is not one.
  const carol = person(stack, 'carol')
  const bob = person(stack, 'bob')
  expect(await carol.fn('merchant', { action: 'whoami' })).toMatchObject({ role: 'admin', owner: true })
  await carol.fn('merchant', { action: 'staffSet', openid: bob.mpOpenid, role: 'admin' })
  expect(await bob.fn('merchant', { action: 'whoami' })).toMatchObject({ role: 'admin', owner: false })
  await carol.fn('merchant', { action: 'staffSet', openid: bob.mpOpenid, role: null })
})
