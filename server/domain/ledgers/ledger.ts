// The balance ledger. Every change to a card's balance is one entry with its own idempotency key
// (its _id), written in the same transaction that moves the balance, so a card's balance always equals
// the sum of its entries, and a retried change is applied once.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { where, type Store, type StoredDoc, type TxStore } from '../../store/port'
import { withConflictRetry } from '../../store/retry'
import { findPage, type PageKey, type PageRequest } from '../../store/pages'
import type { UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'

/** recharge: a member card's stored value bought with Cloud Pay (member-recharge.ts) */
export type EntryKind = 'issue' | 'spend' | 'reversal' | 'refund' | 'adjust' | 'transfer_in' | 'transfer_out' | 'recharge'

export interface LedgerEntryDoc extends StoredDoc {
  /** userCardId of the card */
  card: string
  kind: EntryKind
  /** signed fen: credits positive, debits negative */
  amount: number
  balanceAfter: number
  /** the card's version after this entry */
  version: number
  orderId?: string
  /** an issue entry: the entitlement that funded the card (the code's claim, see entitlements.ts) */
  entitlementId?: string
  description?: string
  createdAt: number
  /**
   * A spend the removed 5-call path wrote before its debit: not part of the card's balance until settled.
   * No code writes it now; readers still skip such entries, which a deployment drains before upgrading
   * (docs/functions-api.md, "The spend").
   */
  pending?: true
  /** who may move the pending entry on, and until when (ms) */
  leaseOwner?: string
  leaseUntil?: number
  /**
   * A spend that earns no member points when it settles (a checkout's card leg: the checkout earns them
   * once paid). Kept on the entry because whoever settles it — the caller, its retry, the cron — earns them.
   */
  points?: false
  /** written by the one-call spend's settler from the card's key (money/spend-keys.ts) */
  viaKey?: true
}

/** Settled entries only: a pending spend is not (yet) part of any balance. */
export const SETTLED = { pending: where.neq(true) }

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

/** A card's settled entries, newest first (by version: one card's versions are its own total order), a page at a time. */
export async function historyOf(
  store: Store,
  card: string,
  page: PageRequest = { limit: 20 },
): Promise<{ entries: EntryView[]; total: number; next?: PageKey }> {
  const [{ docs, next }, total] = await Promise.all([
    findPage<LedgerEntryDoc>(store, Collections.ledger, { card, ...SETTLED }, { field: 'version', direction: 'desc' }, page),
    store.count(Collections.ledger, { card, ...SETTLED }),
  ])
  return { entries: docs.map(toEntryView), total, ...(next ? { next } : {}) }
}

export interface Posting {
  card: string
  kind: EntryKind
  /** signed fen, or computed from the card as read inside the transaction (e.g. a refund of all of it) */
  amount: number | ((card: UserCardDoc) => number)
  /** the idempotency key */
  entryId: string
  orderId?: string
  description?: string
  /** checks the card inside the transaction; throw to refuse */
  guard?: (card: UserCardDoc) => void
  /** other fields to set on the card in the same transaction */
  cardPatch?: (card: UserCardDoc) => Partial<UserCardDoc>
  /** what a replay under the same key must match, or it is refused */
  sameAs?: (earlier: LedgerEntryDoc) => boolean
}

export interface Posted {
  entry: LedgerEntryDoc
  /** true when the key had been posted before (nothing changed now) */
  replay: boolean
}

/** One posting inside a caller's transaction (a member adjustment moves points and balance together). */
export async function postIn(tx: TxStore, p: Posting, now: number): Promise<Posted> {
  const earlier = await tx.get<LedgerEntryDoc>(Collections.ledger, p.entryId)
  if (earlier) {
    if (p.sameAs && !p.sameAs(earlier)) throw new AppError(ErrCode.CONFLICT, `${p.entryId} was already used with different details`)
    return { entry: earlier, replay: true }
  }
  const card = await tx.get<UserCardDoc>(Collections.userCards, p.card)
  if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${p.card}`)
  p.guard?.(card)
  const amount = typeof p.amount === 'function' ? p.amount(card) : p.amount
  const balanceAfter = card.balance + amount
  if (balanceAfter < 0) throw new AppError(ErrCode.CONFLICT, `insufficient balance: ${card.balance} fen, ${-amount} fen needed`)
  const version = card.version + 1
  const patch = p.cardPatch?.(card) ?? {}
  // Dirty (WeChat has yet to be told) unless the patch says WeChat already shows this version.
  const dirty = (patch.syncedVersion ?? card.syncedVersion) < version
  await tx.update(Collections.userCards, card._id, {
    ...patch,
    balance: balanceAfter,
    version,
    dirty,
    updatedAt: now,
    lastEntry: { kind: p.kind, amount },
  })
  const entry: LedgerEntryDoc = {
    _id: p.entryId,
    card: p.card,
    kind: p.kind,
    amount,
    balanceAfter,
    version,
    createdAt: now,
    ...(p.orderId ? { orderId: p.orderId } : {}),
    ...(p.description ? { description: p.description } : {}),
  }
  await tx.insert(Collections.ledger, entry)
  return { entry, replay: false }
}

/** Posts one entry atomically with its balance change; a replay of the key returns the first result. */
export function post(store: Store, p: Posting): Promise<Posted> {
  return withConflictRetry(() => store.transaction((tx) => postIn(tx, p, clock.now())))
}

/** Moves a whole balance from one card to another (gifting: the friend's new code), once; the old card becomes GIFTED. */
export function transfer(store: Store, from: string, to: string, key: string): Promise<{ amount: number }> {
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const src = await tx.get<UserCardDoc>(Collections.userCards, from)
      const outId = `transfer_out:${key}`
      const done = await tx.get<LedgerEntryDoc>(Collections.ledger, outId)
      if (done) return { amount: -done.amount }
      // A parked gift's value goes to one new code only: never a second time when it was inferred (bag-codes.ts).
      if (src?.giftedTo && src.giftedTo !== to) return { amount: 0 }
      // A spend a crash left open on it may yet be put back (WeChat refusing the code given away): moving the
      // balance now would strand that value on the old code. Settled first (spend-keys.ts settleCard, settledForMove).
      if (src?.openKeys) throw new AppError(ErrCode.BUSY, `${from}: a spend on the card is still settling; try again`)
      const amount = src?.balance ?? 0
      const now = clock.now()
      // The giver's code is gone from WeChat (a gift received), so nothing is left to sync for it.
      if (src)
        await postIn(
          tx,
          {
            card: from,
            kind: 'transfer_out',
            amount: -amount,
            entryId: outId,
            description: 'gifted to a friend',
            cardPatch: (c) => ({ status: 'GIFTED', giftedTo: to, parked: false, syncedVersion: c.version + 1 }),
          },
          now,
        )
      await postIn(
        tx,
        {
          card: to,
          kind: 'transfer_in',
          amount,
          entryId: `transfer_in:${key}`,
          description: 'received as a gift',
          cardPatch: () => ({ funded: true }),
        },
        now,
      )
      return { amount }
    }),
  )
}

/** Sum of a card's entries (the invariant: equals its balance). */
export async function ledgerSum(store: Store, card: string): Promise<number> {
  let sum = 0
  for (let skip = 0; ; skip += 1000) {
    const page = await store.find<LedgerEntryDoc>(
      Collections.ledger,
      { card, ...SETTLED },
      { orderBy: { field: 'version', direction: 'asc' }, skip, limit: 1000 },
    )
    for (const e of page) sum += e.amount
    if (page.length < 1000) return sum
  }
}
