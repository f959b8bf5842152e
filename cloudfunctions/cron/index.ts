// cron: timer-triggered upkeep (config.json: every 5 minutes): credentials ahead of expiry, balances
// WeChat has not confirmed, events not yet processed, and hosted-shelf orders a push may have missed.
import { syncDirty } from '../../server/domain/balance-sync'
import { expireCheckouts } from '../../server/domain/checkout'
import { processPending } from '../../server/domain/event-processing'
import { reconcileShelfOrders } from '../../server/domain/merchant'
import { refreshCredentials, runUpkeep } from '../../server/domain/upkeep'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { instanceWechat } from '../../server/platform/wechat'

/** How far back each run reconciles shelf orders (covers a missed push with room to spare). */
const RECONCILE_LOOKBACK_S = 2 * 86400

export async function main(event: unknown): Promise<Record<string, unknown>> {
  const store = await instanceStore()
  const trigger = (event as { TriggerName?: string } | null)?.TriggerName ?? 'manual'
  const wx = instanceWechat(store)
  const now = Math.floor(Date.now() / 1000)
  return {
    errcode: 0,
    ...(await runUpkeep(store, trigger, {
      credentials: refreshCredentials(wx),
      events: () => processPending(store, wx, syncOptions()),
      balances: () => syncDirty(store, wx, syncOptions()),
      shelfOrders: () => reconcileShelfOrders(store, wx, now - RECONCILE_LOOKBACK_S, now + 60),
      checkouts: () => expireCheckouts(store, wx, syncOptions()),
    })),
  }
}
