// Transactions as the CloudBase database runs them (startTransaction / commitTransaction /
// abortTransaction, with document operations carrying the transactionId), in the words of WeChat's
// Cloud Development guide, 数据库 → 事务 (developers.weixin.qq.com/minigame/dev/wxcloud/guide/database/
// transaction), "快照隔离" (snapshot isolation):
//   1. during a transaction, reads return the object's snapshot, not the live data;
//   2. a write changes the snapshot (later reads in the transaction see it) and puts a transaction lock
//      on the object;
//   3. while an object holds a transaction lock, other transactions' writes to it fail at once, and
//      ordinary (non-transactional) updates block until the lock is released or times out;
//   4. at commit the transaction's snapshot is written atomically.
// So: reads never wait and never conflict; a transaction's write to a document another open
// transaction has written fails at once with DATABASE_TRANSACTION_CONFLICT, and so does its write to
// a document committed by anyone after its snapshot was taken (snapshot isolation: the first writer
// wins, MongoDB's WriteConflict, which the service runs on). The failed transaction is over (its locks
// are released): wx-server-sdk's runTransaction (@cloudbase/database transaction/index.js) starts a new
// attempt on DATABASE_TRANSACTION_CONFLICT wherever it is raised, in an operation or at commit, up to
// its `times` (default 3 retries), and never rolls the failed attempt back itself.
import { randomBytes } from 'node:crypto'
import { assertDocSize, type DocStore, type Write } from './doc-store'
import type { Doc } from './ejson'
import { DbError } from './errors'

/** Transactions left open longer than this are dropped (a function that died mid-transaction). */
const MAX_OPEN_MS = 60_000
/** How long an ordinary update waits for a transaction lock before going ahead ("…或者超时"). */
const LOCK_WAIT_MS = 5_000

const keyOf = (coll: string, id: string) => `${coll}\u0000${id}`

const conflict = (coll: string, id: string) =>
  new DbError(
    'DATABASE_TRANSACTION_CONFLICT',
    `Transaction is conflict, maybe resource ${coll}/${id} is being modified by another transaction`,
  )

export class Transaction {
  /** the documents it wrote: its transaction locks */
  readonly locked = new Set<string>()
  readonly writes = new Map<string, Write>()
  readonly openedAt = Date.now()
  private endNow!: () => void
  readonly ended = new Promise<void>((resolve) => (this.endNow = resolve))

  /** @param owner who opened it (the invocation's API token; '' for the host) */
  constructor(
    readonly id: string,
    readonly startSeq: number,
    private readonly store: DocStore,
    readonly owner = '',
  ) {}

  /** @internal */
  finish(): void {
    this.endNow()
  }

  /** The document as this transaction sees it: its own write, else its snapshot. */
  read(coll: string, id: string): Doc | undefined {
    const w = this.writes.get(keyOf(coll, id))
    if (w) return w.doc ?? undefined
    return this.store.getAt(coll, id, this.startSeq)
  }

  /** Buffers a write; Transactions.lock must have granted the document first. Too large fails here, as in MongoDB. */
  write(coll: string, id: string, doc: Doc | null): void {
    if (doc) assertDocSize(doc, this.read(coll, id) !== undefined)
    this.writes.set(keyOf(coll, id), { coll, id, doc })
  }
}

export class Transactions {
  private readonly open = new Map<string, Transaction>()
  /** document → the open transaction holding its lock */
  private readonly locks = new Map<string, Transaction>()
  /** transactions started (each attempt: the SDK's runTransaction starts one per retry) */
  started = 0
  committed = 0
  /** transactions ended by DATABASE_TRANSACTION_CONFLICT (at a write or at commit) */
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

  /**
   * Call before a transaction writes coll/id (insert, update, set, remove): takes the document's
   * transaction lock, or ends the transaction with DATABASE_TRANSACTION_CONFLICT when another open
   * transaction holds it (rule 3) or someone committed the document after this snapshot.
   */
  lock(tx: Transaction, coll: string, id: string): void {
    const key = keyOf(coll, id)
    if (tx.locked.has(key)) return
    const holder = this.locks.get(key)
    if ((holder && holder !== tx) || this.store.version(coll, id) > tx.startSeq) {
      this.conflicts++
      this.end(tx)
      throw conflict(coll, id)
    }
    this.locks.set(key, tx)
    tx.locked.add(key)
  }

  /**
   * Call before an ordinary (non-transactional) write to coll/id: it waits while an open transaction
   * holds the document's lock (rule 3), at most LOCK_WAIT_MS, and then goes ahead; the transaction, if
   * still open, then conflicts at commit.
   */
  async settle(coll: string, id: string): Promise<void> {
    const holder = this.locks.get(keyOf(coll, id))
    if (!holder) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([holder.ended, new Promise((r) => (timer = setTimeout(r, LOCK_WAIT_MS)))])
    clearTimeout(timer)
  }

  commit(id: unknown): void {
    const tx = this.get(id)
    this.end(tx)
    // Only an ordinary update that waited out LOCK_WAIT_MS can have written under a lock.
    for (const w of tx.writes.values()) {
      if (this.store.version(w.coll, w.id) > tx.startSeq) {
        this.conflicts++
        throw conflict(w.coll, w.id)
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
   * terminated): their locks are free at once, instead of blocking updates until the sweep.
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
    for (const key of tx.locked) if (this.locks.get(key) === tx) this.locks.delete(key)
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
