// Timer-driven upkeep. Each task is independent: one failing does not stop the others, and the run's
// outcome is stored so operators can see when upkeep last succeeded.
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'

export type UpkeepTask = () => Promise<Record<string, unknown>>

export async function runUpkeep(store: Store, trigger: string, tasks: Record<string, UpkeepTask>) {
  const startedAt = Date.now()
  const results: Record<string, unknown> = {}
  for (const [name, task] of Object.entries(tasks)) {
    try {
      results[name] = { ok: true, ...(await task()) }
    } catch (err) {
      results[name] = { ok: false, error: (err as Error)?.message ?? String(err) }
    }
  }
  await store.set(Collections.upkeepRuns, { _id: 'last', trigger, startedAt, finishedAt: Date.now(), results })
  return { trigger, tasks: results }
}

/**
 * Keeps access_token and the wx_card api_ticket fresh ahead of expiry, so that callers never wait on a
 * refresh. get() refreshes whatever is within its refresh-ahead window (longer than the timer period).
 */
export function refreshCredentials(wx: WechatClient): UpkeepTask {
  return async () => {
    await wx.accessToken.get()
    await wx.cardTicket.get()
    return { accessTokenExpiresAt: await wx.accessToken.expiresAt(), cardTicketExpiresAt: await wx.cardTicket.expiresAt() }
  }
}
