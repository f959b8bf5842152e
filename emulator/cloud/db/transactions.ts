// Optimistic transactions as the CloudBase database runs them (startTransaction / commitTransaction /
// abortTransaction, with document operations carrying the transactionId): reads see the database as it
// was when the transaction started, then the transaction's own writes; writes are buffered, and the commit fails with
// DATABASE_TRANSACTION_CONFLICT when any document the transaction read or wrote was committed by
// someone else after the transaction started. A transaction that commits therefore saw a consistent
// snapshot; the SDK's runTransaction retries that one error at commit.
//
// Scheduling, not semantics: a transaction about to touch a document that OLDER open transactions (or
// writes waiting their turn) have touched waits for them to end (at most LOCK_WAIT_MS), and if nothing it
// has read so far has changed it then moves its snapshot forward. That is indistinguishable from having
// started later, and it spares a hot document (one card, a thousand spends) from a storm of doomed
// attempts. Only the younger ever waits for the older ("wait-die"), so two transactions that touch the
// same two documents in opposite orders never wait for each other: the older goes ahead, the younger
// conflicts at commit and is retried. (Waiting both ways stalled both for LOCK_WAIT_MS each time, long
// enough under load to run functions past their timeout.)
import { randomBytes } from 'node:crypto'
import type { DocStore, Write } from './doc-store'
import type { Doc } from './ejson'
import { DbError } from './errors'

/** Transactions left open longer than this are dropped (a function that died mid-transaction). */
const MAX_OPEN_MS = 60_000
/** How long a transaction waits for an older one holding the same document before going ahead anyway. */
const LOCK_WAIT_MS = 5_000

const keyOf = (coll: string, id: string) => `${coll}\u0000${id}`

/** Arrival order of transactions and waiting writes: lower is older. */
let arrivals = 0

interface Holder {
  ended: Promise<void>
  owner: string
  /** arrival order: only younger holders wait for older ones */
  age: number
}

export class Transaction implements Holder {
  readonly age = ++arrivals
  readonly touched = new Set<string>()
  readonly writes = new Map<string, Write>()
  readonly openedAt = Date.now()
  private endNow!: () => void
  readonly ended = new Promise<void>((resolve) => (this.endNow = resolve))

  /**
   * @param owner who opened it (the invocation's API token; '' for the host): a caller never waits for
   *   its own transaction, which would only stall it
   */
  constructor(readonly id: string, public startSeq: number, private readonly store: DocStore, readonly owner = '') {}

  /** @internal */
  finish(): void {
    this.endNow()
  }

  read(coll: string, id: string): Doc | undefined {
    const key = keyOf(coll, id)
    const w = this.writes.get(key)
    if (w) return w.doc ?? undefined
    this.touched.add(key)
    return this.store.getAt(coll, id, this.startSeq)
  }

  write(coll: string, id: string, doc: Doc | null): void {
    const key = keyOf(coll, id)
    this.touched.add(key)
    this.writes.set(key, { coll, id, doc })
  }
}

export class Transactions {
  private readonly open = new Map<string, Transaction>()
  /** open transactions (and writes waiting their turn) by each document they touched */
  private readonly holders = new Map<string, Set<Holder>>()
  /** transactions started (each attempt: the SDK's runTransaction starts one per retry) */
  started = 0
  committed = 0
  conflicts = 0

  constructor(private readonly store: DocStore) {}

  start(owner = ''): Transaction {
    this.sweep()
    this.started++
    const tx = new Transaction(randomBytes(12).toString('hex'), this.store.sequence, this.store, owner)
    this.open.set(tx.id, tx)
    this.pin()
    return tx
  }

  get(id: unknown): Transaction {
    const tx = typeof id === 'string' ? this.open.get(id) : undefined
    if (!tx) throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${String(id)} does not exist or has ended`)
    return tx
  }

  /** Call before a transaction touches coll/id: waits behind older holders, then may refresh its snapshot. */
  async touch(tx: Transaction, coll: string, id: string): Promise<void> {
    const key = keyOf(coll, id)
    if (tx.touched.has(key)) return
    const older = [...(this.holders.get(key) ?? [])].filter((t) => t !== tx && t.owner !== tx.owner && t.age < tx.age)
    if (older.length) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(older.map((t) => t.ended)), new Promise((r) => (timer = setTimeout(r, LOCK_WAIT_MS)))])
      clearTimeout(timer)
      if (!this.open.has(tx.id)) throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${tx.id} ended while waiting`)
      const unchanged = [...tx.touched].every((k) => {
        const [c, d] = k.split('\u0000') as [string, string]
        return this.store.version(c, d) <= tx.startSeq
      })
      if (unchanged) {
        tx.startSeq = this.store.sequence
        this.pin()
      }
    }
    tx.touched.add(key)
    let set = this.holders.get(key)
    if (!set) this.holders.set(key, (set = new Set()))
    set.add(tx)
  }

  /**
   * Call before a write outside any transaction to coll/id: it waits for the open transactions that
   * touched the document (at most LOCK_WAIT_MS) instead of landing under them and dooming them all, and
   * transactions arriving meanwhile wait for it. Call the returned function once the write is done.
   */
  async settle(coll: string, id: string, owner = ''): Promise<() => void> {
    const key = keyOf(coll, id)
    const earlier = [...(this.holders.get(key) ?? [])].filter((h) => h.owner !== owner)
    if (earlier.length === 0) return () => undefined
    let done!: () => void
    const me: Holder = { ended: new Promise<void>((r) => (done = r)), owner, age: ++arrivals }
    this.holders.get(key)!.add(me)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(earlier.map((t) => t.ended)), new Promise((r) => (timer = setTimeout(r, LOCK_WAIT_MS)))])
    clearTimeout(timer)
    return () => {
      const set = this.holders.get(key)
      set?.delete(me)
      if (set?.size === 0) this.holders.delete(key)
      done()
    }
  }

  commit(id: unknown): void {
    const tx = this.get(id)
    this.end(tx)
    for (const key of tx.touched) {
      const [coll, docId] = key.split('\u0000') as [string, string]
      if (this.store.version(coll, docId) > tx.startSeq) {
        this.conflicts++
        throw new DbError('DATABASE_TRANSACTION_CONFLICT', `Transaction is conflict, maybe resource ${coll}/${docId} is being modified by another transaction`)
      }
    }
    this.store.commit([...tx.writes.values()])
    this.committed++
  }

  abort(id: unknown): void {
    this.end(this.get(id))
  }

  /**
   * Ends the open transactions of callers that can no longer finish them (a function instance that was
   * terminated): what they hold is free at once, instead of making others wait until the sweep.
   */
  abandon(owners: Iterable<string>): number {
    const gone = new Set(owners)
    gone.delete('')
    let n = 0
    for (const tx of [...this.open.values()]) {
      if (gone.has(tx.owner)) {
        this.end(tx)
        n++
      }
    }
    return n
  }

  private end(tx: Transaction): void {
    this.open.delete(tx.id)
    for (const key of tx.touched) {
      const set = this.holders.get(key)
      set?.delete(tx)
      if (set?.size === 0) this.holders.delete(key)
    }
    tx.finish()
    this.pin()
  }

  /** Tells the store the oldest snapshot still being read. */
  private pin(): void {
    let oldest: number | undefined
    for (const t of this.open.values()) oldest = oldest === undefined ? t.startSeq : Math.min(oldest, t.startSeq)
    this.store.pin(oldest)
    this.store.forgetRemovalsBefore(oldest ?? this.store.sequence)
  }

  private sweep(): void {
    const now = Date.now()
    for (const tx of this.open.values()) if (now - tx.openedAt > MAX_OPEN_MS) this.end(tx)
  }
}
