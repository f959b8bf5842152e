// The store a function instance uses: the cloud database through the production adapter, with the
// product's collections created once per instance (the cloud database refuses writes to a collection
// that does not exist).
import { CloudStore } from '../store/cloud-store'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { cloudDatabase } from './wx-cloud'

let ready: Promise<Store> | undefined

async function open(): Promise<Store> {
  const db = cloudDatabase()
  for (const name of Object.values(Collections)) {
    try {
      await db.createCollection(name)
    } catch (err) {
      if (!/exist/i.test(String((err as Error)?.message ?? err))) throw err
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
