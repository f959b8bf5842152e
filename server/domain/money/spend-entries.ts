// A spend at the round-trip minimum, with no transaction and no money lost or made on a crash:
//
//   1. the ledger entry `spend:<orderId>` is inserted PENDING, under a lease: it is the orderId's
//      idempotency record (a second insert fails), and it is not part of any balance yet;
//   2. the card is debited by ONE atomic conditional update — still the caller's, NORMAL, balance ≥
//      amount, and this entry's hold not on it — which puts the entry's hold on the card with the debit;
//   3. the entry is settled (pending gone, balanceAfter and version set), and only then does the hold
//      come off the card (with the balance sync's last write when this call holds the sync lease).
//
// The card's sync lease (balance-sync.ts) rides on step 2: a quiet card's exact debit takes it (ending
// with the entry's own lease, so whoever finishes a crashed call finds it free), and on a card another
// call is syncing, the debit applies only while that sync holds it — saving each spend a separate
// attempt at the lease (5 round trips for a spend on a quiet card, 6 on a hot one).
//
// PENDING ──debit applied──▶ (hold on the card) ──settled──▶ SETTLED ──hold removed
// PENDING ──debit refused──▶ removed (the orderId may be used again, as before)
//
// A crash between steps leaves a pending entry whose lease runs out. Whoever takes the lease next — a
// retried call with the same orderId, or the cron — reads the card: the hold is there, so the debit
// happened: settle it; no hold, so it did not: a retried call debits now (the caller still wants it),
// the cron removes the entry (nobody was told it succeeded). Only the lease holder moves an entry, and
// the lease outlives a function's timeout, so two processes never act for one entry at once; the hold
// makes the debit itself idempotent besides.
//
// A member card's spend earns its points (members.ts earnForSpend, once per orderId) in step 3, just
// before the entry settles, by whoever settles it: the caller, a retry of it, or the cron when the
// caller died after its debit. Earning before settling means a settled entry always has its points: a
// crash between the two leaves the entry pending, and the next settler's earn is a replay of the same key.
//
// Under concurrency the debit is an increment, so `balanceAfter` is exact when nothing else changed
// the card between the debit and the read that follows it (the version tells), and otherwise the
// balance as read just after: the card's balance is always the sum of its settled entries.
import { createHash, randomBytes } from 'node:crypto'
import pLimit from 'p-limit'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, change, where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { syncUnderLease, takeSyncLease } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import type { LedgerEntryDoc } from '../ledgers/ledger'
import { earnForSpend } from '../members/members'
import type { UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'

/** Longer than any function's timeout (card 20 s): a lease that ran out has no live owner. */
export const SPEND_LEASE_MS = 30_000
/** Debit attempts when the card keeps changing under a spend, before answering BUSY. */
export const MAX_DEBIT_ATTEMPTS = 8
/** How long a repeated call waits for the first one to settle before answering BUSY. */
export const REPLAY_WAIT_MS = 3_000

export const holdKey = (entryId: string) => `h${createHash('sha256').update(entryId).digest('hex').slice(0, 24)}`
const holdField = (entryId: string) => `holds.${holdKey(entryId)}`

export function busy(what: string): AppError {
  return new AppError(ErrCode.BUSY, `${what}: the card is busy, try again`)
}

/** Test seam: a fault injected between two steps (null in production). */
export type Step = 'inserted' | 'debited' | 'settled'
export const faults: { at: ((step: Step) => void) | null } = { at: null }

interface Lease {
  owner: string
  until: number
}

const newLease = (): Lease => ({ owner: randomBytes(8).toString('hex'), until: clock.now() + SPEND_LEASE_MS })

/** Step 1: the pending entry. False when the orderId has an entry already. */
export async function insertPending(
  store: Store,
  entry: Omit<LedgerEntryDoc, 'pending' | 'leaseOwner' | 'leaseUntil' | 'balanceAfter' | 'version'>,
  lease: Lease,
): Promise<boolean> {
  try {
    await store.insert<LedgerEntryDoc>(Collections.ledger, {
      ...entry,
      balanceAfter: 0,
      version: 0,
      pending: true,
      leaseOwner: lease.owner,
      leaseUntil: lease.until,
    })
    return true
  } catch (err) {
    if (err instanceof DuplicateIdError) return false
    throw err
  }
}

export type DebitRefusal = 'insufficient' | 'changed'

export interface DebitExpect {
  mpOpenid?: string
  /** the card's version as the caller read and checked it */
  version?: number
  /** the sync lease was free as read: take it with the debit (its end is the holder's token) */
  takeLease?: { until: number; now: number }
  /** apply only while someone holds the sync lease (`now` as the caller's clock says) */
  leaseHeldAt?: number
}

/**
 * Step 2: the debit and the hold in one conditional update. With `expect.version` (the card as the
 * caller read and checked it) the update applies only if nothing changed since, so the balance after it
 * is known without reading again; without it, the database checks owner, status and balance itself
 * (the path a busy card takes).
 *
 * The card's sync lease (balance-sync.ts) rides on the same update, saving the round trip a separate
 * attempt to take it costs: `takeLease` takes a free lease, so this call syncs the card it knows
 * exactly; `leaseHeldAt` applies only while a sync holds it — that holder's last write checks the
 * version this debit moves, so it goes round again and sends this change, and this call need not try.
 */
export async function debit(store: Store, entry: LedgerEntryDoc, expect: DebitExpect): Promise<boolean> {
  const amount = -entry.amount
  const lease = leaseTerms(expect)
  return store.updateIf(
    Collections.userCards,
    entry.card,
    {
      ...(expect.version !== undefined ? { version: expect.version } : {}),
      ...(expect.mpOpenid ? { mpOpenid: expect.mpOpenid } : {}),
      status: 'NORMAL',
      balance: where.gte(amount),
      [holdField(entry._id)]: where.neq(true),
      ...lease.when,
    },
    {
      balance: change.inc(-amount),
      version: change.inc(1),
      dirty: true,
      updatedAt: clock.now(),
      lastEntry: { kind: entry.kind, amount: entry.amount },
      [holdField(entry._id)]: true,
      ...lease.set,
    },
  )
}

/** The debit's condition on the card's sync lease, and what it writes to it (see debit). */
function leaseTerms(expect: DebitExpect): { when: Record<string, unknown>; set: Record<string, number> } {
  if (expect.takeLease) return { when: { syncLeaseUntil: where.lt(expect.takeLease.now) }, set: { syncLeaseUntil: expect.takeLease.until } }
  if (expect.leaseHeldAt !== undefined) return { when: { syncLeaseUntil: where.gte(expect.leaseHeldAt) }, set: {} }
  return { when: {}, set: {} }
}

function hasHold(card: UserCardDoc | null, entryId: string): boolean {
  return card?.holds?.[holdKey(entryId)] === true
}

/** What the debit learnt about the card's sync lease (see debit). */
export type DebitLease = { taken: number } | 'held' | 'unknown'

/**
 * Step 3, as the entry's lease holder: a member card's points first (see the top), then settle the
 * entry, then take the hold off the card. With the card's sync lease, WeChat is told (balance and
 * points) while the entry settles and the hold comes off with the sync's last write; without it
 * (someone else is syncing and picks our change up), one write of its own. `read` is the card as the
 * settler read it (whose member flag decides the points); `after` is the card just after the debit when
 * the debit was conditional on the version read (no read needed); otherwise, or when points moved the
 * card on, the card is read, and the balance is the one seen just after the debit. `debitLease` says
 * whether the debit took the sync lease or found it held; only when it is unknown is the lease tried
 * for here.
 */
async function settle(
  store: Store,
  wx: WechatClient,
  entry: LedgerEntryDoc,
  lease: Lease,
  sync: SyncOptions,
  read: UserCardDoc,
  after?: UserCardDoc,
  debitLease: DebitLease = 'unknown',
): Promise<LedgerEntryDoc> {
  if (read.member && entry.points !== false && entry.orderId && (await earnForSpend(store, read, -entry.amount, entry.orderId)) > 0)
    after = undefined
  const [syncLease, card] = await Promise.all([
    debitLease === 'unknown'
      ? takeSyncLease(store, entry.card, sync.now ?? clock.now)
      : debitLease === 'held'
        ? undefined
        : debitLease.taken,
    after ?? store.get<UserCardDoc>(Collections.userCards, entry.card),
  ])
  if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${entry.card}`)
  const settled: LedgerEntryDoc = { ...entry, balanceAfter: card.balance, version: card.version }
  delete settled.pending
  delete settled.leaseOwner
  delete settled.leaseUntil
  const settling = store
    .updateIf(
      Collections.ledger,
      entry._id,
      { pending: true, leaseOwner: lease.owner },
      {
        pending: change.unset(),
        leaseOwner: change.unset(),
        leaseUntil: change.unset(),
        balanceAfter: card.balance,
        version: card.version,
      },
    )
    .then((ok) => {
      if (!ok) throw busy(`settling ${entry._id}`)
      faults.at?.('settled')
      return true
    })
  const unhold = { [holdField(entry._id)]: change.unset() }
  if (syncLease === undefined) {
    await settling
    await store.update(Collections.userCards, entry.card, unhold)
    return settled
  }
  // The sync's last write checks the version, so a card assumed from the debit is safe to start from.
  const gate = settling.catch(() => false)
  await syncUnderLease(store, wx, card, syncLease, sync, unhold, gate)
  await settling
  return settled
}

export { settle as settleEntry }

/**
 * Takes the lease of an entry whose lease ran out (its owner is gone), or waits for a live owner to
 * settle it. Returns the entry as it now stands (settled, or pending and ours), or null once removed.
 */
export async function claimOrWait(
  store: Store,
  entryId: string,
  timeoutMs = REPLAY_WAIT_MS,
): Promise<{ entry: LedgerEntryDoc | null; lease?: Lease }> {
  const deadline = Date.now() + timeoutMs // a real wait (it sleeps), so real time: a fake clock would never end it
  for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
    const entry = await store.get<LedgerEntryDoc>(Collections.ledger, entryId)
    if (!entry || !entry.pending) return { entry }
    if ((entry.leaseUntil ?? 0) < clock.now()) {
      const lease = newLease()
      if (
        await store.updateIf(
          Collections.ledger,
          entryId,
          { pending: true, leaseUntil: where.lt(clock.now()) },
          { leaseOwner: lease.owner, leaseUntil: lease.until },
        )
      ) {
        return { entry: { ...entry, leaseOwner: lease.owner, leaseUntil: lease.until }, lease }
      }
    }
    if (Date.now() + delay > deadline) throw busy(entryId)
    await new Promise((r) => setTimeout(r, delay))
  }
}

export { newLease }

/**
 * The cron's half: pending spends whose owner is gone. Debited (the hold is on the card) → settled;
 * not debited → removed, since the caller was never told it succeeded.
 */
export async function settleAbandonedSpends(
  store: Store,
  wx: WechatClient,
  sync: SyncOptions = {},
): Promise<{ settled: number; voided: number; busy: number }> {
  const out = { settled: 0, voided: 0, busy: 0 }
  const stale = await store.find<LedgerEntryDoc>(Collections.ledger, { pending: true, leaseUntil: where.lt(clock.now()) }, { limit: 200 })
  const limit = pLimit(8)
  await Promise.all(
    stale.map((e) =>
      limit(async () => {
        try {
          out[await resolveAbandoned(store, wx, e._id, sync)]++
        } catch {
          out.busy++
        }
      }),
    ),
  )
  return out
}

/** Resolves one pending spend as the cron would: settled if it took the money, removed if not. */
export async function resolveAbandoned(
  store: Store,
  wx: WechatClient,
  entryId: string,
  sync: SyncOptions = {},
): Promise<'settled' | 'voided' | 'busy'> {
  const { entry, lease } = await claimOrWait(store, entryId, 0).catch(() => ({ entry: undefined, lease: undefined }))
  if (entry === undefined) return 'busy'
  if (!entry || !lease) return 'settled'
  const card = await store.get<UserCardDoc>(Collections.userCards, entry.card)
  if (card && hasHold(card, entryId)) {
    await settle(store, wx, entry, lease, sync, card)
    return 'settled'
  }
  await voidPending(store, entry, lease)
  return 'voided'
}

/** Removes a pending entry we hold the lease of (its debit never happened). */
export async function voidPending(store: Store, entry: LedgerEntryDoc, lease: Lease): Promise<void> {
  // Only the lease holder gets here, well within its lease: nobody else can be moving this entry.
  void lease
  await store.remove(Collections.ledger, entry._id)
}

export { hasHold }
