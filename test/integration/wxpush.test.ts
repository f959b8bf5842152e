// The wxpush function behind HTTP access, in each push mode: verified, stored once, acknowledged as
// WeChat expects; everything else refused with the reason.
import { createHash } from 'node:crypto'
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { PushCrypto } from '../../server/wechat/push-crypto'
import { stackEnv, startTestCloud } from '../helpers/cloud'

const TOKEN = stackEnv.WX_PUSH_TOKEN!
const crypto = new PushCrypto({ token: TOKEN, encodingAesKey: stackEnv.WX_PUSH_AES_KEY!, appid: stackEnv.WX_SA_APPID! })
const sha1 = (parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')

const event = (name: string, extra: string) =>
  `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oSA1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${extra}</xml>`
const GET_CARD = event(
  'user_get_card',
  '<CardId><![CDATA[p1]]></CardId><UserCardCode><![CDATA[111]]></UserCardCode><IsGiveByFriend>0</IsGiveByFriend>',
)
const PAY_DONE = event('giftcard_pay_done', '<PageId><![CDATA[pg]]></PageId><OrderId><![CDATA[O1]]></OrderId>')

let nonceSeq = 0
/** Each delivery its own nonce, as WeChat signs them (a (timestamp, nonce) pair is accepted for one body only). */
const freshNonce = () => `n${++nonceSeq}`

function query(ts = Math.floor(Date.now() / 1000), nonce = freshNonce(), encrypt?: string) {
  const q = new URLSearchParams({ signature: sha1([TOKEN, String(ts), nonce]), timestamp: String(ts), nonce, openid: 'oSA1' })
  if (encrypt) {
    q.set('encrypt_type', 'aes')
    q.set('msg_signature', sha1([TOKEN, String(ts), nonce, encrypt]))
  }
  return q
}

function encrypted(xml: string) {
  const enc = crypto.encrypt(xml)
  return {
    body: `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
    q: query(undefined, freshNonce(), enc),
  }
}

async function post(cloud: LocalCloud, q: URLSearchParams, body: string) {
  const res = await fetch(`${cloud.url}/wxpush?${q}`, { method: 'POST', body })
  return { status: res.status, text: await res.text() }
}

describe.each(['safe', 'compat'] as const)('%s mode', (mode) => {
  let cloud: LocalCloud
  beforeAll(async () => {
    cloud = await startTestCloud({ WX_PUSH_MODE: mode })
  })
  afterAll(() => cloud.stop())

  test('an encrypted user_get_card is stored once and acknowledged with success', async () => {
    const { body, q } = encrypted(GET_CARD)
    expect(await post(cloud, q, body)).toEqual({ status: 200, text: 'success' })
    expect(await post(cloud, q, body)).toEqual({ status: 200, text: 'success' })
    const stored = (await cloud.db.collection('events').where({ 'event.Event': 'user_get_card' }).get()).data
    expect(stored).toHaveLength(1)
    // Stored, then processed at once: the card is on record with its Service Account holder.
    expect(stored[0]).toMatchObject({ processed: true, event: { CardId: 'p1', UserCardCode: '111', FromUserName: 'oSA1' } })
    expect((await cloud.db.collection('user_cards').doc('p1:111').get()).data).toMatchObject({ saOpenid: 'oSA1', status: 'NORMAL' })
  })

  test('gift-card events are answered <xml>ok</xml>', async () => {
    const { body, q } = encrypted(PAY_DONE)
    expect(await post(cloud, q, body)).toEqual({ status: 200, text: '<xml>ok</xml>' })
  })

  test('a wrong msg_signature, a tampered body or a stale timestamp is refused with the reason', async () => {
    const { body, q } = encrypted(GET_CARD)
    const badSig = new URLSearchParams(q)
    badSig.set('msg_signature', '0'.repeat(40))
    expect(await post(cloud, badSig, body)).toEqual({ status: 401, text: 'rejected: msg_signature does not match' })
    const enc = /CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)![1]!
    const flipped = enc.slice(0, 10) + (enc[10] === 'A' ? 'B' : 'A') + enc.slice(11)
    // Re-signed tampering (only possible with the token): a changed byte 7 or 8 of the first AES-CBC
    // block garbles the random prefix and flips byte 7 or 8 of the second block, which is the 4th or
    // 5th character of "<xml>": the body is refused as malformed XML, and never stored.
    const before = (await cloud.db.collection('events').count()).total
    const r = await post(cloud, query(undefined, undefined, flipped), body.replace(enc, flipped))
    expect(r.status).toBe(400)
    expect(r.text).toMatch(/^rejected: /)
    expect((await cloud.db.collection('events').count()).total).toBe(before)
    // Tampering without the token fails the msg_signature check.
    expect(await post(cloud, q, body.replace(enc, flipped))).toEqual({ status: 401, text: 'rejected: msg_signature does not match' })
    const stale = Math.floor(Date.now() / 1000) - 3600
    // The server measures against its clock when the push arrives: a second may pass on a busy machine.
    const refused = await post(cloud, query(stale, 'n1', enc), body)
    const stalePattern = /^rejected: timestamp is (\d+) s from now \(at most 300 s allowed\)$/
    expect(refused.text).toMatch(stalePattern)
    const seconds = Number(stalePattern.exec(refused.text)![1])
    expect(seconds).toBeGreaterThanOrEqual(3600)
    expect(seconds).toBeLessThan(3610)
  })
})

describe('plain and safe-only rules', () => {
  test('safe mode refuses a plaintext body; plain mode takes it', async () => {
    const safe = await startTestCloud({ WX_PUSH_MODE: 'safe' })
    expect(await post(safe, query(), GET_CARD)).toEqual({ status: 401, text: 'rejected: safe mode: the body is not encrypted' })
    await safe.stop()
    const plain = await startTestCloud({ WX_PUSH_MODE: 'plain' })
    expect(await post(plain, query(), GET_CARD)).toEqual({ status: 200, text: 'success' })
    const badSig = query()
    badSig.set('signature', 'f'.repeat(40))
    expect(await post(plain, badSig, GET_CARD)).toEqual({ status: 401, text: 'rejected: signature does not match' })
    expect(await post(plain, query(), '<xml><nope>')).toMatchObject({ status: 400 })
    await plain.stop()
  })
})

describe('a repeat of a push', () => {
  test('a status push delivered again after a later change is acknowledged and not applied again: a returned gift stays returned', async () => {
    const cloud = await startTestCloud({ WX_PUSH_MODE: 'plain' })
    try {
      await cloud.db.createCollection('user_cards')
      const cards = cloud.db.collection('user_cards')
      await cards.add({
        data: { _id: 'p1:222', cardId: 'p1', code: '222', saOpenid: 'oSA1', status: 'GIFTING', balance: 5000, version: 1, createdAt: 0 },
      })
      const returned = event(
        'user_gifting_card',
        '<CardId><![CDATA[p1]]></CardId><UserCardCode><![CDATA[222]]></UserCardCode><IsReturnBack>1</IsReturnBack>',
      )
      expect(await post(cloud, query(), returned)).toEqual({ status: 200, text: 'success' })
      expect((await cards.doc('p1:222').get()).data).toMatchObject({ status: 'NORMAL' })
      // Given again meanwhile; WeChat's retry of the first push (same event, another nonce) comes late.
      await cards.doc('p1:222').update({ data: { status: 'GIFTING' } })
      expect(await post(cloud, query(), returned)).toEqual({ status: 200, text: 'success' })
      expect((await cards.doc('p1:222').get()).data).toMatchObject({ status: 'GIFTING' })
      expect((await cloud.db.collection('events').where({ 'event.Event': 'user_gifting_card' }).get()).data).toHaveLength(1)
    } finally {
      await cloud.stop()
    }
  })
})
