// Keyset paging: a list read a page at a time in a stable total order — a time field, then _id — where
// each page starts strictly after the last row of the one before. Unlike skip/offset, a row written while
// someone pages (a newer one, in a newest-first list) can neither push an old row onto the next page a
// second time nor make one fall between two pages, and a page costs the same at row 100 as at row
// 100,000 (skip makes the database walk every row it skips).
import { ANY_OF, MAX_QUERY_LIMIT, anyOf, type Filter, type SortKey, type Store, type StoredDoc } from './port'

/** Where a page ends: the last row's sort value and _id. */
export interface PageKey {
  at: number
  id: string
}

/** A list's order: by `field` (a number: ms, or a version), ties by _id, in `direction`. */
export interface KeysetOrder {
  field: string
  direction: 'asc' | 'desc'
}

/** Which page: after a cursor's key, or (the `offset` some lists documented before cursors) `skip` rows in. */
export interface PageRequest {
  limit: number
  after?: PageKey
  skip?: number
}

/** One page of a list, and where the next starts while rows remain. */
export interface Page<T> {
  docs: T[]
  next?: PageKey
}

/** A page a client asks for holds at most this many rows (issue 26); internal walks may read more at once. */
export const MAX_PAGE = 100

/** The rows strictly after `key` in `order`. */
export function afterKey(order: KeysetOrder, key: PageKey): Filter {
  const beyond = (v: number | string) => ({ op: order.direction === 'desc' ? 'lt' : 'gt', value: v }) as const
  return anyOf({ [order.field]: beyond(key.at) }, { [order.field]: key.at, _id: beyond(key.id) })
}

/**
 * Both filters at once. `b`'s alternatives go one level down in each of `a`'s, so that a field may be
 * constrained on both sides (`createdAt ≥ since` and `createdAt < the cursor's`) without one hiding the other.
 */
export function both(a: Filter, b: Filter): Filter {
  const { [ANY_OF]: bAlternatives, ...bFields } = b
  if (bAlternatives === undefined) return { ...a, ...bFields }
  const { [ANY_OF]: aAlternatives, ...aFields } = a
  if (aAlternatives === undefined)
    return { ...aFields, [ANY_OF]: Object.keys(bFields).length ? [{ ...bFields, [ANY_OF]: bAlternatives }] : bAlternatives }
  return { ...aFields, [ANY_OF]: (aAlternatives as Filter[]).map((alt) => ({ ...alt, ...bFields, [ANY_OF]: bAlternatives })) }
}

export function sortOf(order: KeysetOrder): SortKey[] {
  return [
    { field: order.field, direction: order.direction },
    { field: '_id', direction: order.direction },
  ]
}

export function keyOf<T extends StoredDoc>(order: KeysetOrder, doc: T): PageKey {
  const at = (doc as unknown as Record<string, unknown>)[order.field]
  if (typeof at !== 'number') throw new TypeError(`keyset field ${order.field} of ${doc._id} is not a number`)
  return { at, id: doc._id }
}

/**
 * One page of `filter`'s documents in `order`: after `after` when given, else from `skip` rows in (the
 * `offset` parameters that were documented before cursors keep working). One query: a row beyond the page
 * is read to know whether another page follows.
 */
export async function findPage<T extends StoredDoc>(
  store: Store,
  collection: string,
  filter: Filter,
  order: KeysetOrder,
  opts: PageRequest,
): Promise<Page<T>> {
  // The row beyond the page must fit in one query's answer.
  if (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit >= MAX_QUERY_LIMIT)
    throw new RangeError(`a page is 1 to ${MAX_QUERY_LIMIT - 1} rows, got ${opts.limit}`)
  const where = opts.after ? both(filter, afterKey(order, opts.after)) : filter
  const found = await store.find<T>(collection, where, {
    orderBy: sortOf(order),
    limit: opts.limit + 1,
    ...(!opts.after && opts.skip ? { skip: opts.skip } : {}),
  })
  const docs = found.slice(0, opts.limit)
  return { docs, ...(found.length > opts.limit ? { next: keyOf(order, docs[docs.length - 1]!) } : {}) }
}
