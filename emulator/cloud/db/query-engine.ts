// Queries, sorts, projections and update operators are evaluated by mingo, a maintained implementation
// of MongoDB's query language; this module only adapts the shapes the CloudBase protocol sends.
import { Query, find, update as applyOperators } from 'mingo'
import { DbError } from './errors'
import { isPlainObject, type Doc } from './ejson'
import { assertUpdateApplies, isIndex } from './update-rules'
import { deserialize, serialize } from 'node:v8'

// Node's structured clone by its own module: the global structuredClone is missing where the local cloud
// runs inside a jsdom test environment (the Mini Program page tests).
export const clone = <T>(v: T): T => deserialize(serialize(v)) as T

type Criteria = Record<string, unknown>

export function matcher(criteria: Criteria): (doc: Doc) => boolean {
  try {
    const q = new Query(criteria)
    return (doc) => q.test(doc)
  } catch (err) {
    throw new DbError('DATABASE_INVALID_OPERRATOR', (err as Error).message)
  }
}

/** The `_id` a query names by plain equality, when it does: such queries skip the scan. */
export function idOf(criteria: Criteria): string | undefined {
  const id = criteria._id
  if (typeof id === 'string') return id
  if (isPlainObject(id) && Object.keys(id).length === 1 && typeof id.$eq === 'string') return id.$eq
  return undefined
}

export interface FindSpec {
  order?: Record<string, 1 | -1>
  offset?: number
  limit: number
  projection?: Record<string, unknown>
}

export function select(docs: Doc[], criteria: Criteria, spec: FindSpec): Doc[] {
  try {
    let cursor = find(docs, criteria, spec.projection && Object.keys(spec.projection).length ? spec.projection : undefined)
    if (spec.order && Object.keys(spec.order).length) cursor = cursor.sort(spec.order)
    if (spec.offset) cursor = cursor.skip(spec.offset)
    return cursor.limit(spec.limit).all() as Doc[]
  } catch (err) {
    throw new DbError('DATABASE_INVALID_OPERRATOR', (err as Error).message)
  }
}

/**
 * An update as the service applies it: `merge` (update()) takes operators ($set, $inc, $unset, $push…);
 * otherwise (set()) the data replaces the document. Returns the new document, or the same object when
 * nothing changed (the service counts only documents it modified).
 */
export function applyUpdate(cur: Doc, data: Record<string, unknown>, merge: boolean): Doc {
  if (!merge) {
    if ('_id' in data && data._id !== cur._id) throw new DbError('DATABASE_REQUEST_FAILED', 'the _id of a document cannot be changed')
    return { ...clone(data), _id: cur._id }
  }
  const modifier: Record<string, Record<string, unknown>> = {}
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('$')) modifier[k] = v as Record<string, unknown>
    else (modifier.$set ??= {})[k] = v
  }
  for (const fields of Object.values(modifier)) {
    if (isPlainObject(fields) && Object.keys(fields).some((f) => f === '_id' || f.startsWith('_id.'))) {
      throw new DbError('DATABASE_REQUEST_FAILED', 'the _id of a document cannot be changed')
    }
  }
  assertUpdateApplies(cur, modifier)
  const next = copyAlong(cur, modifier) ?? clone(cur)
  let changed = 0
  try {
    for (const part of inParts(modifier)) changed += applyOperators(next, part as never).length
  } catch (err) {
    throw new DbError('DATABASE_INVALID_OPERRATOR', (err as Error).message)
  }
  return changed ? next : cur
}

/**
 * The document with fresh copies of the objects and arrays on the update's paths, sharing the rest with
 * `cur`: the operators change only what is on their paths, and stored documents are never changed in
 * place (doc-store.ts), so the untouched parts can be shared. A card carrying an hour of spend keys is
 * some 300 KB; cloning it whole for every write was a large part of the local cloud's cost of a spend.
 * undefined when a path cannot be followed exactly (a positional operator, $rename's second path, an array
 * crossed by a field name, which mingo may apply to every element): the caller clones it whole.
 */
function copyAlong(cur: Doc, modifier: Record<string, Record<string, unknown>>): Doc | undefined {
  const root: Record<string, unknown> = { ...cur }
  const fresh = new Set<object>([root])
  for (const [op, fields] of Object.entries(modifier)) {
    if (op === '$rename' || !isPlainObject(fields)) return undefined
    for (const field of Object.keys(fields)) {
      let parent: Record<string, unknown> | unknown[] = root
      const segs = field.split('.')
      for (const [i, seg] of segs.entries()) {
        if (seg.startsWith('$')) return undefined
        if (Array.isArray(parent) && !isIndex(seg)) return undefined
        const child: unknown = (parent as Record<string, unknown>)[seg]
        if (typeof child !== 'object' || child === null) break
        if (!fresh.has(child)) {
          const copy: Record<string, unknown> | unknown[] | undefined = Array.isArray(child)
            ? child.slice()
            : isPlainObject(child)
              ? { ...child }
              : undefined
          // Anything else (a Date, a bson value) the operators replace as a whole, never change: unless
          // the path goes on into it.
          if (!copy) {
            if (i < segs.length - 1) return undefined
            break
          }
          ;(parent as Record<string, unknown>)[seg] = copy
          fresh.add(copy)
          parent = copy
        } else parent = child as Record<string, unknown>
      }
    }
  }
  return root as Doc
}

/** Fields an update is applied by at a time: mingo collects an update's changed fields with one push.apply. */
const FIELDS_A_PART = 10_000

/**
 * An update's operators, each one's fields cut into parts applied one after another, in the same order:
 * MongoDB takes an update of any number of fields (the document's 16 MB is the limit), but mingo overflows
 * its stack on some 100,000 at once. mingo applies an update's fields one after another anyway, so the
 * parts, in the same order, change nothing else.
 */
function* inParts(modifier: Record<string, Record<string, unknown>>): Generator<Record<string, Record<string, unknown>>> {
  for (const [op, fields] of Object.entries(modifier)) {
    const entries = isPlainObject(fields) ? Object.entries(fields) : []
    if (entries.length <= FIELDS_A_PART) {
      yield { [op]: fields }
      continue
    }
    for (let i = 0; i < entries.length; i += FIELDS_A_PART) yield { [op]: Object.fromEntries(entries.slice(i, i + FIELDS_A_PART)) }
  }
}
