// card_ext for wx.addCard (card-api-guide.zh.txt, "cardExt" and 签名说明):
//   signature = SHA1 of the lexicographically sorted, concatenated values of api_ticket, timestamp,
//   card_id, code, openid, nonce_str; absent ones are left out.
// cardExt is a JSON *string*; its timestamp (whole seconds, as a string) and nonce_str must be the
// signed ones; each add needs its own timestamp/nonce (a repeated one makes the add fail).
// fixed_begintimestamp and outer_str are carried but not signed.
import { createHash, randomBytes } from 'node:crypto'
import { clock } from '../clock'

/**
 * WeChat can drop a wx_card ticket before the expires_in it gave; every card_ext signed with it is then
 * refused ("invalid signature") until it is fetched again. After an add that failed, the Mini Program asks
 * for its next signature with renewTicket, and the ticket is fetched anew first — at most once a minute for
 * all callers, however many ask (SharedCredential.renew), which keeps within getticket's daily quota.
 */
export const TICKET_RENEW_MIN_AGE_MS = 60_000

export function signingTicket(
  ticket: { get(): Promise<string>; renew(minAgeMs: number): Promise<string> },
  renewTicket: boolean,
): Promise<string> {
  return renewTicket ? ticket.renew(TICKET_RENEW_MIN_AGE_MS) : ticket.get()
}

export interface CardSignInput {
  apiTicket: string
  cardId: string
  timestamp: string
  nonceStr?: string
  code?: string
  openid?: string
}

/** The sorted concatenation that is hashed (exposed for the CLI, which prints it). */
export function cardSignString(p: CardSignInput): string {
  const parts = [p.apiTicket, p.timestamp, p.cardId, p.code, p.openid, p.nonceStr].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )
  return parts.sort().join('')
}

export function cardSignature(p: CardSignInput): string {
  return createHash('sha1').update(cardSignString(p), 'utf8').digest('hex')
}

export interface CardExtInput {
  apiTicket: string
  cardId: string
  code?: string
  openid?: string
  /** Unix seconds; default now */
  timestamp?: number
  /** ≤ 32 characters; default 32 random alphanumerics */
  nonceStr?: string
  fixedBeginTimestamp?: number
  outerStr?: string
}

export interface CardExt {
  cardId: string
  /** the JSON string wx.addCard takes */
  cardExt: string
  signature: string
  timestamp: string
  nonceStr: string
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function newNonce(length = 32): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const b of bytes) out += ALNUM[b % ALNUM.length]
  return out
}

export function buildCardExt(input: CardExtInput): CardExt {
  if (!input.apiTicket)
    throw new Error('card_ext: api_ticket is required (the wx_card ticket of the Service Account that created the card)')
  if (!input.cardId) throw new Error('card_ext: card_id is required')
  const ts = input.timestamp ?? Math.floor(clock.now() / 1000)
  if (!Number.isInteger(ts) || ts <= 0) throw new Error('card_ext: timestamp must be whole seconds')
  const nonceStr = input.nonceStr ?? newNonce()
  if (nonceStr.length === 0 || nonceStr.length > 32) throw new Error('card_ext: nonce_str must be 1 to 32 characters')
  const timestamp = String(ts)
  const signature = cardSignature({
    apiTicket: input.apiTicket,
    cardId: input.cardId,
    timestamp,
    nonceStr,
    code: input.code,
    openid: input.openid,
  })
  const ext: Record<string, string | number> = {}
  if (input.code) ext.code = input.code
  if (input.openid) ext.openid = input.openid
  ext.timestamp = timestamp
  ext.nonce_str = nonceStr
  if (input.fixedBeginTimestamp !== undefined) ext.fixed_begintimestamp = input.fixedBeginTimestamp
  if (input.outerStr !== undefined) ext.outer_str = input.outerStr
  ext.signature = signature
  return { cardId: input.cardId, cardExt: JSON.stringify(ext), signature, timestamp, nonceStr }
}
