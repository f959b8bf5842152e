// Collections, their permission and indexes, made idempotently with @cloudbase/manager-node: read what
// the environment has (ListTables, DescribeTable, DescribeDatabaseACL), change only what is missing or
// different (CreateTable, UpdateTable with CreateIndexes, ModifyDatabaseACL). A second run finds
// everything and changes nothing. An index is matched by its fields in order, not its name, so one made
// by hand in the console counts.
import type CloudBase from '@cloudbase/manager-node'
import type { DeployPlan, PlannedIndex } from './plan'

/** The part of manager-node's DatabaseService used here (types/database/index.d.ts). */
export interface DatabaseApi {
  listCollections(options?: {
    MgoLimit?: number
    MgoOffset?: number
  }): Promise<{ Collections: { CollectionName: string }[]; Pager: { Total: number } }>
  createCollection(name: string): Promise<unknown>
  describeCollection(name: string): Promise<{ Indexes?: { Name: string; Keys: { Name?: string; Direction?: string }[] }[] }>
  updateCollection(
    name: string,
    info: {
      CreateIndexes: { IndexName: string; MgoKeySchema: { MgoIndexKeys: { Name: string; Direction: string }[]; MgoIsUnique: boolean } }[]
    },
  ): Promise<unknown>
}

/** A collection's permission (AclTag), read and set. */
export interface AclApi {
  describe(collection: string): Promise<string>
  modify(collection: string, tag: string): Promise<void>
}

/**
 * The permission calls through manager-node's commonService('tcb'): its database service has none, and
 * its permission service's modifyResourcePermission is deprecated. The two actions are Tencent Cloud's
 * documented tcb API (2018-06-08): DescribeDatabaseACL (876/34821: EnvId, CollectionName → AclTag) and
 * ModifyDatabaseACL (876/34819: EnvId, CollectionName, AclTag).
 */
export function databaseAcl(app: Pick<CloudBase, 'commonService'>, envId: string): AclApi {
  const tcb = app.commonService('tcb')
  return {
    async describe(CollectionName) {
      const res = (await tcb.call({ Action: 'DescribeDatabaseACL', Param: { EnvId: envId, CollectionName } })) as { AclTag?: string }
      return res.AclTag ?? ''
    },
    async modify(CollectionName, AclTag) {
      await tcb.call({ Action: 'ModifyDatabaseACL', Param: { EnvId: envId, CollectionName, AclTag } })
    },
  }
}

export interface DatabaseChanges {
  createdCollections: string[]
  /** collection.indexName */
  createdIndexes: string[]
  /** collections whose permission was changed to the plan's */
  permissionsSet: string[]
}

const PAGE = 100

async function existingCollections(db: DatabaseApi): Promise<Set<string>> {
  const names = new Set<string>()
  for (let offset = 0; ; offset += PAGE) {
    const res = await db.listCollections({ MgoLimit: PAGE, MgoOffset: offset })
    for (const c of res.Collections) names.add(c.CollectionName)
    if (res.Collections.length < PAGE || names.size >= res.Pager.Total) return names
  }
}

const signature = (fields: string[]) => fields.join('\u0000')

export async function setupDatabase(
  db: DatabaseApi,
  acl: AclApi,
  plan: Pick<DeployPlan, 'collections' | 'collectionAcl' | 'indexes'>,
  log: (line: string) => void = () => undefined,
): Promise<DatabaseChanges> {
  const changes: DatabaseChanges = { createdCollections: [], createdIndexes: [], permissionsSet: [] }
  const have = await existingCollections(db)
  for (const name of plan.collections) {
    if (have.has(name)) continue
    await db.createCollection(name)
    changes.createdCollections.push(name)
    log(`  + collection ${name}`)
  }
  // Read first, even for a collection just made: its starting permission is CloudBase's to choose.
  for (const name of plan.collections) {
    const tag = await acl.describe(name)
    if (tag === plan.collectionAcl) continue
    await acl.modify(name, plan.collectionAcl)
    changes.permissionsSet.push(name)
    log(`  ~ permission ${name}: ${tag || '(none)'} → ${plan.collectionAcl}`)
  }
  const byCollection = new Map<string, PlannedIndex[]>()
  for (const i of plan.indexes) byCollection.set(i.collection, [...(byCollection.get(i.collection) ?? []), i])
  for (const [coll, wanted] of byCollection) {
    const existing = new Set(((await db.describeCollection(coll)).Indexes ?? []).map((i) => signature(i.Keys.map((k) => k.Name ?? ''))))
    const missing = wanted.filter((i) => !existing.has(signature(i.fields)))
    if (missing.length === 0) continue
    await db.updateCollection(coll, {
      CreateIndexes: missing.map((i) => ({
        IndexName: i.name,
        // Ascending keys ("1"), not unique: the product's lookups and sorts (server/store/indexes.ts).
        MgoKeySchema: { MgoIndexKeys: i.fields.map((Name) => ({ Name, Direction: '1' })), MgoIsUnique: false },
      })),
    })
    for (const i of missing) {
      changes.createdIndexes.push(`${coll}.${i.name}`)
      log(`  + index ${coll}.${i.name}`)
    }
  }
  return changes
}
