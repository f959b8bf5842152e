// Safe-mode (and compat-mode) message crypto for the Service Account's server URL:
// - msg_signature = SHA1 of the sorted token, timestamp, nonce and Encrypt;
// - AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, no cipher padding:
//   PKCS#7 to 32-byte blocks is applied by hand;
// - plaintext = 16 random bytes | 4-byte big-endian message length | message | appid.
// Every rejection says why; nothing of a rejected message is returned.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { msgSignature, signaturesMatch, urlSignature } from './push-signature'
import { clock } from '../clock'

const BLOCK = 32

export class PushRejected extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'PushRejected'
  }
}

export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (typeof encodingAesKey !== 'string' || !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new Error('EncodingAESKey must be 43 characters of base64 (A-Z a-z 0-9 + /)')
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (key.length !== 32) throw new Error('EncodingAESKey does not decode to 32 bytes')
  return key
}

export interface PushCryptoOptions {
  token: string
  /** needed only to encrypt or decrypt; signature checks work without it */
  encodingAesKey?: string
  appid: string
  /** seconds either side of now a timestamp may be; default 300 */
  maxSkewSeconds?: number
  now?: () => number
}

export class PushCrypto {
  private readonly aes: { key: Buffer; iv: Buffer } | undefined
  private readonly maxSkew: number
  private readonly now: () => number

  constructor(private readonly o: PushCryptoOptions) {
    if (o.encodingAesKey) {
      const key = aesKeyFrom(o.encodingAesKey)
      this.aes = { key, iv: key.subarray(0, 16) }
    }
    this.maxSkew = o.maxSkewSeconds ?? 300
    this.now = o.now ?? (() => Math.floor(clock.now() / 1000))
  }

  private cipherKey(): { key: Buffer; iv: Buffer } {
    if (!this.aes) throw new PushRejected('no EncodingAESKey is configured, so encrypted messages cannot be opened')
    return this.aes
  }

  /** A timestamp too far from now is a replay (or a badly wrong clock): refused. */
  checkTimestamp(timestamp: string | undefined): void {
    if (!timestamp || !/^\d{1,10}$/.test(timestamp)) throw new PushRejected('timestamp is missing or not whole seconds')
    const skew = Math.abs(this.now() - Number(timestamp))
    if (skew > this.maxSkew) throw new PushRejected(`timestamp is ${skew} s from now (at most ${this.maxSkew} s allowed)`)
  }

  verifyUrl(q: { signature?: string; timestamp?: string; nonce?: string }): void {
    this.checkTimestamp(q.timestamp)
    if (!q.nonce) throw new PushRejected('nonce is missing')
    if (!signaturesMatch(urlSignature(this.o.token, q.timestamp!, q.nonce), q.signature)) throw new PushRejected('signature does not match')
  }

  verifyMsg(q: { msg_signature?: string; timestamp?: string; nonce?: string }, encrypt: string): void {
    this.checkTimestamp(q.timestamp)
    if (!q.nonce) throw new PushRejected('nonce is missing')
    if (!q.msg_signature) throw new PushRejected('msg_signature is missing')
    if (!signaturesMatch(msgSignature(this.o.token, q.timestamp!, q.nonce, encrypt), q.msg_signature))
      throw new PushRejected('msg_signature does not match')
  }

  encrypt(message: string, random16: Buffer = randomBytes(16)): string {
    const msg = Buffer.from(message, 'utf8')
    const len = Buffer.alloc(4)
    len.writeUInt32BE(msg.length)
    const plain = Buffer.concat([random16, len, msg, Buffer.from(this.o.appid, 'utf8')])
    const pad = BLOCK - (plain.length % BLOCK)
    const { key, iv } = this.cipherKey()
    const cipher = createCipheriv('aes-256-cbc', key, iv)
    cipher.setAutoPadding(false)
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
  }

  decrypt(encrypt: string): string {
    if (!encrypt || !/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) throw new PushRejected('Encrypt is not base64')
    const data = Buffer.from(encrypt, 'base64')
    if (data.length === 0 || data.length % 16 !== 0)
      throw new PushRejected(`ciphertext length ${data.length} is not a whole number of AES blocks (truncated?)`)
    const { key, iv } = this.cipherKey()
    let plain: Buffer
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, iv)
      decipher.setAutoPadding(false)
      plain = Buffer.concat([decipher.update(data), decipher.final()])
    } catch {
      throw new PushRejected('AES decryption failed')
    }
    const pad = plain[plain.length - 1]!
    if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
      throw new PushRejected('PKCS#7 padding is invalid (wrong key or tampered message)')
    }
    const body = plain.subarray(0, plain.length - pad)
    if (body.length < 20) throw new PushRejected('decrypted message is too short')
    const len = body.readUInt32BE(16)
    if (20 + len > body.length) throw new PushRejected('message length field exceeds the decrypted data (tampered?)')
    const appid = body.subarray(20 + len).toString('utf8')
    if (appid !== this.o.appid) throw new PushRejected(`message is for appid ${JSON.stringify(appid)}, not ours`)
    return body.subarray(20, 20 + len).toString('utf8')
  }

  /** An encrypted reply for safe mode: the XML WeChat expects back. */
  encryptedReply(message: string, timestamp: string, nonce: string): string {
    const encrypt = this.encrypt(message)
    const sig = msgSignature(this.o.token, timestamp, nonce, encrypt)
    return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${sig}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`
  }
}
