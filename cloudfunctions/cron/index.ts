// cron: timer-triggered upkeep (config.json: every 5 minutes).
import { refreshCredentials, runUpkeep } from '../../server/domain/upkeep'
import { instanceStore } from '../../server/platform/store'
import { instanceWechat } from '../../server/platform/wechat'

export async function main(event: unknown): Promise<Record<string, unknown>> {
  const store = await instanceStore()
  const trigger = (event as { TriggerName?: string } | null)?.TriggerName ?? 'manual'
  const wx = instanceWechat(store)
  return { errcode: 0, ...(await runUpkeep(store, trigger, { credentials: refreshCredentials(wx) })) }
}
