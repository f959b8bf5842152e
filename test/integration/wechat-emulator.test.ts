// The product's WeChat client and push receiver against the emulator, in one local stack.
import type { Stack } from '../../emulator/stack'
import { startStack } from '../../emulator/stack'
import { buildCardExt } from '../../server/wechat/card-ext'
import type { CardCreateRequest } from '../../server/wechat/card'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { WxApiError } from '../../server/wechat/errors'
import example from '../fixtures/giftcard-create.example.json'
import { until } from '../helpers/emulator'
import type { Json } from '../helpers/stack'
import { memoryStore } from '../helpers/store'

let stack: Stack
const client = async (store?: Awaited<ReturnType<typeof memoryStore>>): Promise<WechatClient> =>
  createWechatClient({
    store: store ?? (await memoryStore()),
    appid: stack.env.WX_SA_APPID!,
    secret: stack.env.WX_SA_SECRET!,
    apiBase: stack.wechat.url,
    retry: { baseMs: 5, maxMs: 20 },
  })

function card(): CardCreateRequest {
  const c = JSON.parse(JSON.stringify(example)) as CardCreateRequest & { card: { general_card: { base_info: { date_info: unknown } } } }
  const now = Math.floor(Date.now() / 1000)
  c.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now - 60,
    end_timestamp: now + 86400 * 365,
  }
  return c
}

const emu = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.wechat.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Json }
}

beforeAll(async () => {
  stack = await startStack({
    inMemory: true,
    preview: false,
    timers: false,
    env: { WXEMU_PORT: '0', CLOUD_PORT: '0', WX_PUSH_MODE: 'safe' },
  })
})
afterAll(() => stack.stop())

test('1000 concurrent callers across 4 instances → one token fetch at the emulator', async () => {
  const store = await memoryStore()
  const before = (await emu('GET', '/__emu/stats')).json.tokenFetches as number
  const instances = await Promise.all([1, 2, 3, 4].map(() => client(store)))
  const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => instances[i % 4]!.accessToken.get()))
  expect(new Set(tokens).size).toBe(1)
  expect((await emu('GET', '/__emu/stats')).json.tokenFetches).toBe(before + 1)
})

test('a card created from the document’s example, its cardExt signed by the product, added through addCard; safe-mode pushes all acknowledged', async () => {
  const wx = await client()
  const { card_id } = await wx.card.create(card())
  const ext = buildCardExt({ apiTicket: await wx.cardTicket.get(), cardId: card_id, outerStr: 'test' })
  const added = await emu('POST', '/__emu/client/addCard', { user: 'alice', cardList: [{ cardId: card_id, cardExt: ext.cardExt }] })
  expect(added.status).toBe(200)
  const { code } = await wx.code.decrypt(added.json.cardList[0].code)
  expect((await wx.code.get({ card_id, code })).user_card_status).toBe('NORMAL')
  await wx.memberCard.generalCardUpdateUser({ card_id, code, balance: 10000, record_balance: '开卡' })
  expect((await emu('GET', '/__emu/bag/alice')).json.cards).toEqual([expect.objectContaining({ cardId: card_id, code, balance: 10000 })])

  await until(async () => (await emu('GET', '/__emu/pushes?status=pending')).json.pushes.length === 0, 'pushes to settle')
  const pushes = (await emu('GET', '/__emu/pushes')).json.pushes as { event: string; status: string; attempts: number }[]
  expect(pushes.map((p) => p.event)).toEqual(expect.arrayContaining(['card_pass_check', 'user_get_card']))
  expect(pushes.filter((p) => p.status !== 'delivered')).toEqual([])
  const stored = await stack.cloud.db.collection('events').where({ 'event.Event': 'user_get_card', 'event.UserCardCode': code }).get()
  expect(stored.data).toHaveLength(1)
})

test('injected faults reach the client as the documented errcode; -1 is retried through', async () => {
  const wx = await client()
  const { card_id } = await wx.card.create(card())
  await emu('POST', '/__emu/faults', { path: 'card/get', errcode: 40073, times: 1 })
  const err = await wx.card.get(card_id).catch((e) => e)
  expect(err).toBeInstanceOf(WxApiError)
  expect(err).toMatchObject({ errcode: 40073, endpoint: 'card/get' })
  await emu('POST', '/__emu/faults', { path: 'card/get', errcode: -1, times: 2 })
  expect((await wx.card.get(card_id)).card).toBeTruthy()
  await emu('POST', '/__emu/faults', { path: 'card/get', errcode: 40001, times: 1 })
  const before = (await emu('GET', '/__emu/stats')).json.tokenFetches as number
  expect((await wx.card.get(card_id)).card).toBeTruthy()
  // The client treated 40001 as a dead token: expired it (it was still the stored one) and fetched anew.
  expect((await emu('GET', '/__emu/stats')).json.tokenFetches).toBe(before + 1)
})

test('another server of the Service Account fetching cgi-bin/token leaves the functions’ token working, and theirs', async () => {
  const wx = await client()
  await wx.card.batchGet({ offset: 0, count: 10 })
  const issued = (await emu('GET', '/__emu/stats')).json.tokensIssued as number
  // The merchant's menu or CRM server fetches its token twice, as such servers do: each fetch retires the one
  // before it (5 minutes on). The product's token is a stable_token, kept apart from theirs.
  const plain = async () =>
    (await emu('GET', `/cgi-bin/token?grant_type=client_credential&appid=${stack.env.WX_SA_APPID}&secret=${stack.env.WX_SA_SECRET}`)).json
      .access_token as string
  await plain()
  const theirs = await plain()
  await emu('POST', '/__emu/clock', { advanceSeconds: 301 })
  expect((await wx.card.batchGet({ offset: 0, count: 10 })).total_num).toBeGreaterThan(0)
  // Nothing was fetched anew for the functions (a cgi-bin/token of their own would have been retired, 40001,
  // and its replacement would in turn have retired the other server's).
  expect((await emu('GET', '/__emu/stats')).json.tokensIssued).toBe(issued + 2)
  expect((await emu('POST', `/card/batchget?access_token=${theirs}`, { offset: 0, count: 10 })).json.errcode).toBe(0)
})

test('a token expired on the emulated clock is refreshed by the client without the caller noticing', async () => {
  const wx = await client()
  await wx.card.batchGet({ offset: 0, count: 10 })
  await emu('POST', '/__emu/clock', { advanceSeconds: 7200 })
  // The stored token's expiry is on the real clock; the emulator now answers 42001 for it.
  expect((await wx.card.batchGet({ offset: 0, count: 10 })).total_num).toBeGreaterThan(0)
})
