/** Formats integer fen as yuan with two decimals, without ever going through a float. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${fen}`)
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** Integer fen as people read a price: ¥12.34 (and -¥12.34). */
export function yuan(fen: number): string {
  const s = formatYuan(fen)
  return s.startsWith('-') ? `-¥${s.slice(1)}` : `¥${s}`
}
