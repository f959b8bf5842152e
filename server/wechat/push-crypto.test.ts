import { createDecipheriv, createHash } from 'node:crypto'
import { PushCrypto, PushRejected, aesKeyFrom } from './push-crypto'

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const NOW = 1700000000
const crypto = new PushCrypto({ token: 'tok', encodingAesKey: KEY, appid: 'wx5e2b8d1c4a7f3690', now: () => NOW })
const XML = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Event><![CDATA[giftcard_pay_done]]></Event><Note>中文</Note></xml>'

function rejection(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(PushRejected)
    return (err as Error).message
  }
  throw new Error('expected a rejection')
}

test('round trip, including non-ASCII', () => {
  expect(crypto.decrypt(crypto.encrypt(XML))).toBe(XML)
})

test('the ciphertext has the documented layout (checked with a separate decryption)', () => {
  const random16 = Buffer.alloc(16, 7)
  const enc = crypto.encrypt('hello', random16)
  const key = Buffer.from(`${KEY}=`, 'base64')
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  d.setAutoPadding(false)
  const plain = Buffer.concat([d.update(Buffer.from(enc, 'base64')), d.final()])
  expect(plain.length % 32).toBe(0)
  const pad = plain[plain.length - 1]!
  expect(plain.subarray(0, 16)).toEqual(random16)
  expect(plain.readUInt32BE(16)).toBe(5)
  expect(plain.subarray(20, 25).toString()).toBe('hello')
  expect(plain.subarray(25, plain.length - pad).toString()).toBe('wx5e2b8d1c4a7f3690')
})

test('msg_signature verification and the encrypted reply', () => {
  const encrypt = crypto.encrypt(XML)
  const sig = createHash('sha1')
    .update(['tok', String(NOW), 'n1', encrypt].sort().join(''))
    .digest('hex')
  expect(() => crypto.verifyMsg({ msg_signature: sig, timestamp: String(NOW), nonce: 'n1' }, encrypt)).not.toThrow()
  expect(rejection(() => crypto.verifyMsg({ msg_signature: sig, timestamp: String(NOW), nonce: 'n2' }, encrypt))).toMatch(
    /msg_signature does not match/,
  )
  const reply = crypto.encryptedReply('<xml>ok</xml>', String(NOW), 'n9')
  const enc = /<Encrypt><!\[CDATA\[(.*?)\]\]>/.exec(reply)![1]!
  expect(crypto.decrypt(enc)).toBe('<xml>ok</xml>')
  expect(reply).toContain(
    createHash('sha1')
      .update(['tok', String(NOW), 'n9', enc].sort().join(''))
      .digest('hex'),
  )
})

test('tampered, truncated and foreign-appid messages are refused with the reason', () => {
  const enc = crypto.encrypt(XML)
  const bytes = Buffer.from(enc, 'base64')
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
  expect(rejection(() => crypto.decrypt(bytes.toString('base64')))).toMatch(/padding|appid|length/)
  expect(rejection(() => crypto.decrypt(enc.slice(0, 40)))).toMatch(/not a whole number of AES blocks|not base64/)
  const foreign = new PushCrypto({ token: 'tok', encodingAesKey: KEY, appid: 'wxOTHER0000000000', now: () => NOW }).encrypt(XML)
  expect(rejection(() => crypto.decrypt(foreign))).toMatch(/appid "wxOTHER0000000000", not ours/)
  const otherKey = new PushCrypto({ token: 'tok', encodingAesKey: 'B'.repeat(43), appid: 'wx5e2b8d1c4a7f3690', now: () => NOW }).encrypt(
    XML,
  )
  expect(rejection(() => crypto.decrypt(otherKey))).toMatch(/padding|length|appid/)
  expect(rejection(() => crypto.decrypt('%%%'))).toMatch(/not base64/)
})

test('timestamps outside the skew window are refused', () => {
  expect(rejection(() => crypto.checkTimestamp(String(NOW - 301)))).toMatch(/301 s from now/)
  expect(rejection(() => crypto.checkTimestamp(String(NOW + 400)))).toMatch(/400 s/)
  expect(rejection(() => crypto.checkTimestamp('abc'))).toMatch(/whole seconds/)
  expect(() => crypto.checkTimestamp(String(NOW - 299))).not.toThrow()
})

test('the URL check in plaintext mode', () => {
  const sig = createHash('sha1')
    .update(['tok', String(NOW), 'n'].sort().join(''))
    .digest('hex')
  expect(() => crypto.verifyUrl({ signature: sig, timestamp: String(NOW), nonce: 'n' })).not.toThrow()
  expect(
    rejection(() => crypto.verifyUrl({ signature: sig.toUpperCase().replace(/^./, 'Z'), timestamp: String(NOW), nonce: 'n' })),
  ).toMatch(/signature does not match/)
})

test('a malformed EncodingAESKey is refused', () => {
  expect(() => aesKeyFrom('short')).toThrow(/43 characters/)
})
