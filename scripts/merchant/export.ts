// CSV exports for finance, each with a header row: orders (every channel), ledger entries (every balance
// change), redemptions (the audit log's `redeem` entries: counter redemptions). Amounts in yuan.
import { maskCode } from '../../server/mask'
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

/**
 * Card codes are bearer secrets (a cashier accepts whoever shows one), and a finance file travels: exports
 * show a code's last 4 characters, as the logs do, unless an owner asks for them whole (--full-codes).
 */
export interface ExportOptions {
  fullCodes?: boolean
}

/** A user card's key `<cardId>:<code>` with its code masked (a value without a code part is masked whole). */
function maskCardKey(key: unknown): string {
  const s = String(key ?? '')
  const at = s.lastIndexOf(':')
  return at < 0 ? maskCode(s) : `${s.slice(0, at)}:${maskCode(s.slice(at + 1))}`
}

/** Every page of a list action, by its cursor, until its answer carries no `nextCursor`. */
async function* pages(call: Caller, action: string, input: Row): AsyncGenerator<Row> {
  let cursor: string | undefined
  do {
    const r = await call(action, { ...input, limit: 100, ...(cursor ? { cursor } : {}) })
    yield r
    cursor = r.nextCursor as string | undefined
  } while (cursor)
}

/**
 * Writes the CSV of `what` since `sinceMs` to `write`, header first, then a page of rows at a time as
 * each page arrives (whatever the size, nothing is held but the page); answers how many rows it wrote
 * (the header not counted). Redemptions come from the newest-first audit log and are written oldest first,
 * so they are gathered before writing.
 */
export async function exportCsv(
  call: Caller,
  what: ExportKind,
  sinceMs: number,
  write: (lines: string) => void,
  opts: ExportOptions = {},
): Promise<number> {
  const code = (c: unknown) => (opts.fullCodes ? String(c ?? '') : maskCode(String(c ?? '')))
  const cardKey = (k: unknown) => (opts.fullCodes ? String(k ?? '') : maskCardKey(k))
  // Some entry ids carry their card's code (an issue entry is issue:<cardId>:<code>): masked alike.
  const entryIdOf = (e: Row) => {
    const id = String(e.entryId ?? '')
    const c =
      String(e.card ?? '')
        .split(':')
        .pop() ?? ''
    return opts.fullCodes || !c ? id : id.split(c).join(maskCode(c))
  }
  let rows = 0
  const put = (lines: string[]) => {
    if (!lines.length) return
    write(lines.join('\n'))
    rows += lines.length
  }
  if (what === 'orders') {
    write(line(['order_id', 'channel', 'state', 'paid_yuan', 'refunded_yuan', 'buyer', 'cards', 'card_codes', 'time']))
    for await (const r of pages(call, 'orderList', { since: sinceMs })) {
      put(
        (r.orders as Row[]).map((o) => {
          const cards = o.cards as Row[]
          return line([
            o.orderId,
            o.channel,
            o.state,
            formatYuan(o.totalPrice as number),
            o.refundFee !== undefined ? formatYuan(o.refundFee as number) : '',
            o.buyer,
            cards.length,
            cards
              .map((c) => c.code ?? '')
              .filter(Boolean)
              .map(code)
              .join(' '),
            iso(o.at as number),
          ])
        }),
      )
    }
  } else if (what === 'ledger') {
    write(line(['entry_id', 'card', 'kind', 'amount_yuan', 'balance_after_yuan', 'order_id', 'description', 'time']))
    for await (const r of pages(call, 'ledgerList', { since: sinceMs })) {
      put(
        (r.entries as Row[]).map((e) =>
          line([
            entryIdOf(e),
            cardKey(e.card),
            e.kind,
            formatYuan(e.amount as number),
            formatYuan(e.balanceAfter as number),
            e.orderId,
            e.description,
            iso(e.createdAt as number),
          ]),
        ),
      )
    }
  } else {
    write(line(['time', 'openid', 'target', 'reason']))
    // The audit log is newest first: read until the entries are older than --since.
    const found: string[] = []
    for await (const r of pages(call, 'auditList', {})) {
      const entries = r.entries as Row[]
      for (const e of entries)
        if ((e.at as number) >= sinceMs && e.action === 'redeem')
          found.push(line([iso(e.at as number), e.openid, cardKey(e.target), e.reason ?? '']))
      if (entries.length && (entries.at(-1)!.at as number) < sinceMs) break
    }
    put(found.reverse())
  }
  return rows
}
