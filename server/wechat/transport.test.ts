// The transport against a stand-in for WeChat's HTTP answers (WeChat is outside the process).
import { WxApiError, WxTransportError } from './errors'
import { WxTransport, type TokenSource } from './transport'

type Answer = { status?: number; json?: unknown; text?: string; throws?: Error }

function fakeWeChat(answers: Answer[]) {
  const seen: { url: URL; body?: string }[] = []
  const fetchFn = (async (url: URL, init?: RequestInit) => {
    seen.push({ url: new URL(url), body: init?.body as string | undefined })
    const a = answers.shift() ?? { json: { errcode: 0 } }
    if (a.throws) throw a.throws
    return new Response(a.text ?? JSON.stringify(a.json), { status: a.status ?? 200 })
  }) as unknown as typeof fetch
  return { fetchFn, seen }
}

function tokens(values: string[]) {
  const invalidated: string[] = []
  let current = values.shift()!
  const src: TokenSource = {
    get: async () => current,
    invalidate: async (v) => {
      invalidated.push(v)
      if (v === current) current = values.shift() ?? current
      return true
    },
  }
  return { src, invalidated }
}

const sleeps: number[] = []
const opts = (fetchFn: typeof fetch, src?: TokenSource) =>
  new WxTransport({
    apiBase: 'https://wx.test/',
    fetch: fetchFn,
    tokens: src,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.999,
  })

beforeEach(() => (sleeps.length = 0))

test('adds the access_token and query, sends JSON, returns the reply', async () => {
  const { fetchFn, seen } = fakeWeChat([{ json: { errcode: 0, errmsg: 'ok', card_id: 'p1' } }])
  const t = opts(fetchFn, tokens(['T1']).src)
  const r = await t.call<{ card_id: string }>('card/create', { body: { card: { x: '中' } } })
  expect(r.card_id).toBe('p1')
  expect(seen[0]!.url.pathname).toBe('/card/create')
  expect(seen[0]!.url.searchParams.get('access_token')).toBe('T1')
  expect(seen[0]!.body).toBe('{"card":{"x":"中"}}')
})

test('a non-zero errcode becomes a WxApiError with errcode, errmsg and endpoint', async () => {
  const { fetchFn } = fakeWeChat([{ json: { errcode: 40056, errmsg: 'invalid serial code' } }])
  const err = await opts(fetchFn, tokens(['T1']).src)
    .call('card/code/get', { body: {} })
    .catch((e) => e)
  expect(err).toBeInstanceOf(WxApiError)
  expect(err).toMatchObject({ endpoint: 'card/code/get', errcode: 40056, errmsg: 'invalid serial code' })
})

test.each([40001, 40014, 42001])('errcode %i: compare-and-expire the failed token, retry once with the new one', async (code) => {
  const { fetchFn, seen } = fakeWeChat([{ json: { errcode: code, errmsg: 'invalid credential' } }, { json: { errcode: 0, ok: 1 } }])
  const tk = tokens(['OLD', 'NEW'])
  await opts(fetchFn, tk.src).call('card/get', { body: {} })
  expect(tk.invalidated).toEqual(['OLD'])
  expect(seen.map((s) => s.url.searchParams.get('access_token'))).toEqual(['OLD', 'NEW'])
})

test('a second token error is not retried again', async () => {
  const { fetchFn, seen } = fakeWeChat([{ json: { errcode: 40001 } }, { json: { errcode: 40001 } }])
  await expect(opts(fetchFn, tokens(['A', 'B', 'C']).src).call('card/get', { body: {} })).rejects.toMatchObject({ errcode: 40001 })
  expect(seen).toHaveLength(2)
})

test('-1 is retried with bounded, jittered exponential backoff, then reported', async () => {
  const { fetchFn, seen } = fakeWeChat(Array.from({ length: 5 }, () => ({ json: { errcode: -1, errmsg: 'system error' } })))
  await expect(opts(fetchFn, tokens(['T']).src).call('card/generalcard/updateuser', { body: {} })).rejects.toMatchObject({ errcode: -1 })
  expect(seen).toHaveLength(4)
  expect(sleeps).toEqual([199, 399, 799])
})

test('-1 then success', async () => {
  const { fetchFn } = fakeWeChat([{ json: { errcode: -1 } }, { json: { errcode: 0, v: 2 } }])
  expect(await opts(fetchFn, tokens(['T']).src).call<{ v: number }>('card/code/consume', { body: {} })).toMatchObject({ v: 2 })
})

test('network errors are retried for idempotent calls only', async () => {
  const down = () => ({ throws: new TypeError('fetch failed') })
  const a = fakeWeChat([down(), { json: { errcode: 0 } }])
  await opts(a.fetchFn, tokens(['T']).src).call('card/code/get', { body: {}, idempotent: true })
  expect(a.seen).toHaveLength(2)
  const b = fakeWeChat([down(), { json: { errcode: 0 } }])
  await expect(opts(b.fetchFn, tokens(['T']).src).call('card/modifystock', { body: {} })).rejects.toBeInstanceOf(WxTransportError)
  expect(b.seen).toHaveLength(1)
})

test('an answer that is not JSON is a transport error naming the endpoint', async () => {
  const { fetchFn } = fakeWeChat([
    { status: 502, text: '<html>bad gateway</html>' },
    { status: 502, text: 'x' },
    { status: 502, text: 'x' },
    { status: 502, text: 'x' },
  ])
  await expect(opts(fetchFn, tokens(['T']).src).call('card/get', { body: {}, idempotent: true })).rejects.toThrow(/card\/get: HTTP 502/)
})
