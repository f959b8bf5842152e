// Collections and indexes made idempotently with @cloudbase/manager-node's database service: read what
// the environment has (ListTables, DescribeTable), create only what is missing (CreateTable,
// UpdateTable with CreateIndexes). A second run finds everything and changes nothing. An index is
// matched by its fields in order, not its name, so one made by hand in the console counts.
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

export interface DatabaseChanges {
  createdCollections: string[]
  /** collection.indexName */
  createdIndexes: string[]
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
  plan: Pick<DeployPlan, 'collections' | 'indexes'>,
  log: (line: string) => void = () => undefined,
): Promise<DatabaseChanges> {
  const changes: DatabaseChanges = { createdCollections: [], createdIndexes: [] }
  const have = await existingCollections(db)
  for (const name of plan.collections) {
    if (have.has(name)) continue
    await db.createCollection(name)
    changes.createdCollections.push(name)
    log(`  + collection ${name}`)
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
