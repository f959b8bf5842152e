// The cloud database API of wx-server-sdk (collection/doc/where/command/runTransaction) over an
// embedded persistent store (@seald-io/nedb, one file per collection under the data directory).
//
// Limits enforced as the real service does: a query returns at most 1000 records and 100 when it names
// no limit; transactions offer doc() and add() only; collections must exist before use
// (createCollection); where().update() and doc writes are atomic per document. Every write and every
// transaction commit goes through one queue, so a conditional update's check and write cannot be split.
import Datastore from '@seald-io/nedb'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { applyUpdate, assertStorable, clone, command, toStoreQuery } from './commands'

type Doc = Record<string, unknown> & { _id: string }

export const QUERY_MAX_LIMIT = 1000
export const QUERY_DEFAULT_LIMIT = 100

/** Errors carry errCode/errMsg like wx-server-sdk's. */
export class DbError extends Error {
  constructor(readonly errCode: number, readonly errMsg: string) {
    super(errMsg)
    this.name = 'DbError'
  }
}

class ConflictError extends DbError {
  constructor(key: string) {
    super(-502007, `transaction conflict on ${key}: it changed after the transaction read it`)
  }
}

class RollbackSignal {
  constructor(readonly reason: unknown) {}
}

function newId(): string {
  return randomBytes(16).toString('hex')
}

/** JSON with sorted keys, so that two reads of one unchanged document compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'undefined'
}

function checkId(id: unknown, where: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw new DbError(-502001, `${where}: _id must be a non-empty string of at most 128 characters`)
  }
  return id
}

export class LocalDatabase {
  readonly command = command
  private readonly stores = new Map<string, Datastore<Doc>>()
  /** Indexes as created in the console: applied to each collection when it exists. */
  private readonly indexes = new Map<string, string[][]>()
  private writeTail: Promise<unknown> = Promise.resolve()

  /** `dir` null keeps everything in memory (tests). */
  private constructor(private readonly dir: string | null) {}

  static async open(dir: string | null): Promise<LocalDatabase> {
    const db = new LocalDatabase(dir)
    if (dir) {
      mkdirSync(dir, { recursive: true })
      for (const f of readdirSync(dir)) if (f.endsWith('.db')) await db.attach(f.slice(0, -3))
    }
    return db
  }

  private async attach(name: string): Promise<Datastore<Doc>> {
    const ds = new Datastore<Doc>(this.dir ? { filename: join(this.dir, `${name}.db`) } : { inMemoryOnly: true })
    await ds.loadDatabaseAsync()
    this.stores.set(name, ds)
    await this.applyIndexes(name, ds)
    return ds
  }

  /**
   * The indexes a merchant creates in the console (collection → fields of each index). The embedded
   * store indexes the leading field of each; created now for existing collections, later for new ones.
   */
  async declareIndexes(decl: Record<string, string[][]>): Promise<void> {
    for (const [name, list] of Object.entries(decl)) {
      this.indexes.set(name, list)
      const ds = this.stores.get(name)
      if (ds) await this.applyIndexes(name, ds)
    }
  }

  private async applyIndexes(name: string, ds: Datastore<Doc>): Promise<void> {
    for (const fields of this.indexes.get(name) ?? []) if (fields[0]) await ds.ensureIndexAsync({ fieldName: fields[0] })
  }

  async createCollection(name: string): Promise<{ errMsg: string }> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new DbError(-502001, `createCollection: invalid collection name ${name}`)
    if (this.stores.has(name)) throw new DbError(-502006, `createCollection:fail collection ${name} already exists`)
    await this.attach(name)
    return { errMsg: 'createCollection:ok' }
  }

  /** @internal */
  store(name: string): Datastore<Doc> {
    const ds = this.stores.get(name)
    if (!ds) throw new DbError(-502005, `database collection not exists: ${name} (DATABASE_COLLECTION_NOT_EXIST)`)
    return ds
  }

  /** @internal Runs `fn` after every earlier write has finished. */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeTail.then(fn, fn)
    this.writeTail = run.catch(() => undefined)
    return run
  }

  collection(name: string): LocalCollection {
    return new LocalCollection(this, name, {}, undefined, 0, undefined)
  }

  serverDate(): Date {
    return new Date()
  }

  async runTransaction<T>(fn: (tx: LocalTransaction) => Promise<T>, retries = 3): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const tx = new LocalTransaction(this)
      let result: T
      try {
        result = await fn(tx)
      } catch (err) {
        if (err instanceof RollbackSignal) throw err.reason
        throw err
      }
      try {
        await this.serialize(() => tx.commit())
        return result
      } catch (err) {
        if (err instanceof ConflictError && attempt < retries) continue
        throw err
      }
    }
  }

  /** Writes every collection out compactly; call before exit. */
  async close(): Promise<void> {
    await this.serialize(async () => {
      if (this.dir) for (const ds of this.stores.values()) await ds.compactDatafileAsync()
    })
  }
}

class LocalDoc {
  constructor(private readonly db: LocalDatabase, private readonly coll: string, private readonly id: string) {
    checkId(id, 'doc')
  }

  async get(): Promise<{ data: Doc }> {
    const doc = await this.db.store(this.coll).findOneAsync({ _id: this.id })
    if (!doc) throw new DbError(-502001, `document.get:fail document with _id ${this.id} does not exist`)
    return { data: doc }
  }

  set({ data }: { data: Record<string, unknown> }): Promise<{ _id: string; stats: { updated: number; created: number } }> {
    if ('_id' in data) throw new DbError(-502001, 'document.set:fail data may not contain _id')
    assertStorable(data, 'document.set')
    const ds = this.db.store(this.coll)
    return this.db.serialize(async () => {
      const exists = await ds.findOneAsync({ _id: this.id })
      const doc = { ...clone(data), _id: this.id }
      if (exists) {
        await ds.updateAsync({ _id: this.id }, doc, {})
        return { _id: this.id, stats: { updated: 1, created: 0 } }
      }
      await ds.insertAsync(doc)
      return { _id: this.id, stats: { updated: 0, created: 1 } }
    })
  }

  update({ data }: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    const ds = this.db.store(this.coll)
    return this.db.serialize(async () => {
      const cur = await ds.findOneAsync({ _id: this.id })
      if (!cur) return { stats: { updated: 0 } }
      const next = applyUpdate(cur, data) as Doc
      if (canonical(next) === canonical(cur)) return { stats: { updated: 0 } }
      await ds.updateAsync({ _id: this.id }, next, {})
      return { stats: { updated: 1 } }
    })
  }

  remove(): Promise<{ stats: { removed: number } }> {
    const ds = this.db.store(this.coll)
    return this.db.serialize(async () => ({ stats: { removed: await ds.removeAsync({ _id: this.id }, {}) } }))
  }
}

class LocalCollection {
  constructor(
    private readonly db: LocalDatabase,
    private readonly name: string,
    private readonly filter: Record<string, unknown>,
    private readonly order: Record<string, 1 | -1> | undefined,
    private readonly skipN: number,
    private readonly limitN: number | undefined,
  ) {}

  doc(id: string): LocalDoc {
    return new LocalDoc(this.db, this.name, id)
  }

  async add({ data }: { data: Record<string, unknown> }): Promise<{ _id: string }> {
    assertStorable(data, 'collection.add')
    const id = data._id === undefined ? newId() : checkId(data._id, 'collection.add')
    const ds = this.db.store(this.name)
    return this.db.serialize(async () => {
      if (await ds.findOneAsync({ _id: id })) {
        throw new DbError(-502001, `collection.add:fail duplicate key: _id ${id} already exists`)
      }
      await ds.insertAsync({ ...clone(data), _id: id })
      return { _id: id }
    })
  }

  where(q: Record<string, unknown>): LocalCollection {
    return new LocalCollection(this.db, this.name, { ...this.filter, ...toStoreQuery(q) }, this.order, this.skipN, this.limitN)
  }

  orderBy(field: string, order: 'asc' | 'desc'): LocalCollection {
    if (order !== 'asc' && order !== 'desc') throw new DbError(-502001, `orderBy: order must be asc or desc`)
    return new LocalCollection(this.db, this.name, this.filter, { ...this.order, [field]: order === 'asc' ? 1 : -1 }, this.skipN, this.limitN)
  }

  skip(n: number): LocalCollection {
    if (!Number.isInteger(n) || n < 0) throw new DbError(-502001, `skip: must be a non-negative integer`)
    return new LocalCollection(this.db, this.name, this.filter, this.order, n, this.limitN)
  }

  limit(n: number): LocalCollection {
    if (!Number.isInteger(n) || n < 1) throw new DbError(-502001, `limit: must be a positive integer`)
    return new LocalCollection(this.db, this.name, this.filter, this.order, this.skipN, n)
  }

  async get(): Promise<{ data: Doc[] }> {
    // The server caps every query: 100 records when no limit is named, never more than 1000.
    const limit = Math.min(this.limitN ?? QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT)
    let cursor = this.db.store(this.name).findAsync(this.filter)
    if (this.order) cursor = cursor.sort(this.order)
    const data = await cursor.skip(this.skipN).limit(limit)
    return { data }
  }

  async count(): Promise<{ total: number }> {
    return { total: await this.db.store(this.name).countAsync(this.filter) }
  }

  update({ data }: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> {
    const ds = this.db.store(this.name)
    return this.db.serialize(async () => {
      let updated = 0
      for (const cur of await ds.findAsync(this.filter)) {
        const next = applyUpdate(cur, data) as Doc
        if (canonical(next) === canonical(cur)) continue
        await ds.updateAsync({ _id: cur._id }, next, {})
        updated++
      }
      return { stats: { updated } }
    })
  }

  remove(): Promise<{ stats: { removed: number } }> {
    const ds = this.db.store(this.name)
    return this.db.serialize(async () => ({ stats: { removed: await ds.removeAsync(this.filter, { multi: true }) } }))
  }
}

type TxKey = string
const keyOf = (coll: string, id: string): TxKey => `${coll}/${id}`

/**
 * Optimistic transaction: reads are snapshotted, writes buffered; the commit (under the write queue)
 * fails with a conflict if anything read has changed since, and runTransaction then runs it again.
 */
export class LocalTransaction {
  private readonly reads = new Map<TxKey, { coll: string; id: string; snapshot: string }>()
  private readonly writes = new Map<TxKey, { coll: string; id: string; doc: Doc | null }>()

  constructor(private readonly db: LocalDatabase) {}

  private async read(coll: string, id: string): Promise<Doc | null> {
    const key = keyOf(coll, id)
    const written = this.writes.get(key)
    if (written) return written.doc ? clone(written.doc) : null
    const doc = await this.db.store(coll).findOneAsync({ _id: id })
    if (!this.reads.has(key)) this.reads.set(key, { coll, id, snapshot: canonical(doc ?? null) })
    return doc ?? null
  }

  collection(coll: string) {
    this.db.store(coll)
    return {
      doc: (id: string) => {
        checkId(id, 'transaction.doc')
        const key = keyOf(coll, id)
        return {
          get: async () => {
            const doc = await this.read(coll, id)
            if (!doc) throw new DbError(-502001, `document.get:fail document with _id ${id} does not exist`)
            return { data: doc }
          },
          set: async ({ data }: { data: Record<string, unknown> }) => {
            if ('_id' in data) throw new DbError(-502001, 'document.set:fail data may not contain _id')
            assertStorable(data, 'transaction.set')
            const existed = (await this.read(coll, id)) !== null
            this.writes.set(key, { coll, id, doc: { ...clone(data), _id: id } })
            return { _id: id, stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 } }
          },
          update: async ({ data }: { data: Record<string, unknown> }) => {
            const cur = await this.read(coll, id)
            if (!cur) return { stats: { updated: 0 } }
            this.writes.set(key, { coll, id, doc: applyUpdate(cur, data) as Doc })
            return { stats: { updated: 1 } }
          },
          remove: async () => {
            const cur = await this.read(coll, id)
            this.writes.set(key, { coll, id, doc: null })
            return { stats: { removed: cur ? 1 : 0 } }
          },
        }
      },
      add: async ({ data }: { data: Record<string, unknown> }) => {
        assertStorable(data, 'transaction.add')
        const id = data._id === undefined ? newId() : checkId(data._id, 'transaction.add')
        if (await this.read(coll, id)) throw new DbError(-502001, `collection.add:fail duplicate key: _id ${id} already exists`)
        this.writes.set(keyOf(coll, id), { coll, id, doc: { ...clone(data), _id: id } })
        return { _id: id }
      },
      where: () => {
        throw new DbError(-502001, 'transaction: only doc() and add() are supported inside a transaction, not where()')
      },
    }
  }

  rollback(reason?: unknown): never {
    throw new RollbackSignal(reason)
  }

  /** @internal Called by runTransaction under the write queue. */
  async commit(): Promise<void> {
    for (const [key, r] of this.reads) {
      const now = await this.db.store(r.coll).findOneAsync({ _id: r.id })
      if (canonical(now ?? null) !== r.snapshot) throw new ConflictError(key)
    }
    for (const w of this.writes.values()) {
      const ds = this.db.store(w.coll)
      if (w.doc === null) await ds.removeAsync({ _id: w.id }, {})
      else if (await ds.findOneAsync({ _id: w.id })) await ds.updateAsync({ _id: w.id }, w.doc, {})
      else await ds.insertAsync(w.doc)
    }
  }
}
