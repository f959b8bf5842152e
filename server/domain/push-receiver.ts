// Receives WeChat's pushes: verifies them, stores each event before acknowledging it, and answers
// what the platform expects. (Safe-mode decryption and typed event handling build on this.)
import { createHash } from 'node:crypto'
import type { ServerConfig } from '../config'
import { Collections } from '../store/collections'
import { DuplicateIdError, type Store } from '../store/port'
import { signaturesMatch, urlSignature } from '../wechat/push-signature'

export interface PushRequest {
  method: string
  query: Record<string, string>
  body: string
}

export interface PushReply {
  status: number
  body: string
  contentType?: string
}

/** Bodies larger than this are refused before parsing. */
export const MAX_PUSH_BYTES = 64 * 1024

export async function receivePush(store: Store, config: ServerConfig, req: PushRequest): Promise<PushReply> {
  const { signature, timestamp, nonce, echostr } = req.query
  if (!config.pushToken) return { status: 500, body: 'WX_PUSH_TOKEN is not configured' }
  if (!timestamp || !nonce || !signaturesMatch(urlSignature(config.pushToken, timestamp, nonce), signature)) {
    return { status: 401, body: 'signature check failed' }
  }
  if (req.method === 'GET') return { status: 200, body: echostr ?? '' }
  if (req.method !== 'POST') return { status: 405, body: 'method not allowed' }
  if (Buffer.byteLength(req.body) > MAX_PUSH_BYTES) return { status: 413, body: 'push too large' }
  const id = createHash('sha1').update(req.body).digest('hex')
  try {
    await store.insert(Collections.events, { _id: id, raw: req.body, receivedAt: Date.now(), processed: false })
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
  }
  return { status: 200, body: 'success' }
}
