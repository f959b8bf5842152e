// A Store for tests: the production adapter (CloudStore) over the local cloud's database, exactly as a
// function instance in the local stack gets it.
import type { Database } from 'wx-server-sdk'
import { LocalDatabase } from '../../emulator/cloud/database'
import { CloudStore } from '../../server/store/cloud-store'
import { Collections } from '../../server/store/collections'

export async function localDatabase(dir: string | null = null, collections: string[] = Object.values(Collections)) {
  const db = await LocalDatabase.open(dir)
  for (const c of collections) await db.createCollection(c).catch(() => undefined)
  return db
}

export function storeOver(db: LocalDatabase): CloudStore {
  return new CloudStore(db as unknown as Database)
}

export async function memoryStore(): Promise<CloudStore> {
  return storeOver(await localDatabase())
}
