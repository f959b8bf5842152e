import { h5Cdn, h5Transport } from './h5-bridge'

const realFetch = globalThis.fetch
afterEach(() => {
  globalThis.fetch = realFetch
})

/** What fetch answers here: only what the bridge reads of a response. */
const answer = (json: unknown, blob?: Blob) =>
  ({ ok: true, status: 200, json: async () => json, text: async () => JSON.stringify(json), blob: async () => blob }) as unknown as Response

test('a field marked with wx.cloud.CDN goes to the temporary CDN first and is sent as its URL; the others as they are', async () => {
  const picture = new Blob(['picture bytes'])
  const sent: { url: string; body: unknown }[] = []
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    sent.push({ url, body: init?.body })
    if (url === 'blob:picked') return answer(undefined, picture)
    if (url === '/__preview/cdn') return answer({ url: 'http://127.0.0.1:9602/__cloud/cdn/abc' })
    return answer({ errcode: 0, url: 'http://127.0.0.1:9601/__emu/cdn/x.png' })
  }) as typeof fetch
  const reply = await h5Transport('merchant', {
    action: 'imageUpload',
    name: 'face.png',
    contentUrl: h5Cdn({ type: 'filePath', filePath: 'blob:picked' }),
  })
  expect(reply).toEqual({ errcode: 0, url: 'http://127.0.0.1:9601/__emu/cdn/x.png' })
  expect(sent.map((s) => s.url)).toEqual(['blob:picked', '/__preview/cdn', '/__preview/fn/merchant'])
  expect(sent[1]!.body).toBe(picture)
  expect(JSON.parse(String(sent[2]!.body))).toEqual({
    action: 'imageUpload',
    name: 'face.png',
    contentUrl: 'http://127.0.0.1:9602/__cloud/cdn/abc',
  })
})
