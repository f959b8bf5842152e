// The platform's side of the message crypto, written from the documents (not shared with the product's
// client, so that each checks the other): signature = SHA1 of the sorted strings; AES-256-CBC with
// key = base64(EncodingAESKey + "="), IV = key[0..16), PKCS#7 to 32-byte blocks; plaintext = 16
// random bytes | uint32 BE length | message | appid.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

export const sha1Sorted = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex')

function keyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (key.length !== 32) throw new Error('WX_PUSH_AES_KEY must be a 43-character EncodingAESKey')
  return key
}

export function wxEncrypt(encodingAesKey: string, appid: string, message: string): string {
  const key = keyOf(encodingAesKey)
  const msg = Buffer.from(message)
  const head = Buffer.alloc(20)
  randomBytes(16).copy(head)
  head.writeUInt32BE(msg.length, 16)
  const raw = Buffer.concat([head, msg, Buffer.from(appid)])
  const n = 32 - (raw.length % 32)
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([c.update(Buffer.concat([raw, Buffer.alloc(n, n)])), c.final()]).toString('base64')
}

/** The message, or null if it does not decrypt to a well-formed message for `appid`. */
export function wxDecrypt(encodingAesKey: string, appid: string, encrypt: string): string | null {
  try {
    const key = keyOf(encodingAesKey)
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
    const raw = Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()])
    const n = raw[raw.length - 1]!
    if (n < 1 || n > 32) return null
    const body = raw.subarray(0, raw.length - n)
    const len = body.readUInt32BE(16)
    if (body.subarray(20 + len).toString() !== appid) return null
    return body.subarray(20, 20 + len).toString()
  } catch {
    return null
  }
}
