// The database port the domain uses. Its one production adapter is cloud-store.ts (the Cloud
// Development database through wx-server-sdk); the contract tests in test/contract/ hold any adapter to
// the behaviour described here.

export interface StoredDoc {
  _id: string
}

/** A comparison on one field; a plain value in a Filter means equality. */
export interface Condition {
  readonly op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in'
  readonly value: unknown
}

/** An atomic change to one field: `inc` adds, `unset` removes the field. */
export interface FieldOp {
  readonly op: 'inc' | 'unset'
  readonly value?: number
}

export type Filter = Record<string, unknown>

/**
 * The key under which a filter holds alternatives (`anyOf`): a document matches when it matches any
 * of them (and the filter's other fields). Stored field names never start with `$`, so it is unambiguous.
 */
export const ANY_OF = '$anyOf'

/** A filter matching documents that match any of `filters`: one query where there would be several. */
export function anyOf(...filters: Filter[]): Filter {
  if (filters.length === 0) throw new RangeError('anyOf needs at least one filter')
  return { [ANY_OF]: filters }
}
export type Patch = Record<string, unknown>

export const where = {
  eq: (value: unknown): Condition => ({ op: 'eq', value }),
  neq: (value: unknown): Condition => ({ op: 'neq', value }),
  gt: (value: number | string): Condition => ({ op: 'gt', value }),
  gte: (value: number | string): Condition => ({ op: 'gte', value }),
  lt: (value: number | string): Condition => ({ op: 'lt', value }),
  lte: (value: number | string): Condition => ({ op: 'lte', value }),
  in: (value: unknown[]): Condition => ({ op: 'in', value }),
}

export const change = {
  inc: (value: number): FieldOp => ({ op: 'inc', value }),
  unset: (): FieldOp => ({ op: 'unset' }),
}

/** The sort keys of a find, as a list. */
export function sortKeys(orderBy: FindOptions['orderBy']): readonly SortKey[] {
  if (!orderBy) return []
  return 'field' in orderBy ? [orderBy as SortKey] : (orderBy as readonly SortKey[])
}

export function isCondition(v: unknown): v is Condition {
  return typeof v === 'object' && v !== null && 'op' in v && 'value' in v && Object.keys(v).length === 2
}

export function isFieldOp(v: unknown): v is FieldOp {
  return typeof v === 'object' && v !== null && 'op' in v && ((v as FieldOp).op === 'inc' || (v as FieldOp).op === 'unset')
}

/** The Cloud Development database returns at most this many records a query. */
export const MAX_QUERY_LIMIT = 1000
/** …and this many when the query names no limit. */
export const DEFAULT_QUERY_LIMIT = 100

/** One group of `Store.sumBy`: the `by` fields' values, how many documents, the total of the field. */
export interface SumRow {
  key: Record<string, unknown>
  total: number
  count: number
}

/** One sort key of a find. */
export interface SortKey {
  field: string
  direction: 'asc' | 'desc'
}

export interface FindOptions {
  /** one key, or several (the first decides, the next breaks its ties: a keyset page sorts by time, then _id) */
  orderBy?: SortKey | readonly SortKey[]
  skip?: number
  /** 1..MAX_QUERY_LIMIT; DEFAULT_QUERY_LIMIT when absent. */
  limit?: number
}

/** A find run beside a document in one round trip (`Store.getWith`). */
export interface BesideFind {
  collection: string
  filter: Filter
  options?: FindOptions
  /**
   * Gives each found document, under `as` (not one of its own fields), the document of `collection`
   * whose _id its `field` holds, or null when there is none.
   */
  join?: { field: string; collection: string; as: string }
}

/** What `getWith` answers: the document, and each find's results under its name. */
export interface WithFound<T extends StoredDoc, K extends string> {
  doc: T
  found: Record<K, StoredDoc[]>
}

/** Raised by `insert` when a document with that _id exists. */
export class DuplicateIdError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`${collection}: a document with _id ${id} already exists`)
    this.name = 'DuplicateIdError'
  }
}

/**
 * Raised by a write that would make a document larger than the database keeps (a CloudBase record is a
 * MongoDB document: 16 MB of BSON); nothing was written.
 */
export class DocumentTooLargeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DocumentTooLargeError'
  }
}

/** A transaction lost to concurrent writers after the database's own retries; callers may run it again. */
export class TransactionConflictError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TransactionConflictError'
  }
}

/** Document operations allowed inside a transaction: the cloud database runs transactions on doc()/add() only. */
export interface TxStore {
  get<T extends StoredDoc>(collection: string, id: string): Promise<T | null>
  insert<T extends StoredDoc>(collection: string, doc: T): Promise<void>
  /** Creates or replaces the whole document. */
  set<T extends StoredDoc>(collection: string, doc: T): Promise<void>
  /** Applies `patch` to an existing document; false when it does not exist. */
  update(collection: string, id: string, patch: Patch): Promise<boolean>
  remove(collection: string, id: string): Promise<boolean>
}

export interface Store extends TxStore {
  /**
   * As TxStore's get; `omit` leaves those top-level fields out of the answer (a projection: the database
   * sends less). For a document with one large field a hot read does not need (a card's spend keys).
   */
  get<T extends StoredDoc>(collection: string, id: string, omit?: readonly string[]): Promise<T | null>
  /**
   * Applies `patch` only if the document still matches `filter`, atomically for that one document
   * (the basis of every no-overdraw debit). True when it applied.
   */
  updateIf(collection: string, id: string, filter: Filter, patch: Patch): Promise<boolean>
  find<T extends StoredDoc>(collection: string, filter: Filter, options?: FindOptions): Promise<T[]>
  count(collection: string, filter: Filter): Promise<number>
  /**
   * The documents matching `filter`: how many, and the total of their numeric `field` (0 where absent),
   * in one round trip whatever their number (the database adds them up; a find would page through them).
   */
  sum(collection: string, filter: Filter, field: string): Promise<{ total: number; count: number }>
  /**
   * As `sum`, one row per combination of the `by` fields' values (a field absent reads as null), in the same
   * single round trip: e.g. live cards by kind.
   */
  sumBy(collection: string, filter: Filter, field: string, by: readonly string[]): Promise<SumRow[]>
  /**
   * The document `id` of `collection` and, in the same round trip, what each of `beside`'s finds answers
   * (as `find` would, joins attached); null when the document does not exist, and then nothing else is
   * read. For a read path that must cost one round trip: rooted at a document the caller knows exists.
   */
  getWith<T extends StoredDoc, K extends string>(
    collection: string,
    id: string,
    beside: Record<K, BesideFind>,
  ): Promise<WithFound<T, K> | null>
  /** Runs `fn` atomically; retried by the database on a write conflict, so `fn` must be re-runnable. */
  transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R>
}
