// A Store for tests: the production adapter (CloudStore) over the real wx-server-sdk talking to a local
// cloud's CloudBase API, exactly as a function instance in the local stack gets it.
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { toEjson } from '../../emulator/cloud/db/ejson'
import { DbError } from '../../emulator/cloud/db/errors'
import type { WxDatabase } from '../../server/platform/wx-server-sdk'
import { CloudStore } from '../../server/store/cloud-store'
import { Collections } from '../../server/store/collections'
import { DuplicateIdError, type Store, type StoredDoc } from '../../server/store/port'
import { FUNCTIONS_DIR, stackEnv } from './cloud'

const opened: LocalCloud[] = []
// Under jest, the clouds a test file opened here are stopped after it.
if (typeof afterAll === 'function') afterAll(() => Promise.all(opened.splice(0).map((c) => c.stop())))

/** A local cloud with just its database in use, data in `dir` (null: in memory), `collections` created. */
export async function databaseCloud(
  dir: string | null = null,
  collections: string[] = Object.values(Collections),
  env: Record<string, string> = {},
): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ functionsDir: FUNCTIONS_DIR, dataDir: dir, mpAppid: stackEnv.WX_MP_APPID!, port: 0, env })
  opened.push(cloud)
  for (const c of collections) await cloud.db.createCollection(c)
  return cloud
}

export async function localDatabase(dir: string | null = null, collections: string[] = Object.values(Collections)): Promise<WxDatabase> {
  return (await databaseCloud(dir, collections)).db
}

export function storeOver(db: WxDatabase): CloudStore {
  return new CloudStore(db)
}

/**
 * `store` with some of its methods replaced (to count calls, or to make something happen in the middle of
 * one); the rest are the store's own, on its own class, so `this` inside them is as usual.
 */
export function overriding(store: Store, methods: Partial<Record<keyof Store, (...args: never[]) => unknown>>): Store {
  return Object.assign(Object.create(Object.getPrototypeOf(store) as object) as Store, store, methods)
}

export async function memoryStore(): Promise<CloudStore> {
  return storeOver(await localDatabase())
}

/**
 * A store for writing the data a merchant would already have before a test starts (thousands of
 * orders, cards, ledger entries): its inserts go straight to the local cloud's database service as the
 * `database.insertDocument` action the SDK's add() sends (the same checks, the same stored EJSON form),
 * without a signed HTTP round trip through the SDK for each document (most of a seed's time). Reads,
 * updates and transactions go through the SDK as storeOver's do; what a test exercises uses storeOver.
 */
export function seedingStore(cloud: LocalCloud): CloudStore {
  return new SeedingStore(cloud)
}

class SeedingStore extends CloudStore {
  constructor(private readonly cloud: LocalCloud) {
    super(cloud.db)
  }

  override async insert<T extends StoredDoc>(collection: string, doc: T): Promise<void> {
    try {
      await this.cloud.dbService.handle('database.insertDocument', { collectionName: collection, data: toEjson(doc) })
    } catch (err) {
      if (err instanceof DbError && /E11000 duplicate key/.test(err.message)) throw new DuplicateIdError(collection, doc._id)
      throw err
    }
  }
}
