// A production-like view of the local database for the functions: every round trip the real service
// would make (a query, a document read or write, createCollection, a transaction's start, each of its
// operations and its commit) is counted and, with CLOUD_DB_LATENCY_MS set, delayed — half before the
// operation and half after, as a request and its reply each cross the network. The functions get this
// view; tests and seeding keep the bare database. Kept apart so that it can give way to the real-SDK
// cloud's own counters (GET /__cloud/stats) without touching anything else.
import type { LocalDatabase } from './database'

export interface CloudStats {
  /** database round trips made by the functions */
  dbCalls: number
  /** function invocations */
  invocations: number
  /** transactions started (each attempt, including the database's own retries) */
  transactions: number
  /** transaction attempts that lost to a concurrent writer */
  conflicts: number
}

/** Query builders: their calls make no round trip, they describe one. */
const CHAIN = new Set(['collection', 'doc', 'where', 'orderBy', 'skip', 'limit', 'field'])
/** Calls that reach the server. */
const TRIP = new Set(['get', 'count', 'add', 'set', 'update', 'remove', 'createCollection'])

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve())

/** The delay of one database round trip; mutable so that a benchmark can set up fast and measure slow. */
export interface DbLatency {
  ms: number
}

export function meteredDatabase(db: LocalDatabase, stats: CloudStats, latency: DbLatency): LocalDatabase {
  const trip = async <T>(op: () => Promise<T>): Promise<T> => {
    stats.dbCalls++
    await sleep(latency.ms / 2)
    try {
      return await op()
    } finally {
      await sleep(latency.ms / 2)
    }
  }
  const wrap = <O extends object>(target: O): O =>
    new Proxy(target, {
      get(t, key, receiver) {
        const v = Reflect.get(t, key, receiver) as unknown
        if (typeof key !== 'string' || typeof v !== 'function') return v
        if (CHAIN.has(key)) return (...args: unknown[]) => wrap((v as (...a: unknown[]) => object).apply(t, args))
        if (TRIP.has(key)) return (...args: unknown[]) => trip(() => (v as (...a: unknown[]) => Promise<unknown>).apply(t, args))
        if (key === 'runTransaction') {
          return (fn: (tx: object) => Promise<unknown>, retries?: number) => {
            let attempts = 0
            const run = (v as LocalDatabase['runTransaction']).call(t, async (tx) => {
              if (attempts++ > 0) stats.conflicts++
              stats.transactions++
              await trip(async () => undefined) // start
              const out = await fn(wrap(tx))
              await trip(async () => undefined) // commit (the check and the writes follow under the write queue)
              return out
            }, retries)
            return run.catch((err: unknown) => {
              if (/conflict/i.test(String((err as Error)?.message))) stats.conflicts++
              throw err
            })
          }
        }
        return v
      },
    })
  return wrap(db)
}
