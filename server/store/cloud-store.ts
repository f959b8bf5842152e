// The production adapter of the store port: the Cloud Development database, reached through the
// `Database` object wx-server-sdk hands out. The local cloud serves the same CloudBase protocol to the
// same SDK, so this code is exactly what runs in tests and in `npm start`.
import type { DbCommand, WxDatabase as Database, WxSdkError, WxTransaction as Transaction } from '../platform/wx-server-sdk'
import {
  ANY_OF,
  DEFAULT_QUERY_LIMIT,
  DocumentTooLargeError,
  DuplicateIdError,
  MAX_QUERY_LIMIT,
  TransactionConflictError,
  isCondition,
  isFieldOp,
  type BesideFind,
  type Filter,
  type FindOptions,
  type Patch,
  sortKeys,
  type Store,
  type SumRow,
  type StoredDoc,
  type TxStore,
  type WithFound,
} from './port'

/** A port filter as a where() argument: plain fields, or `_.or` of the alternatives (`_.and` with the rest). */
function toQuery(db: Database, filter: Filter): Record<string, unknown> | DbCommand {
  const { [ANY_OF]: alternatives, ...fields } = filter
  if (alternatives === undefined) return toFieldQuery(db, fields)
  const either = db.command.or((alternatives as Filter[]).map((f) => toQuery(db, f) as Record<string, unknown>))
  return Object.keys(fields).length ? db.command.and([toFieldQuery(db, fields), either as unknown as Record<string, unknown>]) : either
}

function toFieldQuery(db: Database, filter: Filter): Record<string, unknown> {
  const _ = db.command
  const out: Record<string, unknown> = {}
  for (const [field, v] of Object.entries(filter)) {
    // The SDK drops undefined keys from where(): a filter on an unset variable would match everything.
    if (v === undefined) throw new TypeError(`filter field ${field} is undefined`)
    if (!isCondition(v)) {
      out[field] = v
      continue
    }
    switch (v.op) {
      case 'eq':
        out[field] = _.eq(v.value)
        break
      case 'neq':
        out[field] = _.neq(v.value)
        break
      case 'gt':
        out[field] = _.gt(v.value)
        break
      case 'gte':
        out[field] = _.gte(v.value)
        break
      case 'lt':
        out[field] = _.lt(v.value)
        break
      case 'lte':
        out[field] = _.lte(v.value)
        break
      case 'in':
        out[field] = _.in(v.value as unknown[])
        break
    }
  }
  return out
}

function toUpdate(db: Database, patch: Patch): Record<string, unknown> {
  const _ = db.command
  const out: Record<string, DbCommand | unknown> = {}
  for (const [field, v] of Object.entries(patch)) {
    if (field === '_id') throw new Error('a patch may not change _id')
    if (isFieldOp(v)) out[field] = v.op === 'inc' ? _.inc(v.value ?? 0) : _.remove()
    else out[field] = v
  }
  return out
}

function withoutId(doc: StoredDoc): Record<string, unknown> {
  const { _id, ...rest } = doc as StoredDoc & Record<string, unknown>
  void _id
  return rest
}

/** A find's limit: DEFAULT_QUERY_LIMIT when none is named, and never more than the service answers. */
function limitOf(options: FindOptions): number {
  const limit = options.limit ?? DEFAULT_QUERY_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_QUERY_LIMIT}, got ${limit}`)
  }
  return limit
}

/** `doc(id).get()` rejects for a missing document with the SDK's own words (errCode -1). */
function isNotFound(err: unknown): boolean {
  return /^document\.get:fail document with _id .* does not exist$/.test(String((err as WxSdkError)?.errMsg ?? ''))
}

/** The service's answer for a collection that has not been created (DATABASE_COLLECTION_NOT_EXIST, -502005). */
export function isCollectionMissing(err: unknown): boolean {
  const e = err as WxSdkError | undefined
  return e?.errCode === -502005 || /DATABASE_COLLECTION_NOT_EXIST/.test(String(e?.errMsg ?? ''))
}

/** createCollection's refusal of a collection that is there already. */
function isCollectionExisting(err: unknown): boolean {
  return /DATABASE_COLLECTION_ALREADY_EXIST/.test(String((err as WxSdkError)?.errMsg ?? ''))
}

/** A duplicate _id is the service's DATABASE_REQUEST_FAILED (-502001) carrying MongoDB's E11000. */
function isDuplicate(err: unknown): boolean {
  const e = err as WxSdkError
  return e?.errCode === -502001 && /E11000 duplicate key/.test(String(e.errMsg ?? ''))
}

/** A write past MongoDB's 16 MB document limit: DATABASE_REQUEST_FAILED (-502001) in MongoDB's words. */
function tooLarge(err: unknown): DocumentTooLargeError | undefined {
  const e = err as WxSdkError
  const msg = String(e?.errMsg ?? '')
  return e?.errCode === -502001 && /document after update is larger than|object to insert too large/.test(msg)
    ? new DocumentTooLargeError(msg)
    : undefined
}

/** runTransaction rejects, once its retries are spent, with the service's plain error object. */
function isConflict(err: unknown): boolean {
  return (err as WxSdkError)?.code === 'DATABASE_TRANSACTION_CONFLICT'
}

/**
 * A transaction's write to a document another open transaction has written fails at once (WeChat's
 * Cloud Development guide, 数据库 → 事务, "快照隔离": 其他事务的写入会直接失败). The service says
 * DATABASE_TRANSACTION_CONFLICT, but wx-server-sdk's error table has no such code, so a document
 * operation rejects with -501001 and the service's message, which runTransaction does not retry (it
 * retries `code === 'DATABASE_TRANSACTION_CONFLICT'`, @cloudbase/database transaction/index.js).
 */
function isWriteConflict(err: unknown): boolean {
  const e = err as WxSdkError | undefined
  return e?.errCode === -501001 && /Transaction is conflict/.test(String(e.errMsg ?? ''))
}

/** Rethrows a write conflict in the service's own shape, so that runTransaction starts another attempt. */
async function asTransactionWrite<T>(op: Promise<T>): Promise<T> {
  try {
    return await op
  } catch (err) {
    if (isWriteConflict(err)) throw { code: 'DATABASE_TRANSACTION_CONFLICT', message: String((err as WxSdkError).errMsg) }
    throw tooLarge(err) ?? err
  }
}

class TxAdapter implements TxStore {
  constructor(
    private readonly db: Database,
    private readonly tx: Transaction,
  ) {}

  async get<T extends StoredDoc>(collection: string, id: string): Promise<T | null> {
    try {
      const res = await this.tx.collection(collection).doc(id).get()
      return (res.data ?? null) as T | null
    } catch (err) {
      if (isNotFound(err)) return null
      throw err
    }
  }

  async insert<T extends StoredDoc>(collection: string, doc: T): Promise<void> {
    try {
      await asTransactionWrite(this.tx.collection(collection).add({ data: { ...withoutId(doc), _id: doc._id } }))
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateIdError(collection, doc._id)
      throw err
    }
  }

  async set<T extends StoredDoc>(collection: string, doc: T): Promise<void> {
    await asTransactionWrite(
      this.tx
        .collection(collection)
        .doc(doc._id)
        .set({ data: withoutId(doc) }),
    )
  }

  async update(collection: string, id: string, patch: Patch): Promise<boolean> {
    const res = await asTransactionWrite(
      this.tx
        .collection(collection)
        .doc(id)
        .update({ data: toUpdate(this.db, patch) }),
    )
    return res.stats.updated > 0
  }

  async remove(collection: string, id: string): Promise<boolean> {
    const res = await asTransactionWrite(this.tx.collection(collection).doc(id).remove())
    return res.stats.removed > 0
  }
}

export class CloudStore implements Store {
  private creating: Promise<void> | undefined

  /**
   * `collections`: created on the first "collection does not exist" answer (then the call runs once
   * more), rather than on every instance's first call: a deployed environment has them all already.
   */
  constructor(
    private readonly db: Database,
    private readonly collections: readonly string[] = [],
  ) {}

  private async ensured<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (!this.collections.length || !isCollectionMissing(err)) throw tooLarge(err) ?? err
      this.creating ??= Promise.all(
        this.collections.map((name) =>
          this.db.createCollection(name).catch((e: unknown) => {
            if (!isCollectionExisting(e)) throw e
          }),
        ),
      )
        .then(() => undefined)
        .finally(() => (this.creating = undefined))
      await this.creating
      return fn()
    }
  }

  get<T extends StoredDoc>(collection: string, id: string, omit: readonly string[] = []): Promise<T | null> {
    return this.ensured(async () => {
      // A where() read answers an empty list for a missing document on every SDK version, where
      // doc().get() rejects; both reach the same record.
      let q = this.db.collection(collection).where({ _id: id })
      if (omit.length) q = q.field(Object.fromEntries(omit.map((f) => [f, false])))
      const res = await q.limit(1).get()
      return (res.data[0] ?? null) as T | null
    })
  }

  insert<T extends StoredDoc>(collection: string, doc: T): Promise<void> {
    return this.ensured(async () => {
      try {
        await this.db.collection(collection).add({ data: { ...withoutId(doc), _id: doc._id } })
      } catch (err) {
        if (isDuplicate(err)) throw new DuplicateIdError(collection, doc._id)
        throw err
      }
    })
  }

  set<T extends StoredDoc>(collection: string, doc: T): Promise<void> {
    return this.ensured(async () => {
      await this.db
        .collection(collection)
        .doc(doc._id)
        .set({ data: withoutId(doc) })
    })
  }

  update(collection: string, id: string, patch: Patch): Promise<boolean> {
    return this.ensured(async () => {
      const res = await this.db
        .collection(collection)
        .doc(id)
        .update({ data: toUpdate(this.db, patch) })
      return res.stats.updated > 0
    })
  }

  updateIf(collection: string, id: string, filter: Filter, patch: Patch): Promise<boolean> {
    return this.ensured(async () => {
      // A where() update with the _id in the filter is atomic for that one document.
      const res = await this.db
        .collection(collection)
        .where(toQuery(this.db, { ...filter, _id: id }))
        .update({ data: toUpdate(this.db, patch) })
      return res.stats.updated > 0
    })
  }

  remove(collection: string, id: string): Promise<boolean> {
    return this.ensured(async () => {
      const res = await this.db.collection(collection).doc(id).remove()
      return res.stats.removed > 0
    })
  }

  find<T extends StoredDoc>(collection: string, filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.ensured(async () => {
      const limit = limitOf(options)
      let q = this.db.collection(collection).where(toQuery(this.db, filter))
      for (const key of sortKeys(options.orderBy)) q = q.orderBy(key.field, key.direction)
      if (options.skip) q = q.skip(options.skip)
      const res = await q.limit(limit).get()
      return res.data as T[]
    })
  }

  /**
   * One `aggregate()` request: $match on the _id, the document moved under `doc` ($replaceRoot, so that
   * no name of `beside` can meet one of its fields), then one $lookup per find with the find as its
   * sub-pipeline ($match, $sort, $skip, $limit, and a $lookup by _id for a join). The sub-pipelines use
   * no variables of the root: MongoDB runs such an uncorrelated $lookup once, on the filter's indexes.
   */
  getWith<T extends StoredDoc, K extends string>(
    collection: string,
    id: string,
    beside: Record<K, BesideFind>,
  ): Promise<WithFound<T, K> | null> {
    const names = Object.keys(beside) as K[]
    return this.ensured(async () => {
      if (names.some((n) => n === 'doc' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(n)))
        throw new RangeError(`getWith: find names must be plain field names other than doc, got ${names.join(', ')}`)
      const $ = this.db.command.aggregate
      let agg = this.db
        .collection(collection)
        .aggregate()
        .match({ _id: id })
        .replaceRoot({ newRoot: { doc: '$$ROOT' } })
      for (const name of names) {
        const f: BesideFind = beside[name]
        let sub = $.pipeline().match(toQuery(this.db, f.filter))
        const keys = sortKeys(f.options?.orderBy)
        if (keys.length) sub = sub.sort(Object.fromEntries(keys.map((k) => [k.field, k.direction === 'asc' ? 1 : -1])))
        if (f.options?.skip) sub = sub.skip(f.options.skip)
        sub = sub.limit(limitOf(f.options ?? {}))
        if (f.join) sub = sub.lookup({ from: f.join.collection, localField: f.join.field, foreignField: '_id', as: f.join.as })
        agg = agg.lookup({ from: f.collection, pipeline: sub.done(), as: name })
      }
      const root = (await agg.end()).list[0]
      if (!root) return null
      const found = {} as Record<K, StoredDoc[]>
      for (const name of names) {
        const join = beside[name].join
        const docs = root[name] as Record<string, unknown>[]
        found[name] = (join ? docs.map((d) => ({ ...d, [join.as]: (d[join.as] as unknown[])[0] ?? null })) : docs) as unknown as StoredDoc[]
      }
      return { doc: root.doc as T, found }
    })
  }

  count(collection: string, filter: Filter): Promise<number> {
    return this.ensured(async () => {
      const res = await this.db.collection(collection).where(toQuery(this.db, filter)).count()
      return res.total
    })
  }

  /** One `aggregate()` request: $match on the filter, then one $group adding up `field` and counting. */
  sum(collection: string, filter: Filter, field: string): Promise<{ total: number; count: number }> {
    return this.ensured(async () => {
      if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(field)) throw new RangeError(`sum: a plain field name, got ${field}`)
      const res = await this.db
        .collection(collection)
        .aggregate()
        .match(toQuery(this.db, filter))
        .group({ _id: null, total: { $sum: `$${field}` }, count: { $sum: 1 } })
        .end()
      const row = res.list[0] as { total?: number; count?: number } | undefined
      return { total: row?.total ?? 0, count: row?.count ?? 0 }
    })
  }

  /** One `aggregate()` request: $match on the filter, then $group on the `by` fields adding up `field` and counting. */
  sumBy(collection: string, filter: Filter, field: string, by: readonly string[]): Promise<SumRow[]> {
    return this.ensured(async () => {
      const plain = /^[A-Za-z][A-Za-z0-9_]*$/
      if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(field)) throw new RangeError(`sumBy: a plain field name, got ${field}`)
      for (const b of by) if (!plain.test(b)) throw new RangeError(`sumBy: a plain field name to group by, got ${b}`)
      const res = await this.db
        .collection(collection)
        .aggregate()
        .match(toQuery(this.db, filter))
        .group({ _id: Object.fromEntries(by.map((b) => [b, `$${b}`])), total: { $sum: `$${field}` }, count: { $sum: 1 } })
        .end()
      return (res.list as { _id?: Record<string, unknown>; total?: number; count?: number }[]).map((row) => ({
        key: Object.fromEntries(by.map((b) => [b, row._id?.[b] ?? null])),
        total: row.total ?? 0,
        count: row.count ?? 0,
      }))
    })
  }

  transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    return this.ensured(async () => {
      try {
        return await this.db.runTransaction((tx) => fn(new TxAdapter(this.db, tx)))
      } catch (err) {
        if (isConflict(err)) throw new TransactionConflictError(`transaction conflict: ${String((err as WxSdkError).message)}`)
        throw err
      }
    })
  }
}
