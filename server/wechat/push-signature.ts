// The Service Account server's signature checks (card-api-guide.zh.txt, server configuration):
// signature = SHA1 of the lexicographically sorted, concatenated token, timestamp and nonce; in safe
// mode msg_signature adds the Encrypt field to the sorted list.
import { createHash, timingSafeEqual } from 'node:crypto'

export function sha1OfSorted(parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')
}

export function urlSignature(token: string, timestamp: string, nonce: string): string {
  return sha1OfSorted([token, timestamp, nonce])
}

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1OfSorted([token, timestamp, nonce, encrypt])
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()))
}
