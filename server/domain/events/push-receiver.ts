// Receives WeChat's pushes at the Service Account's server URL.
// - `signature` (token, timestamp, nonce) is checked in every mode; in compat and safe mode, an
//   encrypted body also needs a valid msg_signature and decrypts with the appid check. A timestamp
//   more than 5 minutes off is refused, and a (timestamp, nonce) pair is accepted for one body only
//   (in plain mode by a record of the pair; an encrypted body by its msg_signature, which covers it).
// - WX_PUSH_MODE says what we accept: plain takes only plaintext bodies; safe and compat read only the
//   encrypted part (compat mode's plaintext copy is not signed by msg_signature, so it is never trusted).
// - The event is applied, and stored (keyed by its dedup key) where something needs the record, before
//   it is acknowledged (event-processing.ts processOnArrival); a crash before the reply makes WeChat
//   deliver it again; a repeat of user_get_card is applied again (funding is exclusive), a repeat of any
//   other event finds its record and is not applied again.
// - The reply is what stops WeChat's retries: `<xml>ok</xml>` for gift-card events, `success`
//   otherwise, in plaintext (WeChat accepts an unencrypted acknowledgement in every mode).
import type { ServerConfig } from '../../config'
import type { Store } from '../../store/port'
import { checkReplay } from './push-nonces'
import { ackFor, dedupKey, EventParseError, MAX_EVENT_BYTES, parseEvent, parseXmlFields, type PushedEvent } from '../../wechat/events'
import { PushCrypto, PushRejected } from '../../wechat/push-crypto'
import { clock } from '../../clock'

export interface PushRequest {
  method: string
  query: Record<string, string>
  body: string
}

export interface PushReply {
  status: number
  body: string
  contentType?: string
  /** the event, when one was received (keyed by its dedup key; stored by processOnArrival where needed) */
  arrived?: StoredEvent
}

export interface StoredEvent {
  _id: string
  event: PushedEvent
  receivedAt: number
  processed: boolean
  attempts: number
}

export interface ReceiveOptions {
  now?: () => number
}

function cryptoFor(config: ServerConfig, opts: ReceiveOptions): PushCrypto {
  if (!config.pushToken) throw new PushRejected('WX_PUSH_TOKEN is not configured')
  return new PushCrypto({
    token: config.pushToken,
    encodingAesKey: config.pushAesKey || undefined,
    appid: config.saAppid,
    now: opts.now ? () => Math.floor(opts.now!() / 1000) : undefined,
  })
}

/** Verifies and opens a push; returns the plaintext event XML and whether it came encrypted. */
export function openPush(config: ServerConfig, req: PushRequest, opts: ReceiveOptions = {}): { xml: string; encrypted: boolean } {
  const crypto = cryptoFor(config, opts)
  crypto.verifyUrl(req.query)
  if (Buffer.byteLength(req.body) > MAX_EVENT_BYTES) throw new PushRejected(`body over ${MAX_EVENT_BYTES} bytes`)
  const envelope = parseXmlFields(req.body)
  const encrypted = typeof envelope.Encrypt === 'string' && envelope.Encrypt !== ''
  // Compat mode sends the event twice in one body, in plaintext and encrypted; only the encrypted
  // part is covered by msg_signature, so it is the only part read. A plaintext-only body is refused.
  if (config.pushMode !== 'plain' && !encrypted) throw new PushRejected(`${config.pushMode} mode: the body is not encrypted`)
  if (config.pushMode === 'plain' && encrypted)
    throw new PushRejected('plain mode: an encrypted body was not expected (check WX_PUSH_MODE)')
  if (!encrypted) return { xml: req.body, encrypted }
  crypto.verifyMsg(req.query, envelope.Encrypt!)
  return { xml: crypto.decrypt(envelope.Encrypt!), encrypted }
}

export async function receivePush(store: Store, config: ServerConfig, req: PushRequest, opts: ReceiveOptions = {}): Promise<PushReply> {
  if (req.method === 'GET') {
    try {
      cryptoFor(config, opts).verifyUrl(req.query)
    } catch (err) {
      return { status: 401, body: `rejected: ${(err as Error).message}` }
    }
    return { status: 200, body: req.query.echostr ?? '' }
  }
  if (req.method !== 'POST') return { status: 405, body: 'method not allowed' }
  let event: PushedEvent
  let encrypted: boolean
  try {
    const opened = openPush(config, req, opts)
    encrypted = opened.encrypted
    event = parseEvent(opened.xml)
  } catch (err) {
    if (err instanceof PushRejected) return { status: 401, body: `rejected: ${err.message}` }
    if (err instanceof EventParseError) return { status: 400, body: `rejected: ${err.message}` }
    throw err
  }
  // In plain mode the signature covers only (timestamp, nonce), so each pair is accepted for one body:
  // a second body under a signature seen before is a replay. An encrypted body is covered by its own
  // msg_signature (token, timestamp, nonce, Encrypt), so another body under the same pair fails above;
  // the nonce record would add nothing but a database round trip there. The same body again (WeChat
  // repeating a delivery) is acknowledged as a repeat below, in every mode.
  if (!encrypted) {
    const replay = await checkReplay(store, req, (opts.now ?? clock.now)())
    if (replay) return { status: 401, body: `rejected: ${replay}` }
  }
  // Not stored here: wxpush applies it first and stores it where something needs the record
  // (event-processing.ts processOnArrival), before it acknowledges.
  const arrived: StoredEvent = { _id: dedupKey(event), event, receivedAt: (opts.now ?? clock.now)(), processed: false, attempts: 0 }
  return {
    status: 200,
    body: ackFor(event),
    contentType: event.Event.startsWith('giftcard_') ? 'text/xml; charset=utf-8' : undefined,
    arrived,
  }
}
