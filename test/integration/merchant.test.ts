// Merchant operations on a whole local stack, through the merchant function and its CLI.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { ROOT } from '../helpers/cloud'
import { until } from '../helpers/emulator'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)
// Run asynchronously: the local cloud the CLI talks to lives in this process.
const cli = (...args: string[]) =>
  new Promise<{ status: number; json: Json; stderr: string; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/merchant-cli.ts', ...args, '--url', stack.cloud.url, '--json'],
      { cwd: ROOT, timeout: 30000 },
      (err, stdout, stderr) => {
        const status = err ? ((err as { code?: number }).code ?? 1) : 0
        resolve({ status, json: stdout.trim().startsWith('{') ? (JSON.parse(stdout) as Json) : {}, stderr, stdout })
      },
    )
  })

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_PUSH_RETRY_MS: '20' })
})
afterAll(() => stack.stop())

test('the CLI creates the document’s example card and a shelf, and prints the shelf link', async () => {
  // The document's example expired in 2016 and costs 0.01 yuan for 100: the CLI warns, and creates it only with --yes.
  const refused = await cli('card', 'create', '--file', 'test/fixtures/giftcard-create.example.json')
  expect(refused.status).toBe(1)
  expect(refused.stderr).toContain('created already expired')
  expect(refused.stderr).toContain('not created')
  const created = await cli('card', 'create', '--file', 'test/fixtures/giftcard-create.example.json', '--yes')
  expect(created.stderr).toContain('less than half of init_balance')
  expect(created.json).toMatchObject({ errcode: 0, cardId: expect.stringMatching(/^p/) })
  const dir = mkdtempSync(join(tmpdir(), 'shelf-'))
  const page = {
    page: {
      page_title: '心意卡',
      banner_pic_url: 'https://mmbiz.qpic.cn/banner',
      category_list: [{ title: '生日' }],
      theme_list: [
        {
          theme_pic_url: 'https://mmbiz.qpic.cn/t',
          title: '生日快乐',
          title_color: '#FB966E',
          category_index: 0,
          item_list: [{ card_id: created.json.cardId, title: '心意卡' }],
          pic_item_list: [{ background_pic_url: 'https://mmbiz.qpic.cn/f', default_gifting_msg: '生日快乐' }],
        },
      ],
      // gift-card-api §7.2 marks these "yes": the refund and invoice entries a shelf must offer.
      address: '广州市海珠区222号',
      service_phone: '020-12345678',
      biz_description: '退款指引',
      cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
      cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
    },
  }
  writeFileSync(join(dir, 'page.json'), JSON.stringify(page))
  const shelf = await cli('shelf', 'create', '--file', join(dir, 'page.json'), '--outer-str', 'menu')
  expect(shelf.json).toMatchObject({ errcode: 0 })
  expect(shelf.json.link).toBe(
    `https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=${encodeURIComponent(shelf.json.pageId)}&outer_str=menu#wechat_redirect`,
  )
  expect((await cli('shelf', 'list')).json.shelves.map((s: Json) => s.pageId)).toContain(shelf.json.pageId)
  // A rule broken before anything is sent: category_index missing while categories exist.
  delete (page.page.theme_list[0] as Json).category_index
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(page))
  const bad = await cli('shelf', 'create', '--file', join(dir, 'bad.json'))
  expect(bad.status).toBe(1)
  expect(bad.stderr).toMatch(/^refused by the merchant function: errcode 1001: .*page\.theme_list\[0\]\.category_index is required/)
  expect((await cli('card', 'create', '--help')).stdout).toContain('--file')
  expect((await cli('card', 'create')).stderr).toContain('Missing required argument: file')
})

test('a hosted-shelf purchase by bob appears in the order list with its cards; a refund takes it out of his bag and views', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const bob = person(stack, 'bob')
  const card100 = await bob.shopCardId(10000)
  const buy = await bob.emu('/__emu/giftcard/buy', {
    user: 'bob',
    pageId: shelf!.pageId,
    items: [{ cardId: card100, backgroundPicUrl: 'https://mmbiz.qpic.cn/mmbiz/demo-face-red/0', message: '给自己' }],
    forSelf: true,
  })
  expect(buy.status).toBe(200)
  const orderId = buy.json.order.order_id as string
  await settle(stack)
  const list = await merchant({ action: 'orderList' })
  expect(list.orders).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ orderId, totalPrice: 10000, cards: [expect.objectContaining({ cardId: card100, price: 10000 })] }),
    ]),
  )
  const code = buy.json.order.card_list[0].code as string
  expect((await bob.fn('card', { action: 'listMine' })).cards).toEqual(
    expect.arrayContaining([expect.objectContaining({ code, balance: 10000 })]),
  )
  expect((await merchant({ action: 'orderGet', orderId })).cards).toEqual([
    expect.objectContaining({ code, status: 'NORMAL', balance: 10000 }),
  ])

  expect((await merchant({ action: 'orderRefund', orderId })).status).toBe('REFUNDED')
  expect((await bob.bag()).map((c) => c.code)).not.toContain(code)
  expect(((await bob.fn('card', { action: 'listMine' })).cards as Json[]).map((c) => c.code)).not.toContain(code)
  expect((await merchant({ action: 'orderGet', orderId })).cards).toEqual([expect.objectContaining({ code, status: 'DELETE', balance: 0 })])
})

test('pushes dropped by /__emu/faults: the cron still records every order, exactly once', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const bob = person(stack, 'bob')
  const card500 = await bob.shopCardId(50000)
  await bob.emu('/__emu/faults', { path: 'push:giftcard_pay_done', times: 1000 })
  const ids: string[] = []
  for (let i = 0; i < 3; i++)
    ids.push(
      (await bob.emu('/__emu/giftcard/buy', { user: 'bob', pageId: shelf!.pageId, items: [{ cardId: card500 }], forSelf: true })).json.order
        .order_id,
    )
  await until(
    async () =>
      ((await bob.emu('/__emu/pushes?status=failed')).json.pushes as Json[]).filter((p) => p.event === 'giftcard_pay_done').length >= 3,
    'the dropped pushes to give up',
    15000,
  )
  const before = (await merchant({ action: 'orderList', limit: 100 })).orders as Json[]
  expect(before.filter((o) => ids.includes(o.orderId))).toEqual([])
  await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })
  await fetch(`${stack.cloud.url}/__cloud/trigger/cron`, { method: 'POST' })
  const after = (await merchant({ action: 'orderList', limit: 100 })).orders as Json[]
  for (const id of ids) expect(after.filter((o) => o.orderId === id)).toHaveLength(1)
  await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
})

test('anyone not in MERCHANT_ADMIN_OPENIDS is refused', async () => {
  for (const action of ['overview', 'orderList', 'cardCreate', 'orderRefund']) {
    expect((await person(stack, 'alice').fn('merchant', { action })).errcode).toBe(1004)
  }
  const notAdmin = await cli('overview', '--openid', 'oNotAnAdmin')
  expect(notAdmin.status).toBe(1)
  expect(notAdmin.stderr).toMatch(/^refused by the merchant function: errcode 1004: /)
})

test('invoices: pay merchant and auth fields set and read back', async () => {
  const set = await merchant({
    action: 'invoiceSet',
    paymch: { mchid: '1234567', s_pappid: 'wxabcd1234efgh5678' },
    authField: { user_field: { show_title: 1, show_phone: 1 }, biz_field: { show_title: 1, show_tax_no: 1 } },
  })
  expect(set).toMatchObject({ errcode: 0, paymch: { mchid: '1234567' }, authField: { user_field: { show_title: 1 } } })
})

test('user_authorize_invoice: the authorization is fetched with getauthdata and kept on the order', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const bob = person(stack, 'bob')
  const card100 = await bob.shopCardId(10000)
  const orderId = (
    await bob.emu('/__emu/giftcard/buy', { user: 'bob', pageId: shelf!.pageId, items: [{ cardId: card100 }], forSelf: true })
  ).json.order.order_id as string
  await settle(stack)
  expect((await bob.emu('/__emu/client/authorizeInvoice', { user: 'bob', orderId, title: '示例公司' })).status).toBe(200)
  await settle(stack)
  const o = await merchant({ action: 'orderGet', orderId })
  expect(o.state).toBe('INVOICE_AUTHORIZED')
  // The buyer by alias, never an openid (#28).
  expect(o.order.open_id).toMatch(/^顾客·[0-9A-F]{4}$/)
  expect(o.invoice).toMatchObject({ invoice_status: 'auth success', user_auth_info: { user_field: { title: '示例公司' } } })
})

test('a merchant adjustment is one ledger entry, once per key, and reaches the card bag', async () => {
  const bob = person(stack, 'bob')
  const card100 = await bob.shopCardId(10000)
  const { card } = await bob.buyAndAdd(card100)
  const adjust = { action: 'cardAdjust', cardId: card.cardId, code: card.code, amount: 500, key: 'GOODWILL-1', reason: '补偿5元' }
  expect((await merchant(adjust)).balance).toBe(10500)
  expect((await merchant(adjust)).balance).toBe(10500)
  expect((await merchant({ ...adjust, amount: 600 })).errcode).toBe(1006)
  await settle(stack)
  expect((await bob.bag()).find((c) => c.code === card.code)?.balance).toBe(10500)
  const detail = await bob.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })
  expect(detail.history[0]).toMatchObject({ kind: 'adjust', amount: 500, balanceAfter: 10500, description: '补偿5元' })
})

test('cards recorded from a shelf order (here sent to a friend, so no user_get_card yet) are funded and not left in the sync queue', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const bob = person(stack, 'bob')
  const card100 = await bob.shopCardId(10000)
  const order = (
    await bob.emu('/__emu/giftcard/buy', { user: 'bob', pageId: shelf!.pageId, items: [{ cardId: card100 }], toChatRoom: false })
  ).json.order
  await settle(stack)
  const id = `${card100}:${order.card_list[0].code}`
  const doc = (await stack.cloud.db.collection('user_cards').doc(id).get()).data
  expect(doc).toMatchObject({ status: 'GIFTING', balance: 10000, funded: true, dirty: false, version: 1, syncedVersion: 1 })
  // Refunded: zero, DELETE, and still nothing for the sync queue.
  await merchant({ action: 'orderRefund', orderId: order.order_id })
  expect((await stack.cloud.db.collection('user_cards').doc(id).get()).data).toMatchObject({ status: 'DELETE', balance: 0, dirty: false })
})

test('the demo shelf carries what §7.2 requires, its refund and invoice cells open the order page; the jump shows the order to its buyer only', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const { page } = await merchant({ action: 'shelfGet', pageId: shelf!.pageId })
  expect(page).toMatchObject({
    support_buy_for_self: true,
    address: expect.any(String),
    service_phone: expect.any(String),
    biz_description: expect.stringContaining('退款'),
  })
  expect(page.cell_1).toEqual({ title: '申请退款', url: expect.stringMatching(/\/#\/pages\/order\/index$/) })
  expect(page.cell_2).toEqual({ title: '申请发票', url: page.cell_1.url })
  expect(page.theme_list[0].title_color).toMatch(/^#/)

  const bob = person(stack, 'bob')
  await bob.fn('card', { action: 'listMine' }) // the Mini Program learns bob's unionid, as on any first visit
  const card100 = await bob.shopCardId(10000)
  const orderId = (
    await bob.emu('/__emu/giftcard/buy', { user: 'bob', pageId: shelf!.pageId, items: [{ cardId: card100 }], forSelf: true })
  ).json.order.order_id as string
  await settle(stack)
  // §14.2: "the jump brings in order_id and openid in the GET parameter"
  const jump = new URL((await bob.emu('/__emu/giftcard/cell', { user: 'bob', orderId, cell: 1 })).json.url as string)
  expect(jump.searchParams.get('order_id')).toBe(orderId)
  expect(jump.searchParams.get('openid')).toBe(bob.saOpenid)
  expect(jump.hash).toBe('#/pages/order/index')
  const shown = await bob.fn('card', {
    action: 'shelfOrder',
    orderId: jump.searchParams.get('order_id'),
    openid: jump.searchParams.get('openid'),
  })
  expect(shown).toMatchObject({
    errcode: 0,
    order: {
      orderId,
      state: 'ACCEPTED',
      totalPrice: 10000,
      cards: [expect.objectContaining({ cardId: card100, price: 10000, balance: 10000 })],
    },
  })
  // Someone else with the same link sees nothing: the caller is checked, not the openid in the URL.
  expect((await person(stack, 'alice').fn('card', { action: 'shelfOrder', orderId, openid: bob.saOpenid })).errcode).toBe(1005)
})

test('a shelf order a friend accepts: no user_get_card comes (§10.3), the card still reaches its new holder', async () => {
  const [shelf] = (await merchant({ action: 'shelfList' })).shelves as Json[]
  const bob = person(stack, 'bob')
  const alice = person(stack, 'alice')
  const card100 = await bob.shopCardId(10000)
  const order = (
    await bob.emu('/__emu/giftcard/buy', { user: 'bob', pageId: shelf!.pageId, items: [{ cardId: card100 }], toChatRoom: true })
  ).json.order
  await settle(stack)
  expect((await bob.emu('/__emu/giftcard/accept', { user: 'alice', orderId: order.order_id })).status).toBe(200)
  await settle(stack)
  const id = `${card100}:${order.card_list[0].code}`
  expect((await stack.cloud.db.collection('user_cards').doc(id).get()).data).toMatchObject({ status: 'NORMAL', saOpenid: alice.saOpenid })
  expect((await merchant({ action: 'orderGet', orderId: order.order_id })).state).toBe('ACCEPTED')
})

test('pay whitelist sends sub_mch_id (§8.1.1) from the CLI', async () => {
  const r = await cli('pay', 'whitelist', '--sub-mch-id', '1900015421')
  expect(r.json).toMatchObject({ errcode: 0, url: expect.stringMatching(/^https:\/\/pay\.weixin\.qq\.com\//) })
  expect(stack.wechat.platform.s.payWhitelist).toHaveProperty('1900015421')
})

describe('refusals only the merchant can fix are turned into what to do', () => {
  afterEach(async () => {
    await fetch(`${stack.wechat.url}/__emu/faults`, { method: 'DELETE' })
    await fetch(`${stack.wechat.url}/__emu/retired`, { method: 'POST', body: JSON.stringify({ apis: [] }) })
  })

  test('45103: a retired API', async () => {
    await fetch(`${stack.wechat.url}/__emu/retired`, { method: 'POST', body: JSON.stringify({ apis: ['card/giftcard/page/batchget'] }) })
    const r = await merchant({ action: 'shelfList' })
    expect(r).toMatchObject({ errcode: 1502, wxErrcode: 45103 })
    expect(r.errmsg).toMatch(/微信已停止提供接口 card\/giftcard\/page\/batchget（errcode 45103）/)
    expect(r.errmsg).toMatch(/请改用/)
  })

  test.each([
    [40164, /IP 白名单.*添加云函数的出口 IP/],
    [48001, /没有调用 card\/giftcard\/page\/batchget 的权限.*开通卡券功能和礼品卡权限/],
  ])('%s', async (errcode, advice) => {
    await fetch(`${stack.wechat.url}/__emu/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: 'card/giftcard/page/batchget', errcode, times: 1 }),
    })
    const r = await merchant({ action: 'shelfList' })
    expect(r).toMatchObject({ errcode: 1502, wxErrcode: errcode })
    expect(r.errmsg).toMatch(advice)
  })
})
