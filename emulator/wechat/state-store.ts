// The WeChat emulator's state on disk: SQLite through better-sqlite3 (as the local cloud's store,
// emulator/cloud/db/doc-store.ts), one row per record, in WAL mode. A record is one entry of one of the
// state's maps (a code, a card, an order…), one push of the push log, or one top-level setting ('meta':
// the clock offset, the id sequence, the whitelist…). Writing a change costs the records it touched, not
// the size of the state (the old design rewrote one JSON file of every code: 19 MB and ~300 ms at 52,000).
//
// The state stays in memory as plain objects, so the API families read and change it as they always
// have (`p.s.codes[key].status = 'CONSUMED'`). Each map, the push log and each record is seen through a
// Proxy that notes which record a change touched; the noted records are written in one SQLite transaction
// at the end of the current turn of the event loop, and before any reply or push leaves the process
// (flush()), so what a caller was told is on disk whatever moment the process is killed at (SQLite: a WAL
// commit is atomic and durable against an application crash).
//
// A record put into a map is stored as the object given (its nested proxies unwrapped). A caller that keeps
// the object it put and changes it later in the same turn is still written (the write reads the object at
// the end of the turn); one that changes it after an await must read it back from the map first.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import { emptyState, MAPS, withDicts, type EmuState } from './state'

type Obj = Record<string | symbol, unknown>

/** Told of every record that changed (value undefined: removed), when it is noted and again when written. */
export type ChangeListener = (coll: string, key: string, value: unknown) => void

/** Maps nested in a top-level setting: their entries are records of their own. */
const NESTED: Record<string, { parent: 'invoice' | 'coins'; field: string }> = {
  'invoice.authData': { parent: 'invoice', field: 'authData' },
  'coins.orders': { parent: 'coins', field: 'orders' },
}

/** The schema's version in PRAGMA user_version; 0 is a new file. */
const SCHEMA = 1

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object'

export class StateStore {
  /** The state as callers use it: every change through it is noted and written. */
  readonly state: EmuState
  /** collection → its container: a map, the push log, or (for 'meta') the state itself */
  private readonly colls = new Map<string, Obj>()
  private readonly containerProxies = new WeakMap<object, object>()
  private readonly recordProxies = new WeakMap<object, { coll: string; key: string; proxy: object }>()
  private readonly targets = new WeakMap<object, object>()
  private readonly dirty = new Map<string, Set<string>>()
  private readonly listeners: ChangeListener[] = []
  private readonly put: Database.Statement<[string, string, string]>
  private readonly del: Database.Statement<[string, string]>
  /** rows written (upserted or deleted) since the store opened: each change costs the records it touched */
  written = 0
  private batching = 0
  private scheduled = false
  private closed = false

  private constructor(
    private readonly db: Database.Database,
    raw: EmuState,
  ) {
    this.put = db.prepare(
      'INSERT INTO records (coll, key, value) VALUES (?, ?, ?) ON CONFLICT (coll, key) DO UPDATE SET value = excluded.value',
    )
    this.del = db.prepare('DELETE FROM records WHERE coll = ? AND key = ?')
    const root = raw as unknown as Obj
    this.colls.set('meta', root)
    for (const k of MAPS) this.colls.set(k, root[k] as Obj)
    this.colls.set('pushes', root.pushes as Obj)
    for (const [coll, n] of Object.entries(NESTED)) this.colls.set(coll, (root[n.parent] as Obj)[n.field] as Obj)
    for (const [coll, target] of this.colls)
      if (coll !== 'meta') this.containerProxies.set(target, new Proxy(target, this.containerHandler(coll, Array.isArray(target))))
    this.state = new Proxy(root, this.rootHandler()) as unknown as EmuState
  }

  /**
   * Opens the state kept in `file` (null: an in-memory database, for tests; the same code runs either
   * way). A data directory from before this store held `legacyJson` (one JSON document): its state is
   * moved into the new file on first start and the JSON file renamed `*.migrated`.
   */
  static open(file: string | null, legacyJson?: string): StateStore {
    if (file) mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file ?? ':memory:')
    if (file) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    // 64 MB of pages in memory: a write at 1,000,000 codes finds its B-tree path cached, not re-read.
    db.pragma('cache_size = -65536')
    db.exec('CREATE TABLE IF NOT EXISTS records (coll TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (coll, key))')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA)
      throw new Error(`${file}: emulator state schema ${version} is newer than this code's ${SCHEMA}; start with --fresh`)
    if (version === 0 && legacyJson && existsSync(legacyJson)) {
      const parsed = JSON.parse(readFileSync(legacyJson, 'utf8')) as Partial<EmuState>
      if (parsed.version !== 2)
        throw new Error(`${legacyJson}: emulator state version ${String(parsed.version)} is not 2; start with --fresh`)
      const store = new StateStore(db, withDicts({ ...emptyState(), ...parsed } as EmuState))
      store.noteAll()
      store.flush()
      db.pragma(`user_version = ${SCHEMA}`)
      renameSync(legacyJson, `${legacyJson}.migrated`)
      return store
    }
    if (version !== SCHEMA) db.pragma(`user_version = ${SCHEMA}`)
    return new StateStore(db, StateStore.load(db))
  }

  /** Rows in the order they were first written, so every map iterates as it did before a restart. */
  private static load(db: Database.Database): EmuState {
    const raw = emptyState()
    const root = raw as unknown as Obj
    const rows = db.prepare('SELECT coll, key, value FROM records ORDER BY rowid').raw().iterate() as IterableIterator<
      [string, string, string]
    >
    for (const [coll, key, value] of rows) {
      const v = JSON.parse(value) as unknown
      const nested = NESTED[coll]
      if (coll === 'meta') {
        // The two settings that hold a nested map keep the (already filled) map object.
        if (key === 'invoice' || key === 'coins') Object.assign(root[key] as Obj, v)
        else root[key] = v
      } else if (coll === 'pushes') raw.pushes[Number(key)] = v as EmuState['pushes'][number]
      else if (nested) ((root[nested.parent] as Obj)[nested.field] as Obj)[key] = v
      else if ((MAPS as readonly string[]).includes(coll)) (root[coll] as Obj)[key] = v
    }
    if (raw.version !== 2) throw new Error(`emulator state version ${String(raw.version)} is not 2; start with --fresh`)
    return raw
  }

  /** Listens to changes (state-index.ts keeps its lookups current this way); told of every record now. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener)
    for (const [coll, c] of this.colls)
      if (coll !== 'meta') for (const key of Object.keys(c)) if (c[key] !== undefined) listener(coll, key, c[key])
  }

  /** Notes a change; it is written at the end of this turn or at the next flush(), whichever comes first. */
  touch(): void {
    this.schedule()
  }

  /**
   * Runs `fn` (synchronous) writing everything it changed in one transaction at its end, not turn by
   * turn: the fast path for filling the state in bulk (benchmarks). Listeners (state-index.ts) catch up
   * at its end, so `fn` must not look codes up by value or holder.
   */
  batch<T>(fn: () => T): T {
    this.batching++
    try {
      return fn()
    } finally {
      this.batching--
      if (!this.batching) this.flush()
    }
  }

  /** Writes every noted record in one transaction. */
  flush(): void {
    if (this.closed || this.batching || !this.dirty.size) return
    const changes: [string, string, unknown][] = []
    for (const [coll, keys] of this.dirty) {
      const c = this.colls.get(coll)!
      for (const key of keys) changes.push([coll, key, c[key]])
    }
    this.dirty.clear()
    this.db.transaction(() => {
      for (const [coll, key, v] of changes) {
        if (v === undefined) this.del.run(coll, key)
        else this.put.run(coll, key, this.serialize(coll, v))
      }
    })()
    this.written += changes.length
    for (const [coll, key, v] of changes) for (const l of this.listeners) l(coll, key, v)
  }

  /** Writes what is noted and closes the file; later changes stay in memory only. */
  close(): void {
    this.flush()
    this.closed = true
    this.db.close()
  }

  /** The number of records kept, by collection (benchmarks, tests). */
  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT coll, COUNT(*) AS n FROM records GROUP BY coll').all() as { coll: string; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.coll, r.n]))
  }

  // ---------- noting changes ----------

  private note(coll: string, key: string): void {
    let keys = this.dirty.get(coll)
    if (!keys) this.dirty.set(coll, (keys = new Set()))
    keys.add(key)
    // In a batch the listeners hear of each record once, when the batch is written.
    if (this.listeners.length && !this.batching) {
      const v = this.colls.get(coll)![key]
      for (const l of this.listeners) l(coll, key, v)
    }
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.flush()
    })
  }

  /** Every record, as for a first write (a migrated state). */
  private noteAll(): void {
    for (const [coll, c] of this.colls) {
      for (const key of Object.keys(c)) {
        if (coll === 'meta' && this.colls.has(key)) continue
        if (coll === 'pushes' && !/^\d+$/.test(key)) continue
        this.note(coll, key)
      }
    }
  }

  /** A top-level setting without the maps nested in it (they are records of their own). */
  private serialize(coll: string, v: unknown): string {
    if (coll !== 'meta' || !isObj(v)) return JSON.stringify(v)
    return JSON.stringify(v, (k, x: unknown) => (k !== '' && isObj(x) && this.containerProxies.has(x) ? undefined : x))
  }

  /** The plain object behind a value that may be (or hold) proxies, so stored records hold no proxies. */
  private unwrap(v: unknown): unknown {
    if (!isObj(v)) return v
    const t = (this.targets.get(v) ?? v) as Obj
    if (this.containerProxies.has(t)) return t
    for (const k of Object.keys(t)) {
      const c = t[k]
      if (isObj(c)) {
        const u = this.unwrap(c)
        if (u !== c) t[k] = u
      }
    }
    return t
  }

  private rootHandler(): ProxyHandler<Obj> {
    return {
      get: (t, prop) => {
        const v = t[prop]
        if (!isObj(v)) return v
        return this.containerProxies.get(v) ?? (typeof prop === 'string' ? this.record('meta', prop, v) : v)
      },
      set: (t, prop, v) => {
        if (typeof prop !== 'string') return Reflect.set(t, prop, v)
        const holdsMap = this.colls.has(prop) || Object.values(NESTED).some((n) => n.parent === prop)
        if (holdsMap) throw new Error(`the emulator's ${prop} is kept entry by entry: change its entries, not the whole of it`)
        t[prop] = this.unwrap(v)
        this.note('meta', prop)
        return true
      },
      deleteProperty: (t, prop) => {
        const ok = Reflect.deleteProperty(t, prop)
        if (typeof prop === 'string') this.note('meta', prop)
        return ok
      },
    }
  }

  /** A map (keys are any string) or the push log (keys are indexes). */
  private containerHandler(coll: string, isArray: boolean): ProxyHandler<Obj> {
    const isKey = (prop: string | symbol): prop is string => typeof prop === 'string' && (!isArray || /^\d+$/.test(prop))
    return {
      get: (t, prop) => {
        const v = t[prop]
        return isKey(prop) && isObj(v) ? this.record(coll, prop, v) : v
      },
      set: (t, prop, v) => {
        if (!isKey(prop)) return Reflect.set(t, prop, v)
        t[prop] = this.unwrap(v)
        this.note(coll, prop)
        return true
      },
      deleteProperty: (t, prop) => {
        const ok = Reflect.deleteProperty(t, prop)
        if (isKey(prop)) this.note(coll, prop)
        return ok
      },
      defineProperty: (t, prop, desc) => {
        const ok = Reflect.defineProperty(t, prop, 'value' in desc ? { ...desc, value: this.unwrap(desc.value) } : desc)
        if (isKey(prop)) this.note(coll, prop)
        return ok
      },
    }
  }

  /** The record's proxy (the same one each time, so records compare by identity as plain objects do). */
  private record(coll: string, key: string, target: Obj): object {
    const known = this.recordProxies.get(target)
    if (known && known.coll === coll && known.key === key) return known.proxy
    const proxy = this.tracked(target, coll, key)
    this.recordProxies.set(target, { coll, key, proxy })
    return proxy
  }

  /** A proxy of a record or of an object inside one: any change notes the record. */
  private tracked(target: Obj, coll: string, key: string): object {
    const proxy = new Proxy(target, {
      get: (t, prop) => {
        const v = Reflect.get(t, prop) as unknown
        if (!isObj(v)) return v
        return this.containerProxies.get(v) ?? this.tracked(v, coll, key)
      },
      set: (t, prop, v) => {
        const ok = Reflect.set(t, prop, this.unwrap(v))
        this.note(coll, key)
        return ok
      },
      deleteProperty: (t, prop) => {
        const ok = Reflect.deleteProperty(t, prop)
        this.note(coll, key)
        return ok
      },
      defineProperty: (t, prop, desc) => {
        const ok = Reflect.defineProperty(t, prop, 'value' in desc ? { ...desc, value: this.unwrap(desc.value) } : desc)
        this.note(coll, key)
        return ok
      },
    })
    this.targets.set(proxy, target)
    return proxy
  }
}
