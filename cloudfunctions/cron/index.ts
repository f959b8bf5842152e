// cron: timer-triggered upkeep. Each run records what it did, so a missed or failing timer shows.
import { runUpkeep } from '../../server/domain/upkeep'
import { instanceStore } from '../../server/platform/store'

export async function main(event: unknown): Promise<Record<string, unknown>> {
  const store = await instanceStore()
  const trigger = (event as { TriggerName?: string } | null)?.TriggerName ?? 'manual'
  return { errcode: 0, ...(await runUpkeep(store, trigger)) }
}
