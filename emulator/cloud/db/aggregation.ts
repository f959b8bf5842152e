// `database.aggregateDocuments`: the pipeline wx-server-sdk's `collection.aggregate()…end()` sends, run
// by mingo's Aggregator (the same maintained MongoDB implementation as queries, query-engine.ts). The
// SDK (@cloudbase/database 1.4.1, src/aggregate.ts) sends `{collectionName, stages: [{stageKey,
// stageValue}]}`, each stageValue the stage's argument as EJSON text, and reads back `data.list`, one
// EJSON string per result document. This module adapts that shape and keeps the service's limits:
// - only the stages the SDK can build (its Aggregation class has no facet/out/merge/…), in $lookup
//   sub-pipelines too; `$geoNear` is one of them but mingo has no geo index, so it is refused here;
// - the collection aggregated must exist; a $lookup from a collection that does not exist joins nothing
//   (MongoDB's behaviour), it is not an error;
// - each result document at most 16 MB, MongoDB's BSON document limit;
// - no transaction: the SDK's Transaction has no aggregate().
// Documents handed to mingo are copies: its $addFields on a dotted path writes into nested objects of
// its input, which must never be the stored documents.
import { calculateObjectSize } from 'bson'
import { Aggregator } from 'mingo'
import { isPlainObject, parseEjson, resolveServerDates, toEjson, type Doc } from './ejson'
import { DbError } from './errors'
import { MAX_DOC_BYTES } from './doc-store'
import { clone } from './query-engine'

/** The stages @cloudbase/database's Aggregation can send (its methods, with `$`). */
export const AGGREGATE_STAGES: readonly string[] = [
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$geoNear',
  '$group',
  '$limit',
  '$match',
  '$project',
  '$lookup',
  '$replaceRoot',
  '$sample',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unwind',
]

type Stage = Record<string, unknown>

/** What the aggregation reads: documents of a collection, possibly narrowed by an index (never filtered). */
export interface AggregateSource {
  hasCollection(coll: string): boolean
  /**
   * Documents of `coll` that may match `criteria`, in insertion order: all of them, or fewer through an
   * equality index. The caller still applies `criteria` (here: mingo's $match).
   */
  candidates(coll: string, criteria?: Record<string, unknown>): Doc[]
}

function checkStage(stage: unknown, where: string): Stage {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
    throw new DbError('INVALID_PARAM', `${where}: an aggregation stage must have exactly one key`)
  const key = Object.keys(stage)[0]!
  if (!AGGREGATE_STAGES.includes(key)) throw new DbError('INVALID_PARAM', `${where}: stage ${key} is not supported`)
  if (key === '$geoNear') throw new DbError('INVALID_PARAM', `${where}: stage $geoNear is not supported by the local cloud`)
  if (key === '$lookup') {
    const spec = stage.$lookup
    if (!isPlainObject(spec) || typeof spec.from !== 'string' || typeof spec.as !== 'string')
      throw new DbError('INVALID_PARAM', `${where}: $lookup needs from and as`)
    if (spec.pipeline !== undefined) {
      if (!Array.isArray(spec.pipeline)) throw new DbError('INVALID_PARAM', `${where}: $lookup.pipeline must be an array`)
      spec.pipeline.forEach((s, i) => checkStage(s, `${where}.$lookup.pipeline[${i}]`))
    }
  }
  return stage
}

/** The request's stages as MongoDB stages: `{stageKey, stageValue}` with the value's EJSON parsed. */
export function stagesOf(raw: unknown): Stage[] {
  if (!Array.isArray(raw)) throw new DbError('INVALID_PARAM', 'stages must be an array')
  const now = Date.now()
  return raw.map((s, i) => {
    if (!isPlainObject(s) || typeof s.stageKey !== 'string' || typeof s.stageValue !== 'string')
      throw new DbError('INVALID_PARAM', `stages[${i}] must be {stageKey, stageValue}`)
    let value: unknown
    try {
      value = resolveServerDates(parseEjson(s.stageValue), now)
    } catch {
      throw new DbError('INVALID_PARAM', `stages[${i}].stageValue is not EJSON`)
    }
    return checkStage({ [s.stageKey]: value }, `stages[${i}]`)
  })
}

/** The criteria of a pipeline's leading $match, which an index may narrow. */
function leadingMatch(pipeline: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(pipeline) ? (pipeline[0] as Stage | undefined) : undefined
  return first && isPlainObject(first.$match) ? first.$match : undefined
}

/**
 * A $lookup whose sub-pipeline opens with a $match joins only the documents an index says may match it
 * (as MongoDB's planner does), handed to mingo as an array; the $match itself stays and decides.
 * Lookups by localField keep the named collection.
 */
function narrowLookups(stages: Stage[], source: AggregateSource): Stage[] {
  return stages.map((stage) => {
    const spec = stage.$lookup as Record<string, unknown> | undefined
    if (!spec) return stage
    const pipeline = Array.isArray(spec.pipeline) ? narrowLookups(spec.pipeline as Stage[], source) : undefined
    const match = spec.localField === undefined ? leadingMatch(pipeline) : undefined
    const from = match ? clone(source.candidates(spec.from as string, match)) : spec.from
    return { $lookup: { ...spec, from, ...(pipeline ? { pipeline } : {}) } }
  })
}

/** Runs the pipeline over `coll`; the result documents as the service sends them (EJSON strings). */
export function aggregate(source: AggregateSource, coll: string, stages: Stage[]): string[] {
  const match = leadingMatch(stages)
  const input = clone(source.candidates(coll, match))
  // Collections a $lookup names are read once per request, and copied once.
  const joined = new Map<string, Doc[]>()
  const collectionResolver = (name: string): Doc[] => {
    let docs = joined.get(name)
    if (!docs) joined.set(name, (docs = source.hasCollection(name) ? clone(source.candidates(name)) : []))
    return docs
  }
  let out: Record<string, unknown>[]
  try {
    out = new Aggregator(narrowLookups(stages, source), { collectionResolver }).run(input)
  } catch (err) {
    // A malformed stage or operator, answered as the local cloud answers one in a query (query-engine.ts).
    throw new DbError('DATABASE_INVALID_OPERRATOR', (err as Error).message)
  }
  return out.map((d) => {
    if (calculateObjectSize(d) > MAX_DOC_BYTES)
      throw new DbError('DATABASE_REQUEST_FAILED', `an aggregation result document is over ${MAX_DOC_BYTES} bytes (BSONObjectTooLarge)`)
    return toEjson(d)
  })
}
