// What a person reads when something goes wrong: a sentence in their language, never an errcode, a
// function name or an openid. The raw error goes to the log (console.warn, which WeChat's real-time log
// and DevTools keep) for whoever supports them.
import { t } from '../strings'
import { CloudCallError } from './cloud'

const byErrcode: Record<number, string> = {
  1001: t.errors.invalid,
  1003: t.errors.notSignedIn,
  1004: t.errors.forbidden,
  1005: t.errors.notFound,
  1006: t.errors.conflict,
  1500: t.errors.server,
  1502: t.errors.wechat,
  1503: t.errors.busy,
}

/**
 * Whether `err` is wx.addCard not completing: the person cancelled the sheet, or it failed. The pages that
 * can be finished elsewhere say where (userMessage: 「我的卡」 for paid cards; the member page: 免费加入 again).
 */
export function addCardFailure(err: unknown): 'cancelled' | 'failed' | undefined {
  const msg = String((err as Error | undefined)?.message ?? '')
  if (/^addCard:fail.*cancel/i.test(msg)) return 'cancelled'
  if (/^addCard:fail/i.test(msg)) return 'failed'
  return undefined
}

/** Fields counted in fen: their limits are shown in yuan. */
const FEN_FIELDS = new Set(['amount', 'price', 'init_balance', 'reduce_cost', 'least_cost', 'balanceDelta'])

/** The field's name in words: the field itself, else its last part (`card.gift_card.base_info.title` → title). */
function fieldName(field: string): string | undefined {
  const names = t.errors.fields
  if (names[field]) return names[field]
  const last =
    field
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? ''
  return names[last]
}

/** What the function said the field must be (`must be at most 100000000`), in words. */
function ruleInWords(field: string, rule: string): string {
  const r = t.errors.rules
  const last = field.split('.').pop() ?? field
  const n = (x: string) => (FEN_FIELDS.has(last) ? `¥${(Number(x) / 100).toFixed(2)}` : x)
  let m: RegExpMatchArray | null
  if (/^must be a non-empty string|^must not be empty/.test(rule)) return r.empty
  if (/^is required/.test(rule)) return r.required
  if (/^has an invalid format/.test(rule)) return r.format
  if (/^must not be 0/.test(rule)) return r.notZero
  if ((m = rule.match(/^must be from (-?\d+) to (-?\d+)/))) return r.range(n(m[1]!), n(m[2]!))
  if ((m = rule.match(/^must be at most (\d+) Chinese characters/))) return r.maxChinese(m[1]!)
  if ((m = rule.match(/^must be at most (\d+) characters/))) return r.maxChars(m[1]!)
  if ((m = rule.match(/^must be at least (\d+) characters/))) return r.minChars(m[1]!)
  if ((m = rule.match(/^must be at least (-?\d+)$/))) return r.min(n(m[1]!))
  if ((m = rule.match(/^must be at most (-?\d+)$/))) return r.max(n(m[1]!))
  if (/^must be (an integer|a whole number)/.test(rule)) return r.integer
  if (/^must be true or false/.test(rule)) return r.bool
  if (/^must be one of /.test(rule)) return r.oneOf
  if (/^must be a picture of at most/.test(rule)) return r.picture
  if (/^must be a picture uploaded/.test(rule)) return r.pictureCdn
  if (field === 'cursor') return r.cursor
  return r.other
}

/**
 * A 1001 in words, naming the field: the field the function named (its reply's `field`, else the first
 * word of its errmsg, `<field> <rule>`), its rule in Chinese. Undefined for a field we have no name for.
 */
function invalidInWords(e: CloudCallError): string | undefined {
  const field = e.field ?? e.errmsg.match(/^([A-Za-z_][\w.[\]]*) /)?.[1]
  if (!field) return undefined
  const name = fieldName(field)
  if (!name) return undefined
  const at = e.errmsg.indexOf(`${field} `)
  const rule = at >= 0 ? e.errmsg.slice(at + field.length + 1) : ''
  return t.errors.invalidField(name, ruleInWords(field, rule))
}

/** A spend or redemption the card's balance could not cover (1006, insufficient balance): refused, nothing moved. */
export const isInsufficient = (err: unknown): boolean =>
  err instanceof CloudCallError && err.errcode === 1006 && /insufficient/i.test(err.errmsg)

/** The sentence to show for `err`; logs the details. */
export function userMessage(err: unknown): string {
  const e = err as Error & Partial<CloudCallError>
  console.warn(
    '[error]',
    e instanceof CloudCallError
      ? { fn: e.fn, action: e.action, errcode: e.errcode, errmsg: e.errmsg, reason: e.reason }
      : String(e?.message ?? e),
  )
  if (e instanceof CloudCallError) {
    // WeChat refused for a reason only the merchant can fix (45103 retired, permissions, IP whitelist):
    // the function's errmsg is already the sentence to show (server/wechat/advice.ts).
    if (e.reason === 'WECHAT_ADVICE' && e.errmsg) return e.errmsg
    if (e.reason === 'STOCK_TOO_LOW' && typeof e.details?.stock === 'number') return t.errors.stockTooLow(e.details.stock)
    if (e.reason && t.errors.reasons[e.reason]) return t.errors.reasons[e.reason]!
    if (isInsufficient(e)) return t.errors.insufficient
    if (e.errcode === 1004 && e.fn === 'merchant') return t.errors.notMerchant
    if (e.errcode === -1) return t.errors.network
    if (e.errcode === 1001) return invalidInWords(e) ?? t.errors.invalid
    return byErrcode[e.errcode] ?? t.errors.server
  }
  const msg = String(e?.message ?? '')
  if (/^requestPayment:fail.*cancel/i.test(msg)) return t.errors.payCancelled
  if (/^requestPayment:fail/i.test(msg)) return t.errors.payFailed
  const notAdded = addCardFailure(err)
  if (notAdded) return notAdded === 'cancelled' ? t.errors.addCancelled : t.errors.addFailed
  if (/^openCard:fail/i.test(msg)) return t.errors.openCardFailed
  if (msg === 'payment-pending') return t.errors.paymentPending
  return t.errors.server
}

/**
 * For a page whose ids come from a link (a shared gift, a card cell, WeChat's order link), not from anything the
 * person typed: a link cut short or mangled (1001 on the id) or naming nothing of theirs (1005) is something that
 * cannot be found, said by `reason` (GIFT_NOT_FOUND …), not 填写的内容有误. Other errors pass as they are.
 */
export function notFoundFromLink(reason: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof CloudCallError && err.errcode === 1001) throw new CloudCallError(err.fn, err.action, 1005, err.errmsg, reason)
    // A 1005 keeps a reason of the server's own (it knows more than the page), else says `reason`.
    if (err instanceof CloudCallError && err.errcode === 1005 && !err.reason)
      throw new CloudCallError(err.fn, err.action, 1005, err.errmsg, reason, err.field, err.details)
    throw err
  }
}

/** Why the server refused (`reason`, e.g. GIFT_TAKEN), when it said; pages choose what to offer next by it. */
export function reasonOf(err: unknown): string | undefined {
  return err instanceof CloudCallError ? err.reason : undefined
}
