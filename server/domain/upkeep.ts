// Timer-driven upkeep. Each task is independent: one failing does not stop the others, and the run's
// outcome is stored so operators can see when upkeep last succeeded.
import { Collections } from '../store/collections'
import type { Store } from '../store/port'

export type UpkeepTask = (store: Store) => Promise<Record<string, unknown>>

/** Tasks registered by the features that need periodic work (tokens, balance sync, reconciliation). */
export const upkeepTasks: Record<string, UpkeepTask> = {}

export async function runUpkeep(store: Store, trigger: string) {
  const startedAt = Date.now()
  const results: Record<string, unknown> = {}
  for (const [name, task] of Object.entries(upkeepTasks)) {
    try {
      results[name] = { ok: true, ...(await task(store)) }
    } catch (err) {
      results[name] = { ok: false, error: (err as Error)?.message ?? String(err) }
    }
  }
  await store.set(Collections.upkeepRuns, { _id: 'last', trigger, startedAt, finishedAt: Date.now(), results })
  return { trigger, tasks: results }
}
