// A person as the merchant sees them (#28: "nobody shown as an openid"): a short alias that stays the same
// for the same person across orders, exports and pages, so that a repeat buyer can be told apart, while the
// openid itself never reaches a merchant. A small stand-in until the people helper of issue 28 ("People, not
// openids": member names, a phone's last four, a stable alias) lands on main; then this gives way to it.
import { createHash } from 'node:crypto'

const PREFIX = { buyer: '顾客', staff: '店员' } as const

/** 顾客 (or 店员) + 4 characters of the openid's SHA-256, upper-case hex; '' for no openid. */
export function personAlias(openid: string | undefined, as: keyof typeof PREFIX = 'buyer'): string {
  if (!openid) return ''
  return `${PREFIX[as]}${createHash('sha256').update(openid).digest('hex').slice(0, 4).toUpperCase()}`
}
