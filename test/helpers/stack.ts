// A whole local stack (emulator + local cloud + seeded demo merchant) for journey tests, with helpers
// that act as a person does: through the functions, as the Mini Program would, and through WeChat's
// client side in the emulator.
import { createHash, randomBytes } from 'node:crypto'
import { startStack, type Stack } from '../../emulator/stack'
import { PushCrypto } from '../../server/wechat/push-crypto'
import { createWechatClient } from '../../server/wechat/client'
import type { Store } from '../../server/store/port'

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export async function startJourneyStack(env: Record<string, string> = {}): Promise<Stack> {
  return startStack({
    inMemory: true,
    preview: false,
    timers: false,
    prewarm: false,
    reuseThreads: true,
    env: { WXEMU_PORT: '0', CLOUD_PORT: '0', WXEMU_PUSH_RETRY_MS: '50', ...env },
  })
}

let requestSeq = 0
/** A fresh requestId for one purchase (pay.createOrder). */
export const nextRequestId = () => `req-${process.pid}-${Date.now().toString(36)}-${++requestSeq}`

/** The Service Account's WeChat client as the stack's functions make it, over `store`: a test acting as a function. */
export const wechatOf = (stack: Stack, store: Store) =>
  createWechatClient({ store, appid: stack.env.WX_SA_APPID!, secret: stack.env.WX_SA_SECRET!, apiBase: stack.wechat.url })

export function person(stack: Stack, name: string) {
  const u = stack.wechat.users.get(name)!
  const fn = async (fnName: string, data: Json): Promise<Json> => {
    const res = await fetch(`${stack.cloud.url}/fn/${fnName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': u.mpOpenid, 'x-wx-unionid': u.unionid },
      body: JSON.stringify(data),
    })
    return (await res.json()) as Json
  }
  const emu = async (path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${stack.wechat.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })
    return { status: res.status, json: (await res.json()) as Json }
  }
  return {
    ...u,
    fn,
    emu,
    bag: async () => (await emu(`/__emu/bag/${name}`)).json.cards as Json[],
    /** The card_id of the gift card on sale at `price` fen (the demo shelf has ¥50, ¥100, …). */
    async shopCardId(price: number): Promise<string> {
      const item = ((await fn('card', { action: 'shop' })).items as Json[]).find((i) => i.price === price)
      if (!item) throw new Error(`no gift card on sale at ${price} fen`)
      return item.cardId as string
    },
    /** Taps the cell of card `code` in the card bag: the Mini Program opens with the jump's encrypt_code (card.decryptCode). */
    async opensCard(cardId: string, code: string): Promise<Json> {
      const jump = await emu('/__emu/client/cardJump', { user: name, cardId, code })
      if (jump.status !== 200) throw new Error(`cardJump: ${JSON.stringify(jump.json)}`)
      return fn('card', { action: 'decryptCode', cardId, encryptCode: jump.json.encrypt_code })
    },
    /** shop → createOrder → requestPayment → signCardExt → wx.addCard → recordAdded */
    async buyAndAdd(cardId: string, requestId = nextRequestId()): Promise<{ orderId: string; card: Json }> {
      const order = await fn('pay', { action: 'createOrder', cardId, requestId })
      if (order.errcode !== 0) throw new Error(`createOrder: ${order.errmsg}`)
      const paid = await emu('/__emu/client/requestPayment', { user: name, payment: order.payment })
      if (paid.status !== 200 || !paid.json.callbackAcknowledged) throw new Error(`requestPayment: ${JSON.stringify(paid.json)}`)
      const signed = await fn('card', { action: 'signCardExt', orderId: order.orderId })
      if (signed.errcode !== 0) throw new Error(`signCardExt: ${signed.errmsg}`)
      const added = await emu('/__emu/client/addCard', { user: name, cardList: signed.cardList })
      if (added.status !== 200) throw new Error(`addCard: ${JSON.stringify(added.json)}`)
      const recorded = await fn('card', { action: 'recordAdded', cardList: added.json.cardList })
      if (recorded.errcode !== 0) throw new Error(`recordAdded: ${recorded.errmsg}`)
      return { orderId: order.orderId, card: recorded.cards[0] }
    },
  }
}

export async function settle(stack: Stack): Promise<void> {
  await stack.wechat.platform.settle()
}

/** Delivers an event's XML to wxpush as WeChat does in safe mode (fresh timestamp and nonce, encrypted). */
export async function deliverPush(s: Stack, xml: string): Promise<{ status: number; text: string }> {
  const token = s.env.WX_PUSH_TOKEN!
  const enc = new PushCrypto({ token, encodingAesKey: s.env.WX_PUSH_AES_KEY!, appid: s.env.WX_SA_APPID! }).encrypt(xml)
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = String(randomBytes(4).readUInt32BE(0))
  const sha1 = (parts: string[]) =>
    createHash('sha1')
      .update([...parts].sort().join(''))
      .digest('hex')
  const q = new URLSearchParams({
    signature: sha1([token, ts, nonce]),
    timestamp: ts,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sha1([token, ts, nonce, enc]),
  })
  const res = await fetch(`${s.cloud.url}/wxpush?${q}`, {
    method: 'POST',
    body: `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
  })
  return { status: res.status, text: await res.text() }
}

/**
 * `name` buys one card of `cardId` and adds it with its user_get_card push held back (an ordinary event is
 * tried 4 times, once and 3 retries: all 4 lost): the push's XML, to deliver with deliverPush when the test
 * wants, and wx.addCard's answer, for card.recordAdded.
 */
export async function addWithPushHeld(s: Stack, name: string, cardId: string) {
  const p = person(s, name)
  const emuPost = (path: string, body: unknown) => fetch(`${s.wechat.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  const order = await p.fn('pay', { action: 'createOrder', cardId, requestId: nextRequestId() })
  const paid = await p.emu('/__emu/client/requestPayment', { user: name, payment: order.payment })
  if (!paid.json.callbackAcknowledged) throw new Error(`requestPayment: ${JSON.stringify(paid.json)}`)
  const signed = await p.fn('card', { action: 'signCardExt', orderId: order.orderId })
  await emuPost('/__emu/faults', { path: 'push:user_get_card', times: 4 })
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList: signed.cardList })
  if (added.status !== 200) throw new Error(`addCard: ${JSON.stringify(added.json)}`)
  await settle(s)
  await fetch(`${s.wechat.url}/__emu/faults`, { method: 'DELETE' })
  const pushes = ((await (await fetch(`${s.wechat.url}/__emu/pushes?status=failed`)).json()) as Json).pushes as Json[]
  const xml = pushes.filter((x) => x.event === 'user_get_card').at(-1)!.xml as string
  const code = /<UserCardCode><!\[CDATA\[(\w+)\]\]>/.exec(xml)![1]!
  const entId = `${order.orderId as string}:0`
  if (!xml.includes(`<OuterStr><![CDATA[${entId}]]>`)) throw new Error(`the push names no entitlement ${entId}: ${xml}`)
  return { p, orderId: order.orderId as string, entId, xml, code, cardList: added.json.cardList as Json[] }
}
