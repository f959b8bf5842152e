// CSV exports for finance, each with a header row: orders (every channel), ledger entries (every balance
// change), redemptions (the audit log's `redeem` entries: counter redemptions). Amounts in yuan.
import { formatYuan } from '../../src/utils/money'
import type { Caller } from './call'

export const EXPORTS = ['orders', 'ledger', 'redemptions'] as const
export type ExportKind = (typeof EXPORTS)[number]

/** A plain decimal number (an amount such as -10.00): a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/

/**
 * One CSV field. Formula injection (OWASP, "CSV Injection"): a cell beginning with =, +, -, @, a tab or a
 * carriage return is read as a formula by Excel, LibreOffice and Sheets, and a consumer's own text (a spend's
 * description) reaches these files; such a cell is prefixed with a single quote, which the spreadsheet shows
 * as text. Plain numbers are left alone so that negative amounts stay numbers. Then RFC 4180: a field with a
 * comma, quote or line break is quoted, quotes doubled.
 */
export function csvField(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
const line = (fields: unknown[]) => fields.map(csvField).join(',')
const iso = (ms: number) => new Date(ms).toISOString()
type Row = Record<string, unknown>

export async function exportCsv(call: Caller, what: ExportKind, sinceMs: number): Promise<string> {
  const lines: string[] = []
  if (what === 'orders') {
    lines.push(line(['order_id', 'channel', 'state', 'paid_yuan', 'refunded_yuan', 'buyer', 'cards', 'card_codes', 'time']))
    for (let offset = 0; ; offset += 100) {
      const r = await call('orderList', { since: sinceMs, offset, limit: 100 })
      const orders = r.orders as Row[]
      for (const o of orders) {
        const cards = o.cards as Row[]
        lines.push(line([o.orderId, o.channel, o.state, formatYuan(o.totalPrice as number), o.refundFee !== undefined ? formatYuan(o.refundFee as number) : '', o.buyer, cards.length, cards.map((c) => c.code ?? '').filter(Boolean).join(' '), iso(o.at as number)]))
      }
      if (orders.length < 100) break
    }
  } else if (what === 'ledger') {
    lines.push(line(['entry_id', 'card', 'kind', 'amount_yuan', 'balance_after_yuan', 'order_id', 'description', 'time']))
    for (let offset = 0; ; offset += 1000) {
      const r = await call('ledgerList', { since: sinceMs, offset, limit: 1000 })
      const entries = r.entries as Row[]
      for (const e of entries) lines.push(line([e.entryId, e.card, e.kind, formatYuan(e.amount as number), formatYuan(e.balanceAfter as number), e.orderId, e.description, iso(e.createdAt as number)]))
      if (entries.length < 1000) break
    }
  } else {
    lines.push(line(['time', 'openid', 'target', 'reason']))
    // The audit log is newest first: read until the entries are older than --since.
    const rows: string[] = []
    for (let offset = 0; ; offset += 100) {
      const r = await call('auditList', { offset, limit: 100 })
      const entries = r.entries as Row[]
      for (const e of entries) if ((e.at as number) >= sinceMs && e.action === 'redeem') rows.push(line([iso(e.at as number), e.openid, e.target, e.reason ?? '']))
      if (entries.length < 100 || (entries.at(-1)!.at as number) < sinceMs) break
    }
    lines.push(...rows.reverse())
  }
  return lines.join('\n')
}
