// The bytes of the local cloud database: SQLite through better-sqlite3, one row per document, in WAL mode.
// A row holds the document in V8's serialization format (node:v8, documented as safe to store) when it is
// made of plain values only (the JSON types and Dates: every document the product writes), else its
// canonical EJSON; rows of either kind are read back. V8's format is about 3 times faster to write than
// EJSON and half its size: a card carrying an hour of spend keys (~300 KB) is rewritten by each of its
// spends, and EJSON was most of a write's cost.
//
// A commit is one SQLite transaction, so a database transaction's writes reach the file all together or
// not at all whatever moment the process dies at (SQLite documents WAL commits as atomic and durable
// against an application crash; `CLOUD_DB_SYNC=full` adds an fsync per commit for power loss as well).
// Collections and indexes are rows too, so they survive restarts.
//
// Every document is also held parsed in memory, with the sequence number of the commit that last wrote
// it: queries run against memory, and optimistic transactions compare those numbers at commit. While a
// transaction is open, the versions it may still need are kept too, so that it reads the database as it
// was when it started (snapshot reads). The numbers are per process (open transactions do not survive a
// restart, so they never need to).
// better-sqlite3 is synchronous: a commit's check and write cannot interleave with another's, so no queue.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { calculateObjectSize } from 'bson'
import { isPlainObject, parseEjson, toEjson, type Doc } from './ejson'
import { DbError } from './errors'

/**
 * MongoDB's largest document (BSON bytes). A CloudBase record is a MongoDB document: "单条记录大小受底层 BSON
 * 限制,不超过 16mb" (CloudBase staff on developers.weixin.qq.com), so an insert or update past it fails there
 * and writes nothing.
 */
export const MAX_DOC_BYTES = 16 * 1024 * 1024

/** Refuses a document over MAX_DOC_BYTES in MongoDB's words for an insert, or an update (`existed`). */
export function assertDocSize(doc: Doc, existed: boolean): void {
  const size = calculateObjectSize(doc)
  if (size <= MAX_DOC_BYTES) return
  throw new DbError(
    'DATABASE_REQUEST_FAILED',
    existed
      ? `Resulting document after update is larger than ${MAX_DOC_BYTES}`
      : `object to insert too large. size in bytes: ${size}, max size: ${MAX_DOC_BYTES}`,
  )
}

/**
 * What plainValues found of objects and arrays of stored documents. Stored documents are never changed in
 * place (an update copies the objects on its paths and shares the rest, query-engine.ts), so an answer
 * holds for as long as the object lives: a write of a card with ~1,200 spend keys walks only what its
 * update copied, not every key again.
 */
const plainSeen = new WeakMap<object, boolean>()

/** Whether `v` holds only what V8's format gives back as it was: the JSON types and Dates, in plain objects. */
function plainValues(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return typeof v !== 'bigint' && typeof v !== 'function' && typeof v !== 'symbol'
  let plain = plainSeen.get(v)
  if (plain === undefined) plainSeen.set(v, (plain = plainWalk(v)))
  return plain
}

function plainWalk(v: object): boolean {
  // A hole (an update's $set past an array's end makes them) is written as null in EJSON, as MongoDB pads.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !plainValues(v[i])) return false
    return true
  }
  // By tag and prototype chain, not instanceof: a document read from disk may come from another realm's
  // constructors (node:v8 deserializes into Node's own, which jest's sandbox does not share).
  if (Object.prototype.toString.call(v) === '[object Date]') return true
  if (!isPlainObject(v)) return false
  for (const k in v) if (!plainValues((v as Record<string, unknown>)[k])) return false
  return true
}

/** A document's row body: V8's format for plain values, EJSON text for anything else (bson values). */
function encode(doc: Doc): Buffer | string {
  return plainValues(doc) ? serialize(doc) : toEjson(doc)
}

function decode(body: Buffer | string): Doc {
  return (typeof body === 'string' ? parseEjson(body) : deserialize(body)) as Doc
}

export interface Write {
  coll: string
  id: string
  /** null removes the document */
  doc: Doc | null
}

interface Entry {
  doc: Doc
  /** sequence number of the commit that last wrote it */
  ver: number
}

export interface IndexSpec {
  name: string
  keys: Record<string, 1 | -1>
  unique: boolean
}

export interface DocStoreOptions {
  /** 'normal' (default): durable against a killed process; 'full': also against power loss. */
  sync?: 'normal' | 'full'
}

const keyOf = (coll: string, id: string) => `${coll}\u0000${id}`

/** An indexable value's key (type-tagged, so 1 and '1' differ); undefined for anything else. */
function valueKey(v: unknown): string | undefined {
  const t = typeof v
  return t === 'string' || t === 'number' || t === 'boolean' ? `${t[0]}${String(v)}` : undefined
}

/** Documents whose path crosses an array match in ways an equality index cannot tell: always candidates. */
const ANY = '\u0000any'

/** The index key of the document's value at `path`: ANY when an array is on the way. */
function fieldValue(doc: Doc, path: string): string | undefined {
  let cur: unknown = doc
  for (const k of path.split('.')) {
    if (Array.isArray(cur)) return ANY
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined
  }
  return Array.isArray(cur) ? ANY : valueKey(cur)
}

function indexAdd(byField: Map<string, Set<string>>, k: string | undefined, id: string): void {
  if (k === undefined) return
  let ids = byField.get(k)
  if (!ids) byField.set(k, (ids = new Set()))
  ids.add(id)
}

function indexRemove(byField: Map<string, Set<string>>, k: string | undefined, id: string): void {
  if (k === undefined) return
  const ids = byField.get(k)
  ids?.delete(id)
  if (ids?.size === 0) byField.delete(k)
}

export class DocStore {
  private seq = 0
  private readonly colls = new Map<string, Map<string, Entry>>()
  private readonly indexes = new Map<string, IndexSpec[]>()
  private readonly declared = new Map<string, string[][]>()
  /** when each removed document was removed, for transactions that read it before */
  private readonly removedAt = new Map<string, number>()
  /** earlier versions of documents, oldest first, while an open transaction may read them */
  private readonly history = new Map<string, { doc: Doc | undefined; ver: number }[]>()
  /** the oldest snapshot an open transaction reads (undefined: none open) */
  private pinned: number | undefined
  /** equality indexes: collection → field path → value key → ids */
  private readonly eq = new Map<string, Map<string, Map<string, Set<string>>>>()
  private readonly stmt: {
    upsert: Database.Statement
    remove: Database.Statement
    addColl: Database.Statement
    addIndex: Database.Statement
    setAcl: Database.Statement
  }
  /** collection → its permission tag, where one was set (tcb-api.ts ModifyDatabaseACL) */
  private readonly acl = new Map<string, string>()
  private readonly commitTx: (writes: Write[]) => void

  private constructor(private readonly sql: Database.Database) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS indexes (coll TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (coll, name));
      CREATE TABLE IF NOT EXISTS docs (coll TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (coll, id));
      CREATE TABLE IF NOT EXISTS collection_acl (coll TEXT PRIMARY KEY, tag TEXT NOT NULL);
    `)
    this.stmt = {
      // ON CONFLICT keeps the row (and its rowid), so documents keep their insertion order.
      upsert: sql.prepare('INSERT INTO docs (coll, id, body) VALUES (?, ?, ?) ON CONFLICT (coll, id) DO UPDATE SET body = excluded.body'),
      remove: sql.prepare('DELETE FROM docs WHERE coll = ? AND id = ?'),
      addColl: sql.prepare('INSERT INTO collections (name, created_at) VALUES (?, ?)'),
      addIndex: sql.prepare('INSERT OR REPLACE INTO indexes (coll, name, spec) VALUES (?, ?, ?)'),
      setAcl: sql.prepare('INSERT OR REPLACE INTO collection_acl (coll, tag) VALUES (?, ?)'),
    }
    this.commitTx = sql.transaction((writes: Write[]) => {
      for (const w of writes) {
        if (w.doc) this.stmt.upsert.run(w.coll, w.id, this.withinLimit(w, encode(w.doc)))
        else this.stmt.remove.run(w.coll, w.id)
      }
    })
    for (const { name } of sql.prepare('SELECT name FROM collections ORDER BY rowid').all() as { name: string }[])
      this.colls.set(name, new Map())
    for (const r of sql.prepare('SELECT coll, tag FROM collection_acl').all() as { coll: string; tag: string }[])
      this.acl.set(r.coll, r.tag)
    for (const r of sql.prepare('SELECT coll, spec FROM indexes').all() as { coll: string; spec: string }[]) {
      this.indexes.set(r.coll, [...(this.indexes.get(r.coll) ?? []), JSON.parse(r.spec) as IndexSpec])
    }
    for (const r of sql.prepare('SELECT coll, id, body FROM docs ORDER BY rowid').iterate() as Iterable<{
      coll: string
      id: string
      body: Buffer | string
    }>) {
      this.colls.get(r.coll)?.set(r.id, { doc: decode(r.body), ver: 0 })
    }
    for (const [coll, specs] of this.indexes)
      for (const spec of specs) for (const field of Object.keys(spec.keys)) this.buildIndex(coll, field)
  }

  /** The ids of documents whose `field` equals `value` (a string, number or boolean), from its index. */
  lookup(coll: string, field: string, value: string | number | boolean): Set<string> {
    let byField = this.eq.get(coll)?.get(field)
    if (!byField) {
      // First equality query on this field: index it, as a merchant adds an index in the console, and
      // keep the index across restarts.
      this.addIndex(coll, { name: `${field}_1`, keys: { [field]: 1 }, unique: false })
      byField = this.buildIndex(coll, field)
    }
    const exact = byField.get(valueKey(value)!)
    const any = byField.get(ANY)
    if (!any) return exact ?? new Set()
    return new Set([...(exact ?? []), ...any])
  }

  private buildIndex(coll: string, field: string): Map<string, Set<string>> {
    const byField = new Map<string, Set<string>>()
    let perColl = this.eq.get(coll)
    if (!perColl) this.eq.set(coll, (perColl = new Map()))
    perColl.set(field, byField)
    for (const [id, e] of this.colls.get(coll) ?? []) indexAdd(byField, fieldValue(e.doc, field), id)
    return byField
  }

  /** `file` null keeps the database in memory (tests); the same code runs either way. */
  static open(file: string | null, opts: DocStoreOptions = {}): DocStore {
    if (file) mkdirSync(dirname(file), { recursive: true })
    const sql = new Database(file ?? ':memory:')
    if (file) {
      sql.pragma('journal_mode = WAL')
      sql.pragma(`synchronous = ${opts.sync === 'full' ? 'FULL' : 'NORMAL'}`)
    }
    return new DocStore(sql)
  }

  /** The sequence number of the last commit. */
  get sequence(): number {
    return this.seq
  }

  hasCollection(name: string): boolean {
    return this.colls.has(name)
  }

  collectionNames(): string[] {
    return [...this.colls.keys()]
  }

  createCollection(name: string): void {
    this.stmt.addColl.run(name, Date.now())
    this.colls.set(name, new Map())
  }

  addIndex(coll: string, spec: IndexSpec): void {
    this.stmt.addIndex.run(coll, spec.name, JSON.stringify(spec))
    this.indexes.set(coll, [...(this.indexes.get(coll) ?? []).filter((i) => i.name !== spec.name), spec])
  }

  /**
   * An index declared ahead of any query (server/store/indexes.ts, as a merchant creates it in the
   * console or `npm run deploy` through the management API; named as MongoDB names it by default): kept
   * across restarts and built now, each of its fields answering equality lookups.
   */
  declareIndex(coll: string, fields: string[], name = fields.map((f) => `${f}_1`).join('_')): void {
    this.declared.set(coll, [...(this.declared.get(coll) ?? []), fields])
    this.addIndex(coll, { name, keys: Object.fromEntries(fields.map((f) => [f, 1 as const])), unique: false })
    for (const field of fields) if (!this.eq.get(coll)?.has(field)) this.buildIndex(coll, field)
  }

  /** The permission tag set for `coll` through the management API; undefined when none was set. */
  aclOf(coll: string): string | undefined {
    return this.acl.get(coll)
  }

  /** Sets `coll`'s permission tag, kept across restarts (the local cloud's functions are not bound by it). */
  setAcl(coll: string, tag: string): void {
    this.stmt.setAcl.run(coll, tag)
    this.acl.set(coll, tag)
  }

  indexesOf(coll: string): IndexSpec[] {
    return this.indexes.get(coll) ?? []
  }

  /** Every collection's indexes as the console's 索引管理 lists them: the fields of each, in order. */
  indexFields(): Record<string, string[][]> {
    return Object.fromEntries([...this.indexes].map(([coll, specs]) => [coll, specs.map((s) => Object.keys(s.keys))]))
  }

  /** The indexes declared for `coll` since the store opened (fields of each), not those a query added. */
  declaredIndexes(coll: string): string[][] {
    return this.declared.get(coll) ?? []
  }

  /** The stored document; callers must not mutate it (clone first). */
  get(coll: string, id: string): Doc | undefined {
    return this.colls.get(coll)?.get(id)?.doc
  }

  /** The sequence number of the commit that last wrote or removed the document (0: not since start). */
  version(coll: string, id: string): number {
    return this.colls.get(coll)?.get(id)?.ver ?? this.removedAt.get(keyOf(coll, id)) ?? 0
  }

  /** The document as it was after commit `seq` (a transaction's snapshot). */
  getAt(coll: string, id: string, seq: number): Doc | undefined {
    if (this.version(coll, id) <= seq) return this.get(coll, id)
    const past = this.history.get(keyOf(coll, id)) ?? []
    for (let i = past.length - 1; i >= 0; i--) if (past[i]!.ver <= seq) return past[i]!.doc
    return past[0]?.doc
  }

  /** Keeps what a transaction reading at `oldest` (the oldest open one; undefined: none) still needs. */
  pin(oldest: number | undefined): void {
    this.pinned = oldest
    if (oldest === undefined) {
      this.history.clear()
      return
    }
    for (const [k, past] of this.history) {
      // Versions older than the newest one at or before `oldest` can no longer be read.
      let keep = 0
      for (let i = past.length - 1; i >= 0; i--)
        if (past[i]!.ver <= oldest) {
          keep = i
          break
        }
      if (keep > 0) past.splice(0, keep)
      const [c, d] = k.split('\u0000') as [string, string]
      if (past.length && this.version(c, d) <= oldest) this.history.delete(k)
    }
  }

  /** Every document of the collection in insertion order; callers must not mutate them. */
  docs(coll: string): IterableIterator<Doc> {
    const m = this.colls.get(coll)
    return (function* () {
      if (m) for (const e of m.values()) yield e.doc
    })()
  }

  count(coll: string): number {
    return this.colls.get(coll)?.size ?? 0
  }

  /**
   * The document's row body, when the document is within the limit (MAX_DOC_BYTES); else the write fails,
   * and with it the whole commit (SQLite rolls the transaction back). The exact BSON size is computed only
   * when the body could hide it. EJSON: BSON takes under 5 bytes for each character (a UTF-16 unit is at
   * most 3 UTF-8 bytes; the worst framing, an array's empty string or object, is at most 14 bytes against
   * 3 characters). V8's format: under 16 bytes for each byte (it writes an array's elements without
   * keys: `true` at index 1,000,000 is 1 byte there and 10 in BSON; a Latin-1 character 1 byte, 2 in UTF-8).
   */
  private withinLimit(w: Write, body: Buffer | string): Buffer | string {
    if (body.length * (typeof body === 'string' ? 5 : 16) <= MAX_DOC_BYTES) return body
    assertDocSize(w.doc!, this.colls.get(w.coll)?.has(w.id) === true)
    return body
  }

  /** Writes all of `writes` in one SQLite transaction, then makes them visible; returns the commit's number. */
  commit(writes: Write[]): number {
    if (writes.length === 0) return this.seq
    this.commitTx(writes)
    const seq = ++this.seq
    for (const w of writes) {
      const m = this.colls.get(w.coll)!
      const indexes = this.eq.get(w.coll)
      if (indexes) {
        const old = m.get(w.id)?.doc
        for (const [field, byField] of indexes) {
          if (old) indexRemove(byField, fieldValue(old, field), w.id)
          if (w.doc) indexAdd(byField, fieldValue(w.doc, field), w.id)
        }
      }
      if (this.pinned !== undefined) {
        const key = keyOf(w.coll, w.id)
        const past = this.history.get(key) ?? []
        past.push({ doc: m.get(w.id)?.doc, ver: this.version(w.coll, w.id) })
        this.history.set(key, past)
      }
      if (w.doc) {
        m.set(w.id, { doc: w.doc, ver: seq })
        this.removedAt.delete(keyOf(w.coll, w.id))
      } else if (m.delete(w.id)) {
        this.removedAt.set(keyOf(w.coll, w.id), seq)
      }
    }
    return seq
  }

  /** Forgets removals older than `seq` (no open transaction started before it). */
  forgetRemovalsBefore(seq: number): void {
    for (const [k, at] of this.removedAt) if (at <= seq) this.removedAt.delete(k)
  }

  close(): void {
    if (this.sql.open) this.sql.close()
  }
}
