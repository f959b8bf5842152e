// The database actions of the CloudBase API (`database.*`), with the service's semantics: Extended JSON
// in and out, MongoDB query and update operators, `db.serverDate()`, at most 1000 records a query and
// 100 when none is named, upsert/merge/multi, collections that must exist, the real error codes, and
// transactions on single documents (doc() and add()) only. Aggregation (`database.aggregateDocuments`)
// is in aggregation.ts.
import { randomBytes } from 'node:crypto'
import { aggregate, stagesOf, type AggregateSource } from './aggregation'
import type { DocStore, Write } from './doc-store'
import { parseEjson, resolveServerDates, toEjson, isPlainObject, type Doc } from './ejson'
import { DbError, duplicateKey, notExist } from './errors'
import { applyUpdate, idOf, matcher, select } from './query-engine'
import { Transactions, type Transaction } from './transactions'

export const QUERY_MAX_LIMIT = 1000
export const QUERY_DEFAULT_LIMIT = 100

type Params = Record<string, unknown>
type Data = Record<string, unknown>

/** A new _id as the service makes them: 32 hex digits. */
function newId(): string {
  return randomBytes(16).toString('hex')
}

/** Who is calling: the invocation's API token the SDK sends ('' from the host process). */
const ownerOf = (p: Params): string => (typeof p.wxCloudApiToken === 'string' ? p.wxCloudApiToken : '')

function checkId(id: unknown): string {
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id).length === 0 || String(id).length > 128) {
    throw new DbError('INVALID_PARAM', '_id must be a non-empty string of at most 128 characters')
  }
  return String(id)
}

function criteriaOf(p: Params): Record<string, unknown> {
  const q = parseEjson(p.query)
  if (q === undefined) return {}
  if (!isPlainObject(q)) throw new DbError('INVALID_PARAM', 'query must be an object')
  return resolveServerDates(q, Date.now()) as Record<string, unknown>
}

function dataOf(p: Params): Data {
  const d = resolveServerDates(parseEjson(p.data), Date.now())
  if (!isPlainObject(d)) throw new DbError('INVALID_PARAM', 'data must be an object')
  return d
}

/** Rejects what MongoDB would not store: field names starting with $ or holding a dot. */
function assertStorable(v: unknown, path = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => assertStorable(x, `${path}[${i}]`))
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$') || k.includes('.'))
        throw new DbError('DATABASE_REQUEST_FAILED', `field name ${path}${k} may not start with $ or contain a dot`)
      assertStorable(x, `${path}${k}.`)
    }
  }
}

/** A top-level `field: value` (or `{$eq: value}`) of a string, number or boolean, which an index answers. */
function indexableEquality(criteria: Record<string, unknown>): { field: string; value: string | number | boolean } | undefined {
  for (const [field, v] of Object.entries(criteria)) {
    if (field.startsWith('$')) continue
    const value = isPlainObject(v) && Object.keys(v).length === 1 && '$eq' in v ? v.$eq : v
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { field, value }
  }
  return undefined
}

/**
 * The fields a query filters on, for each way it can match (each alternative of an `$or` is one way;
 * the members of an `$and` all hold, so their fields add up, as the SDK's `_.and([fields, _.or(…)])`
 * sends a filter beside its alternatives): what an index must lead with to answer it.
 */
function filterFields(criteria: Record<string, unknown>): string[][] {
  let ways: string[][] = [Object.keys(criteria).filter((k) => !k.startsWith('$'))]
  const times = (more: string[][]) => (ways = ways.flatMap((w) => more.map((m) => [...w, ...m])))
  for (const member of Array.isArray(criteria.$and) ? criteria.$and.filter(isPlainObject) : []) times(filterFields(member))
  const alternatives = Array.isArray(criteria.$or) ? criteria.$or.filter(isPlainObject) : []
  if (alternatives.length) times(alternatives.flatMap(filterFields))
  return ways
}

export class DatabaseService implements AggregateSource {
  readonly tx: Transactions
  /**
   * Queries the product ran that no declared index answers (server/store/indexes.ts): "collection:
   * fields" → how many times. In production such a query scans the whole collection; here the local
   * cloud indexes the field on first use, so only this record shows it. Queries by `_id`, and listings
   * with no filter at all, need none.
   */
  readonly uncovered = new Map<string, number>()

  constructor(readonly store: DocStore) {
    this.tx = new Transactions(store)
  }

  /** Runs one action; the reply's `data` or a DbError. */
  async handle(action: string, p: Params): Promise<Data> {
    const tx = this.txOf(p)
    const writes = action === 'database.insertDocument' || action === 'database.modifyDocument' || action === 'database.removeDocument'
    // A transaction's write first takes the document's transaction lock, or conflicts; an ordinary
    // update of a document waits while a transaction holds its lock (transactions.ts).
    if (tx && writes) {
      const coll = this.coll(p)
      const ids = action === 'database.insertDocument' ? this.insertIds(p) : [this.txDocId(p, criteriaOf(p))]
      for (const id of ids) this.tx.lock(tx, coll, id)
    } else if (!tx && action !== 'database.insertDocument' && writes) {
      const id = idOf(criteriaOf(p))
      if (id !== undefined && this.store.hasCollection(String(p.collectionName))) await this.tx.settle(String(p.collectionName), id)
    }
    return this.run(action, p)
  }

  /** The _ids an insertDocument names (documents without one get a new id, which nobody else holds). */
  private insertIds(p: Params): string[] {
    const raw = Array.isArray(p.data) ? p.data : [p.data]
    return raw.flatMap((item) => {
      const d = parseEjson(item)
      return isPlainObject(d) && d._id !== undefined ? [checkId(d._id)] : []
    })
  }

  private run(action: string, p: Params): Data {
    switch (action) {
      case 'database.addCollection':
        return this.addCollection(p)
      case 'database.insertDocument':
        return this.insert(p)
      case 'database.getDocument':
        return this.get(p)
      case 'database.calculateDocument':
        return this.count(p)
      case 'database.aggregateDocuments':
        return this.aggregate(p)
      case 'database.modifyDocument':
        return this.modify(p)
      case 'database.removeDocument':
        return this.remove(p)
      case 'database.startTransaction':
        return { transactionId: this.tx.start(ownerOf(p)).id }
      case 'database.commitTransaction':
        this.tx.commit(p.transactionId)
        return {}
      case 'database.abortTransaction':
        this.tx.abort(p.transactionId)
        return {}
      default:
        throw new DbError('INVALID_PARAM', `action ${action} is not supported by the local cloud`)
    }
  }

  private coll(p: Params): string {
    const name = p.collectionName
    if (typeof name !== 'string' || !name) throw new DbError('INVALID_PARAM', 'collectionName is required')
    if (!this.store.hasCollection(name)) throw notExist(name)
    return name
  }

  private txOf(p: Params): Transaction | undefined {
    return p.transactionId === undefined || p.transactionId === '' ? undefined : this.tx.get(p.transactionId)
  }

  /** Inside a transaction the service offers single-document operations only. */
  private txDocId(p: Params, criteria: Record<string, unknown>): string {
    const id = p.queryType === 'DOC' ? idOf(criteria) : undefined
    if (id === undefined)
      throw new DbError('DATABASE_REQUEST_FAILED', 'a transaction supports single-document operations only: doc() and add(), not where()')
    return id
  }

  private addCollection(p: Params): Data {
    const name = p.collectionName
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw new DbError('INVALID_PARAM', `invalid collection name ${String(name)}`)
    if (this.store.hasCollection(name))
      throw new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists (DATABASE_COLLECTION_ALREADY_EXIST)`)
    this.store.createCollection(name)
    return {}
  }

  private insert(p: Params): Data {
    const coll = this.coll(p)
    const raw = Array.isArray(p.data) ? p.data : [p.data]
    const tx = this.txOf(p)
    const docs: Doc[] = raw.map((item) => {
      const d = resolveServerDates(parseEjson(item), Date.now())
      if (!isPlainObject(d)) throw new DbError('INVALID_PARAM', 'data must be an object')
      assertStorable(d)
      return { ...d, _id: d._id === undefined ? newId() : checkId(d._id) }
    })
    const seen = new Set<string>()
    for (const d of docs) {
      const exists = tx ? tx.read(coll, d._id) : this.store.get(coll, d._id)
      if (exists || seen.has(d._id)) throw duplicateKey(coll, d._id)
      seen.add(d._id)
    }
    if (tx) for (const d of docs) tx.write(coll, d._id, d)
    else this.store.commit(docs.map((d) => ({ coll, id: d._id, doc: d })))
    return { insertedIds: docs.map((d) => d._id) }
  }

  /** The documents a query names, in insertion order (a lookup when it names one _id). */
  private matching(coll: string, criteria: Record<string, unknown>): Doc[] {
    return this.candidates(coll, criteria).filter(matcher(criteria))
  }

  /**
   * The documents of `coll` that may match `criteria`, in insertion order, not yet tested against it:
   * the one its _id names, those an equality index gives (for a top-level field, or for every
   * alternative of a top-level `$or`, as MongoDB's planner unions index scans), or else all.
   */
  candidates(coll: string, criteria: Record<string, unknown> = {}): Doc[] {
    const id = idOf(criteria)
    if (id !== undefined) {
      const d = this.store.get(coll, id)
      return d ? [d] : []
    }
    this.noteCoverage(coll, criteria)
    const ids = this.indexedIds(coll, criteria)
    if (!ids) return [...this.store.docs(coll)]
    const docs = [...ids].flatMap((i) => this.store.get(coll, i) ?? [])
    if (docs.length < 2) return docs
    // In insertion order, like a scan.
    const order = new Map<string, number>()
    let i = 0
    for (const d of this.store.docs(coll)) if (ids.has(d._id)) order.set(d._id, i++)
    return docs.sort((a, b) => order.get(a._id)! - order.get(b._id)!)
  }

  /** Records a query no declared index leads with one of its fields (see `uncovered`). */
  private noteCoverage(coll: string, criteria: Record<string, unknown>): void {
    const declared = this.store.declaredIndexes(coll)
    for (const fields of filterFields(criteria)) {
      if (!fields.length || fields.includes('_id') || declared.some((index) => fields.includes(index[0]!))) continue
      const shape = `${coll}: ${[...fields].sort().join(', ')}`
      this.uncovered.set(shape, (this.uncovered.get(shape) ?? 0) + 1)
    }
  }

  /** The ids an index gives for `criteria` (a superset of its matches), or undefined when none helps. */
  private indexedIds(coll: string, criteria: Record<string, unknown>): Set<string> | undefined {
    const id = idOf(criteria)
    if (id !== undefined) return new Set(this.store.get(coll, id) ? [id] : [])
    const eq = indexableEquality(criteria)
    if (eq) return this.store.lookup(coll, eq.field, eq.value)
    const alternatives = criteria.$or
    if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined
    const union = new Set<string>()
    for (const alt of alternatives) {
      const ids = isPlainObject(alt) ? this.indexedIds(coll, alt) : undefined
      if (!ids) return undefined
      for (const x of ids) union.add(x)
    }
    return union
  }

  private get(p: Params): Data {
    const coll = this.coll(p)
    const criteria = criteriaOf(p)
    const tx = this.txOf(p)
    const requested = typeof p.limit === 'number' && p.limit > 0 ? p.limit : QUERY_DEFAULT_LIMIT
    const limit = Math.min(requested, QUERY_MAX_LIMIT)
    const offset = typeof p.offset === 'number' && p.offset > 0 ? p.offset : 0
    let docs: Doc[]
    if (tx) {
      const d = tx.read(coll, this.txDocId(p, criteria))
      docs = d ? [d] : []
    } else {
      const order = parseEjson(p.order) as Record<string, 1 | -1> | undefined
      const projection = parseEjson(p.projection) as Record<string, unknown> | undefined
      docs = select(this.matching(coll, criteria), {}, { order, offset, limit, projection })
    }
    return { list: docs.map(toEjson), offset, limit }
  }

  /** `collection.aggregate()…end()` (aggregation.ts). */
  private aggregate(p: Params): Data {
    return { list: aggregate(this, this.coll(p), stagesOf(p.stages)) }
  }

  hasCollection(name: string): boolean {
    return this.store.hasCollection(name)
  }

  private count(p: Params): Data {
    const coll = this.coll(p)
    const criteria = criteriaOf(p)
    return { total: Object.keys(criteria).length ? this.matching(coll, criteria).length : this.store.count(coll) }
  }

  private modify(p: Params): Data {
    const coll = this.coll(p)
    const criteria = criteriaOf(p)
    const data = dataOf(p)
    const merge = p.merge !== false
    const upsert = p.upsert === true
    if (!merge) assertStorable(data)
    const tx = this.txOf(p)
    if (tx) {
      const id = this.txDocId(p, criteria)
      const cur = tx.read(coll, id)
      if (!cur) {
        if (!upsert) return { updated: 0, upsert_id: null }
        tx.write(coll, id, applyUpdate({ _id: id }, data, merge))
        return { updated: 0, upsert_id: id }
      }
      const next = applyUpdate(cur, data, merge)
      if (next !== cur) tx.write(coll, id, next)
      return { updated: next === cur ? 0 : 1, upsert_id: null }
    }
    const multi = p.multi !== false && p.queryType !== 'DOC'
    const found = this.matching(coll, criteria)
    const targets = multi ? found : found.slice(0, 1)
    if (targets.length === 0) {
      if (!upsert) return { updated: 0, upsert_id: null }
      const id = idOf(criteria) ?? newId()
      const base: Doc = { _id: id }
      // An upsert starts from the query's plain equalities, as MongoDB's does.
      for (const [k, v] of Object.entries(criteria))
        if (!k.startsWith('$') && !k.includes('.') && !(isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$')))) base[k] = v
      this.store.commit([{ coll, id, doc: applyUpdate(base, data, merge) }])
      return { updated: 0, upsert_id: id }
    }
    const writes: Write[] = []
    for (const cur of targets) {
      const next = applyUpdate(cur, data, merge)
      if (next !== cur) writes.push({ coll, id: cur._id, doc: next })
    }
    this.store.commit(writes)
    return { updated: writes.length, upsert_id: null }
  }

  private remove(p: Params): Data {
    const coll = this.coll(p)
    const criteria = criteriaOf(p)
    const tx = this.txOf(p)
    if (tx) {
      const id = this.txDocId(p, criteria)
      const cur = tx.read(coll, id)
      if (cur) tx.write(coll, id, null)
      return { deleted: cur ? 1 : 0 }
    }
    const found = this.matching(coll, criteria)
    const targets = p.multi === false || p.queryType === 'DOC' ? found.slice(0, 1) : found
    this.store.commit(targets.map((d) => ({ coll, id: d._id, doc: null })))
    return { deleted: targets.length }
  }
}
