// The merchant audit log: every merchant action that changes something writes one entry (who, what,
// on what, why, when), which admins read with `merchant.auditList`. Entries are never edited.
import { randomBytes } from 'node:crypto'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import { findPage, type PageKey, type PageRequest } from '../../store/pages'
import { log } from '../../log'
import { clock } from '../../clock'

export interface AuditEntry {
  /** ms since the epoch */
  at: number
  /** the caller's Mini Program openid */
  openid: string
  /** the merchant action, e.g. `orderRefund` */
  action: string
  /** what it acted on: a card id, `cardId:code`, an order id, a page id, an openid … */
  target: string
  reason?: string
  /** what the log's sentence needs beyond the target (audit-sentences.ts); written since issue 28 */
  facts?: AuditFacts
}

/**
 * Facts an action knows when it is logged, for the sentence the console shows: the title of what was
 * created (a card's definition may not be stored yet), its kind, an amount in fen, a picture, and the
 * person acted on (an openid, kept here and named when read, never answered).
 */
export interface AuditFacts {
  title?: string
  kind?: 'giftCard' | 'coupon' | 'memberCard' | 'shelf'
  amount?: number
  image?: string
  person?: string
  role?: string | null
  count?: number
  location?: string
}

interface AuditDoc extends AuditEntry, StoredDoc {}

/** Ids sort by time (ms, zero-padded) and never collide (random tail). */
function auditId(at: number): string {
  return `${String(at).padStart(15, '0')}-${randomBytes(6).toString('hex')}`
}

/**
 * Written after the action succeeded. A failed write is logged, not thrown: the action already
 * happened, and an error reply would invite a retry of it.
 */
export async function recordAudit(store: Store, entry: Omit<AuditEntry, 'at'>): Promise<void> {
  const at = clock.now()
  const doc: AuditDoc = {
    _id: auditId(at),
    at,
    openid: entry.openid,
    action: entry.action,
    target: entry.target,
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.facts && Object.keys(entry.facts).length ? { facts: entry.facts } : {}),
  }
  try {
    await store.insert(Collections.auditLog, doc)
  } catch (err) {
    log('error', { audit: 'write failed', action: entry.action, target: entry.target, error: String(err) })
  }
}

/** The log newest first, a page at a time, as stored (openids included): audit-sentences.ts tells it to the console. */
export async function listAudit(
  store: Store,
  page: PageRequest = { limit: 20 },
): Promise<{ entries: AuditEntry[]; total: number; next?: PageKey }> {
  const [{ docs, next }, total] = await Promise.all([
    findPage<AuditDoc>(store, Collections.auditLog, {}, { field: 'at', direction: 'desc' }, page),
    store.count(Collections.auditLog, {}),
  ])
  return { entries: docs.map(({ _id, ...e }) => (void _id, e)), total, ...(next ? { next } : {}) }
}
