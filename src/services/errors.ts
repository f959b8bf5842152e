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

/** The sentence to show for `err`; logs the details. */
/** A spend or redemption the card's balance could not cover (1006, insufficient balance): refused, nothing moved. */
export const isInsufficient = (err: unknown): boolean =>
  err instanceof CloudCallError && err.errcode === 1006 && /insufficient/i.test(err.errmsg)

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
    if (e.reason && t.errors.reasons[e.reason]) return t.errors.reasons[e.reason]!
    if (isInsufficient(e)) return t.errors.insufficient
    if (e.errcode === 1004 && e.fn === 'merchant') return t.errors.notMerchant
    if (e.errcode === -1) return t.errors.network
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

/** Why the server refused (`reason`, e.g. GIFT_TAKEN), when it said; pages choose what to offer next by it. */
export function reasonOf(err: unknown): string | undefined {
  return err instanceof CloudCallError ? err.reason : undefined
}
