// The store a function instance uses: the cloud database through the production adapter, with the
// product's collections created once per instance (the cloud database refuses writes to a collection
// that does not exist).
import { CloudStore } from '../store/cloud-store'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { cloudDatabase } from './wx-cloud'
import type { WxSdkError } from './wx-server-sdk'

let ready: Promise<Store> | undefined

async function open(): Promise<Store> {
  const db = cloudDatabase()
  for (const name of Object.values(Collections)) {
    try {
      await db.createCollection(name)
    } catch (err) {
      // The service refuses a second createCollection; that refusal is the expected answer here.
      if (!/DATABASE_COLLECTION_ALREADY_EXIST/.test(String((err as WxSdkError)?.errMsg ?? ''))) throw err
    }
  }
  return new CloudStore(db)
}

export function instanceStore(): Promise<Store> {
  ready ??= open().catch((err) => {
    ready = undefined
    throw err
  })
  return ready
}
