// How a cron task (server/domain/upkeep/runner.ts) works through a collection of any size inside one invocation: in bounded slices read
// by a keyset cursor (the sort field, then _id), each slice's items worked at bounded parallelism, the
// cursor stored after every slice, and no new item started once the task's time budget is spent. A run
// cut short therefore loses at most the items in flight, and the next run continues where it stopped;
// a pass that reaches the end starts again from the beginning (failed items are retried then).
import pLimit from 'p-limit'
import { Collections } from './collections'
import { anyOf, where, type Filter, type StoredDoc, type Store } from './port'

/** A task's time when its caller names none (the cron passes upkeepBudgetMs(), server/domain/upkeep/runner.ts). */
export const DEFAULT_TASK_BUDGET_MS = 40_000

/** A task's share of its invocation: a deadline on a clock (injectable, so tests pass time without sleeping). */
export interface Budget {
  readonly deadline: number
  /** the most items any task works at once, whatever its own concurrency (UPKEEP_CONCURRENCY) */
  readonly maxConcurrency?: number
  now(): number
  spent(): boolean
}

export function budgetOf(ms: number, now: () => number = Date.now, maxConcurrency?: number): Budget {
  const deadline = now() + ms
  return { deadline, now, spent: () => now() >= deadline, ...(maxConcurrency ? { maxConcurrency } : {}) }
}

/** Where a pass stands: after the item with this sort value and _id (null: at the beginning). */
export interface Keyset {
  at: number | string
  id: string
}

/** The filter for items after `cursor` in (field, _id) order. */
export function after(field: string, cursor: Keyset | null): Filter {
  if (!cursor) return {}
  if (field === '_id') return { _id: where.gt(cursor.id) }
  return anyOf({ [field]: where.gt(cursor.at) }, { [field]: cursor.at, _id: where.gt(cursor.id) })
}

/**
 * Works `fn` over `items` at most `concurrency` at a time (or the budget's maxConcurrency, if lower). Items sharing any key of `keysOf` (the codes an
 * event touches) form one group and run one after another in their order. No item starts once `budget` is
 * spent. Answers the index of the first item not worked (items.length when all were), so the cursor can
 * stop just before it.
 */
export async function workThrough<T>(
  items: T[],
  opts: { concurrency: number; budget: Budget; keysOf?: (item: T) => string[] },
  fn: (item: T) => Promise<void>,
): Promise<number> {
  const groups = groupsOf(items.map((item, i) => opts.keysOf?.(item) ?? [`#${i}`]))
  let firstSkipped = items.length
  const limit = pLimit(Math.max(1, Math.min(opts.concurrency, opts.budget.maxConcurrency ?? opts.concurrency)))
  await Promise.all(
    groups.map((indexes) =>
      limit(async () => {
        for (const i of indexes) {
          if (opts.budget.spent()) {
            firstSkipped = Math.min(firstSkipped, i)
            return
          }
          await fn(items[i]!)
        }
      }),
    ),
  )
  return firstSkipped
}

/** Indexes joined when their key lists share a key (union-find), each group in ascending order. */
function groupsOf(keys: string[][]): number[][] {
  const parent = keys.map((_, i) => i)
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)))
  const owner = new Map<string, number>()
  keys.forEach((ks, i) => {
    for (const k of ks) {
      const j = owner.get(k)
      if (j === undefined) owner.set(k, i)
      else parent[root(i)] = root(j)
    }
  })
  const out = new Map<number, number[]>()
  keys.forEach((_, i) => out.set(root(i), [...(out.get(root(i)) ?? []), i]))
  return [...out.values()]
}

/** A task's stored progress (upkeep_runs, _id `task:<name>`; upkeep owns the collection, the sweeps below the runner write their cursors). */
export interface TaskProgress extends StoredDoc {
  cursor: Keyset | null
  /** Passes completed (the cursor came back to the beginning). */
  passes: number
  updatedAt: number
  result?: Record<string, unknown>
  finishedAt?: number
}

export const progressId = (task: string) => `task:${task}`

export async function loadProgress(store: Store, task: string): Promise<TaskProgress> {
  return (
    (await store.get<TaskProgress>(Collections.upkeepRuns, progressId(task))) ?? {
      _id: progressId(task),
      cursor: null,
      passes: 0,
      updatedAt: 0,
    }
  )
}

/** Stores part of a task's progress, creating its record the first time. */
export async function saveProgress(store: Store, task: string, patch: Partial<TaskProgress>): Promise<void> {
  if (await store.update(Collections.upkeepRuns, progressId(task), patch)) return
  await store.set<TaskProgress>(Collections.upkeepRuns, { ...(await loadProgress(store, task)), ...patch })
}

export interface SlicedSweep<T extends StoredDoc> {
  /** The task's name: where its cursor is kept. */
  task: string
  collection: string
  /** Which documents the task works on (the cursor's condition is added). */
  filter: () => Filter
  /** The sort field of the pass ('_id', or a field of the collection's index), ascending. */
  field: string
  sliceSize: number
  concurrency: number
  keysOf?: (item: T) => string[]
  /** Works one item; counts what happened (it catches its own failures). */
  work: (item: T) => Promise<void>
}

/**
 * Runs a sweep until its budget is spent or its pass ends, storing the cursor after each slice. Answers
 * how many slices and items it worked and whether the pass ended (false: the next run continues).
 */
export async function sweep<T extends StoredDoc>(
  store: Store,
  budget: Budget,
  s: SlicedSweep<T>,
): Promise<{ slices: number; items: number; passEnded: boolean }> {
  const progress = await loadProgress(store, s.task)
  let cursor = progress.cursor
  let passes = progress.passes
  const out = { slices: 0, items: 0, passEnded: false }
  const keyOf = (d: T): Keyset => ({ at: (d as unknown as Record<string, number | string>)[s.field] ?? d._id, id: d._id })
  while (!budget.spent()) {
    const items = await store.find<T>(
      s.collection,
      { ...s.filter(), ...after(s.field, cursor) },
      { orderBy: { field: s.field, direction: 'asc' }, limit: s.sliceSize },
    )
    const stop = await workThrough(items, { concurrency: s.concurrency, budget, keysOf: s.keysOf }, s.work)
    out.slices++
    out.items += stop
    if (stop < items.length) {
      if (stop > 0) cursor = keyOf(items[stop - 1]!)
    } else if (items.length < s.sliceSize) {
      cursor = null
      passes++
      out.passEnded = true
    } else cursor = keyOf(items[items.length - 1]!)
    await saveProgress(store, s.task, { cursor, passes, updatedAt: budget.now() })
    if (out.passEnded) break
  }
  return out
}
