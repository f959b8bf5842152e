// wxpush answers WeChat within the 5 s WeChat waits (reference README "Events"), even when the push
// lands on a cold function (no instance yet: the instance starts and loads the bundle with
// wx-server-sdk first) and processing would take far longer (here WeChat's API never answers): the
// push is verified and stored, the reply goes out within its 2 s budget, and the cron processes the
// stored event later.
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { readCloudbaserc, runSettings } from '../../scripts/deploy/cloudbaserc'
import { FUNCTIONS_DIR, stackEnv } from '../helpers/cloud'
import { createHash } from 'node:crypto'

const TOKEN = stackEnv.WX_PUSH_TOKEN!
const sha1 = (parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')
/** WeChat's wait for the reply to a push. */
const WECHAT_WAITS_MS = 5000

let cloud: LocalCloud
let silentWechat: Server
const sockets = new Set<Socket>()

beforeAll(async () => {
  // A WeChat API that accepts connections and never answers.
  silentWechat = createServer(() => undefined)
  silentWechat.on('connection', (s) => sockets.add(s))
  await new Promise<void>((r) => silentWechat.listen(0, '127.0.0.1', r))
  const { port } = silentWechat.address() as { port: number }
  cloud = await startLocalCloud({
    functionsDir: FUNCTIONS_DIR,
    dataDir: null,
    mpAppid: stackEnv.WX_MP_APPID!,
    port: 0,
    env: { ...stackEnv, WX_PUSH_MODE: 'plain', WX_API_BASE: `http://127.0.0.1:${port}` },
    // No prewarm: the first push starts wxpush's first instance.
  })
})
afterAll(async () => {
  await cloud.stop()
  for (const s of sockets) s.destroy()
  await new Promise((r) => silentWechat.close(r))
})

test('wxpush is given no more than WeChat waits', () => {
  expect(runSettings(readCloudbaserc(), 'wxpush').timeout * 1000).toBeLessThanOrEqual(WECHAT_WAITS_MS)
})

test('a push on a cold start is acknowledged within WeChat’s 5 s although processing cannot finish; the event is stored for the cron', async () => {
  expect(cloud.runtime.instanceCount('wxpush')).toBe(0)
  const ts = String(Math.floor(Date.now() / 1000))
  const q = new URLSearchParams({ signature: sha1([TOKEN, ts, 'cold1']), timestamp: ts, nonce: 'cold1', openid: 'oSA1' })
  const body =
    '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oSA1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[giftcard_pay_done]]></Event><PageId><![CDATA[pg]]></PageId><OrderId><![CDATA[COLD-1]]></OrderId></xml>'
  const t0 = performance.now()
  const res = await fetch(`${cloud.url}/wxpush?${q}`, { method: 'POST', body })
  const elapsed = performance.now() - t0
  expect({ status: res.status, text: await res.text() }).toEqual({ status: 200, text: '<xml>ok</xml>' })
  expect(elapsed).toBeLessThan(WECHAT_WAITS_MS)
  expect(cloud.runtime.instanceCount('wxpush')).toBe(1)
  const stored = (await cloud.db.collection('events').where({ 'event.OrderId': 'COLD-1' }).get()).data
  expect(stored).toEqual([expect.objectContaining({ processed: false })])
})
