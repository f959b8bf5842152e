// Timer-driven upkeep. Each task is independent: one failing does not stop the others, and the run's
// outcome is stored so operators can see when upkeep last succeeded.
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { TICKET_RENEW_MIN_AGE_MS } from '../../wechat/card-ext'
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
 * A ticket older than the token is renewed with it: WeChat can drop a ticket before its stated expiry, and
 * a dropped ticket otherwise lived on in our records until our own estimate ran out (issue 25 §2).
 */
export function refreshCredentials(wx: Pick<WechatClient, 'accessToken' | 'cardTicket'>): UpkeepTask {
  return async () => {
    await wx.accessToken.get()
    const [tokenFetchedAt, ticketFetchedAt] = await Promise.all([wx.accessToken.fetchedAt(), wx.cardTicket.fetchedAt()])
    if (ticketFetchedAt < tokenFetchedAt) await wx.cardTicket.renew(TICKET_RENEW_MIN_AGE_MS)
    else await wx.cardTicket.get()
    return { accessTokenExpiresAt: await wx.accessToken.expiresAt(), cardTicketExpiresAt: await wx.cardTicket.expiresAt() }
  }
}
