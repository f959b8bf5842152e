/** Integer fen as yuan with two decimals, without floats. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** What each leg of a checkout pays, fen. */
export interface CheckoutLegs {
  /** taken off by the coupon */
  discount: number
  /** paid from the stored-value card (gift or member card) */
  card: number
  /** left for WeChat Pay; 0 when the card covers the rest, and then there is no WeChat Pay order */
  wechat: number
}

/**
 * How a checkout's total is paid (issue 28): the coupon comes off first, the card pays what it holds of
 * what is left, WeChat Pay the remainder. One rule for the checkout page's split and pay.startCheckout's legs.
 */
export function checkoutLegs(total: number, discount: number, balance: number): CheckoutLegs {
  const off = Math.min(Math.max(discount, 0), total)
  const card = Math.min(Math.max(balance, 0), total - off)
  return { discount: off, card, wechat: total - off - card }
}
