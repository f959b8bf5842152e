// The store a function instance uses: the cloud database through the production adapter. The
// product's collections are created on the first "collection does not exist" answer (a fresh
// environment), not on every instance's first call: an instance starts with no extra round trip.
import { CloudStore } from '../store/cloud-store'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { cloudDatabase } from './wx-cloud'

let store: Store | undefined

export async function instanceStore(): Promise<Store> {
  store ??= new CloudStore(cloudDatabase(), Object.values(Collections))
  return store
}
