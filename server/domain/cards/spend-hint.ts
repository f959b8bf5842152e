// Spend hints (issue 27): the card as its holder last saw it, sealed by the server into the card's view
// (`spendHint`) and into a spend's reply, and handed back as card.spend's `seen`. In production a card is
// rarely spent twice in one function instance, so this instance's own memory of a card (spend-keys.ts
// `known`) seldom helps; the holder's last view does: with it the debit is conditional on the hinted
// version (the balance after is then known without reading the card) and on the hinted Service Account
// openid (which WeChat's answer on the code is compared with), and a spend is one database call on the
// request path, three in all, instead of two and five.
//
// The database checks the version and the openid in the same update that takes the money, so a stale
// hint costs a call (the update refused, the card read), never money. Sealing (AES-256-GCM under a key
// derived from the AppSecret, bound to the card and its holder's openid) keeps the Service Account openid
// from the client and makes a hint the server did not give for this card and caller worthless: it is
// ignored, as is one sealed under an AppSecret since reset — a hint is advice, never a reason to refuse.
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { spendHintKey } from '../../config'

/** What a hint says of the card: its version and balance then, and who held its code in WeChat. */
export interface SpendHint {
  version: number
  balance: number
  saOpenid: string
}

const IV_BYTES = 12
const TAG_BYTES = 16

const boundTo = (id: string, holder: string) => Buffer.from(`${id}\n${holder}`, 'utf8')

/** The fields of a card (user-cards.ts UserCardDoc) a hint is made of. */
interface Hinted {
  _id: string
  mpOpenid?: string
  saOpenid?: string
  version: number
  balance: number
  status: string
  member?: boolean
  couponType?: string
}

/**
 * What a card just read tells an exact debit (a checkout's leg and a counter redemption pass it as `told`, a
 * hint seals it): none for a member card (its spends earn points, which move the version, and sync from a
 * read) or one whose WeChat holder is unknown (WeChat's answer on the code is compared with it).
 */
export function hintOf(card: Pick<Hinted, 'version' | 'balance' | 'saOpenid' | 'member'>): SpendHint | undefined {
  return !card.member && card.saOpenid ? { version: card.version, balance: card.balance, saOpenid: card.saOpenid } : undefined
}

/** The hint of a gift card its holder can spend (hintOf, NORMAL, holding value); none for a coupon, or without the key. */
export function sealSpendHint(card: Hinted, key = spendHintKey()): string | undefined {
  const hint = hintOf(card)
  if (!key || !hint || card.couponType || card.status !== 'NORMAL' || card.balance <= 0 || !card.mpOpenid) return undefined
  const plain = JSON.stringify([hint.version, hint.balance, hint.saOpenid])
  const bound = boundTo(card._id, card.mpOpenid)
  // A synthetic IV, the HMAC of what is sealed: the same card state seals to the same hint (a view read twice
  // is the same view), and two different states get different IVs, which is all AES-GCM asks of them.
  const iv = createHmac('sha256', key).update(bound).update('\0').update(plain).digest().subarray(0, IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(bound)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** What `token` says of card `id`, if this server sealed it for `holder`; otherwise nothing. */
export function openSpendHint(token: string, id: string, holder: string, key = spendHintKey()): SpendHint | undefined {
  if (!key) return undefined
  const raw = Buffer.from(token, 'base64url')
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined
  let said: unknown
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(boundTo(id, holder))
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
    const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()])
    said = JSON.parse(plain.toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(said) || said.length !== 3) return undefined
  const [version, balance, saOpenid] = said as unknown[]
  if (!Number.isSafeInteger(version) || !Number.isSafeInteger(balance) || typeof saOpenid !== 'string' || !saOpenid) return undefined
  return { version: version as number, balance: balance as number, saOpenid }
}
