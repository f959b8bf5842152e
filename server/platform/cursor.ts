// List cursors (issue 26): what a list action answers as `nextCursor` and takes back as `cursor`. A cursor
// is opaque to the client and tamper-evident: the last row's key (store/pages.ts) with the list it belongs
// to (the action and its filters) and an expiry, signed with HMAC-SHA256 over the caller too. The server
// re-applies the caller's own filter on every page anyway, so a cursor can never reach rows its holder may
// not see; the signature makes an altered, expired, foreign-list or foreign-caller cursor a plain 1001
// naming `cursor` instead of a page from an arbitrary position.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { loadConfig } from '../config'
import { invalid } from '../errors'
import { type PageKey, type PageRequest } from '../store/pages'
import { clock } from '../clock'

/** A cursor is good for a day: long enough for any export, short enough that a leaked one goes stale. */
export const CURSOR_TTL_MS = 24 * 3600_000

/** Whose list, and which: the action and every filter that shapes it (another filter is another list). */
export interface ListScope {
  list: string
  /** the caller's openid ('' for a caller without one, e.g. the merchant CLI run as an owner) */
  caller: string
}

/** The scope of `list` (e.g. `merchant.orderList`) with these filters, for this caller. */
export function listScope(list: string, caller: string | undefined, filters: Record<string, unknown> = {}): ListScope {
  const shown = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return { list: shown.length ? `${list}?${JSON.stringify(shown)}` : list, caller: caller ?? '' }
}

interface Sealed {
  /** list */
  l: string
  /** the key: [sort value, _id] */
  k: [number, string]
  /** expires at, ms */
  e: number
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url')
const mac = (key: Buffer, caller: string, body: string) => createHmac('sha256', key).update(`${caller}\n${body}`).digest()

/** The cursor of the page after `key`. */
export function sealCursor(key: PageKey, scope: ListScope, now = clock.now(), secret = loadConfig().cursorKey): string {
  const body = b64(JSON.stringify({ l: scope.list, k: [key.at, key.id], e: now + CURSOR_TTL_MS } satisfies Sealed))
  return `${body}.${b64(mac(secret, scope.caller, body))}`
}

/** The key a cursor carries, if it is one this server gave this caller for this list, and not expired. */
export function openCursor(cursor: string, scope: ListScope, now = clock.now(), secret = loadConfig().cursorKey): PageKey {
  const [body, sig, ...rest] = cursor.split('.')
  if (!body || !sig || rest.length) throw invalid('cursor', 'is not a cursor this list gave')
  const want = mac(secret, scope.caller, body)
  const got = Buffer.from(sig, 'base64url')
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw invalid('cursor', 'was altered or was given to another caller')
  const sealed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Sealed
  if (sealed.l !== scope.list) throw invalid('cursor', 'belongs to another list (another action or other filters)')
  if (!(sealed.e > now)) throw invalid('cursor', 'has expired: start again from the first page')
  return { at: sealed.k[0], id: sealed.k[1] }
}

/** A list action's page fields, as its schema checked them (contract/actions/fields.ts `PAGE`, `offset`). */
export interface PageInput {
  cursor?: string
  limit?: number
  offset?: number
}

/**
 * The page an input asks for: `limit` (default `defaultLimit`), then `cursor` (opened for `scope`) or, for
 * the actions that documented one before cursors, `offset` — not both.
 */
export function pageRequest(input: PageInput, scope: ListScope, opts: { defaultLimit: number }): PageRequest {
  const limit = input.limit ?? opts.defaultLimit
  const { cursor, offset: skip } = input
  if (cursor !== undefined && skip) throw invalid('cursor', 'cannot be combined with offset')
  return { limit, ...(cursor !== undefined ? { after: openCursor(cursor, scope) } : {}), ...(skip ? { skip } : {}) }
}

/** `{nextCursor}` while rows remain after the page (`next` its last row's key), nothing at the end. */
export function nextCursor(next: PageKey | undefined, scope: ListScope): { nextCursor?: string } {
  return next ? { nextCursor: sealCursor(next, scope) } : {}
}
