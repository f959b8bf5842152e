// Figures for the local cloud's database: round trips per second through its CloudBase API with the
// real SDK (the floor every function's database work stands on), and transactions per second of the
// on-disk store alone (no HTTP, no SDK), each in the same run as the burst figures that depend on them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseService } from '../../emulator/cloud/db/database-service'
import { DocStore } from '../../emulator/cloud/db/doc-store'
import { toEjson } from '../../emulator/cloud/db/ejson'
import { Worker } from 'node:worker_threads'
import type { WxDatabase } from '../../server/platform/wx-server-sdk'

/**
 * Database round trips per second through the local cloud: `threads` worker threads (as many as a
 * function has instances), each with the real SDK and `perThread` callers reading one document by _id.
 */
export async function roundTripsPerSecond(
  db: WxDatabase,
  apiUrl: string,
  collection: string,
  threads: number,
  perThread = 4,
  total = 6000,
): Promise<number> {
  await db
    .collection(collection)
    .doc('bench-floor')
    .set({ data: { n: 1 } })
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(join(__dirname, 'floor-worker.cjs'), {
        workerData: { apiUrl, collection, total: Math.ceil(total / threads), concurrency: perThread },
      }),
  )
  const next = (w: Worker) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve)
      w.once('error', reject)
    })
  // Each thread loads the SDK and makes one call before the clock starts: the floor is the steady state.
  await Promise.all(workers.map(next))
  const t0 = performance.now()
  const done = Promise.all(workers.map(next))
  for (const w of workers) w.postMessage('go')
  await done
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(workers.map((w) => w.terminate()))
  return (Math.ceil(total / threads) * threads) / seconds
}

/**
 * Transactions per second of the store alone, on disk: each one reads an account, rewrites it and
 * inserts a ledger entry, committed as one SQLite transaction (the shape of a spend).
 */
export async function storeTransactionsPerSecond(n = 5000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'))
  const store = DocStore.open(join(dir, 'cloud.sqlite'))
  try {
    const db = new DatabaseService(store)
    for (const c of ['accounts', 'ledger']) await db.handle('database.addCollection', { collectionName: c })
    const q = toEjson({ _id: 'acct' })
    const t0 = performance.now()
    for (let i = 1; i <= n; i++) {
      const { transactionId } = (await db.handle('database.startTransaction', {})) as { transactionId: string }
      await db.handle('database.getDocument', { collectionName: 'accounts', queryType: 'DOC', query: q, transactionId })
      await db.handle('database.modifyDocument', {
        collectionName: 'accounts',
        queryType: 'DOC',
        query: q,
        transactionId,
        merge: false,
        upsert: true,
        data: toEjson({ n: i }),
      })
      await db.handle('database.insertDocument', { collectionName: 'ledger', transactionId, data: [toEjson({ _id: `e${i}`, n: i })] })
      await db.handle('database.commitTransaction', { transactionId })
    }
    return n / ((performance.now() - t0) / 1000)
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
