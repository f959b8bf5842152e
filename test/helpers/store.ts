// A Store for tests: the production adapter (CloudStore) over the real wx-server-sdk talking to a local
// cloud's CloudBase API, exactly as a function instance in the local stack gets it.
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import type { WxDatabase } from '../../server/platform/wx-server-sdk'
import { CloudStore } from '../../server/store/cloud-store'
import { Collections } from '../../server/store/collections'
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

export async function memoryStore(): Promise<CloudStore> {
  return storeOver(await localDatabase())
}
