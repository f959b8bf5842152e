// CSV exports for finance, each with a header row: orders (every channel), ledger entries (every balance
// change), redemptions (the audit log's `redeem` entries: counter redemptions). Amounts in yuan; headers,
// states and the ledger's own descriptions in Chinese; times in Beijing time with their offset (+08:00,
// said in the time column's header), as the merchant reads them (#28: "07:32 for a 15:32 sale"); people
// as aliases, never openids.
import { maskCode } from '../../server/mask'
import { formatYuan } from '../../src/utils/money'
import { t } from '../../src/strings'
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
/** China Standard Time: UTC+8, no daylight saving. */
const CST_MS = 8 * 3600_000

/** ms → ISO 8601 in Beijing time with its offset, e.g. 2026-12-06T15:32:07+08:00 (a spreadsheet and a parser both read it). */
export function beijingIso(ms: number): string {
  return `${new Date(ms + CST_MS).toISOString().slice(0, 19)}+08:00`
}

/** A ledger entry's description in Chinese: the ledger's own English words translated, anyone's own text kept. */
export const describeEntry = (d: unknown) => t.console.csv.descriptions[String(d ?? '')] ?? String(d ?? '')

const yuanOrEmpty = (fen: unknown) => (typeof fen === 'number' ? formatYuan(fen) : '')
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
    write(line(t.console.csv.orders))
    for await (const r of pages(call, 'orderList', { since: sinceMs })) {
      put(
        (r.orders as Row[]).map((o) => {
          const cards = o.cards as Row[]
          const legs = (o.legs as Row[] | undefined) ?? []
          const state = String(o.refundStatus ?? o.state)
          return line([
            o.orderId,
            t.merchant.channel[String(o.channel)] ?? o.channel,
            t.console.refundStatus[state] ?? t.merchant.orderState[state] ?? state,
            formatYuan(o.totalPrice as number),
            yuanOrEmpty(o.refundFee),
            o.buyer,
            cards.length,
            cards
              .map((c) => c.code ?? '')
              .filter(Boolean)
              .map(code)
              .join(' '),
            beijingIso(o.at as number),
            t.console.cardState[String(o.cardState)] ?? '',
            yuanOrEmpty(o.originalTotal),
            yuanOrEmpty((o.coupon as Row | undefined)?.discount),
            yuanOrEmpty(legs.find((l) => l.kind === 'giftcard')?.amount),
          ])
        }),
      )
    }
  } else if (what === 'ledger') {
    write(line(t.console.csv.ledger))
    for await (const r of pages(call, 'ledgerList', { since: sinceMs })) {
      put(
        (r.entries as Row[]).map((e) =>
          line([
            entryIdOf(e),
            cardKey(e.card),
            t.console.entryKind[String(e.kind)] ?? e.kind,
            formatYuan(e.amount as number),
            formatYuan(e.balanceAfter as number),
            e.orderId,
            describeEntry(e.description),
            beijingIso(e.createdAt as number),
          ]),
        ),
      )
    }
  } else {
    write(line(t.console.csv.redemptions))
    // The audit log is newest first: read until the entries are older than --since.
    const found: string[] = []
    for await (const r of pages(call, 'auditList', {})) {
      const entries = r.entries as Row[]
      for (const e of entries)
        if ((e.at as number) >= sinceMs && e.action === 'redeem')
          found.push(line([beijingIso(e.at as number), e.by, cardKey(e.target), e.reason ?? '']))
      if (entries.length && (entries.at(-1)!.at as number) < sinceMs) break
    }
    put(found.reverse())
  }
  return rows
}
