// The balance ledger: every change to a card's balance is one entry. (Writers arrive with the spending
// path; this module owns the entry shape and reading.)
import { Collections } from '../store/collections'
import type { Store, StoredDoc } from '../store/port'

export type EntryKind = 'issue' | 'spend' | 'reversal' | 'refund' | 'adjust'

export interface LedgerEntryDoc extends StoredDoc {
  /** userCardId of the card */
  card: string
  kind: EntryKind
  /** signed fen: credits positive, debits negative */
  amount: number
  balanceAfter: number
  orderId?: string
  description?: string
  createdAt: number
}

export interface EntryView {
  entryId: string
  kind: EntryKind
  amount: number
  balanceAfter: number
  orderId?: string
  description?: string
  createdAt: number
}

export function toEntryView(e: LedgerEntryDoc): EntryView {
  return {
    entryId: e._id,
    kind: e.kind,
    amount: e.amount,
    balanceAfter: e.balanceAfter,
    ...(e.orderId ? { orderId: e.orderId } : {}),
    ...(e.description ? { description: e.description } : {}),
    createdAt: e.createdAt,
  }
}

export async function historyOf(store: Store, card: string, offset = 0, limit = 20): Promise<{ entries: EntryView[]; total: number }> {
  const [docs, total] = await Promise.all([
    store.find<LedgerEntryDoc>(Collections.ledger, { card }, { orderBy: { field: 'createdAt', direction: 'desc' }, skip: offset, limit }),
    store.count(Collections.ledger, { card }),
  ])
  return { entries: docs.map(toEntryView), total }
}
