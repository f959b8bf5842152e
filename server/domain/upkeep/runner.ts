// Timer-driven upkeep. The timer's invocation fans out: one invocation of the cron per task group, each
// with its own timeout, so a group that runs long or fails cannot starve the others (docs/capacity.md says
// why a fan-out rather than more triggers). Inside a group each task gets what is left of the group's
// budget, records its outcome as soon as it ends (a run cut short keeps what its finished tasks did), and
// the task that has waited longest goes first, so a long task cannot starve the rest of its group.
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { TICKET_RENEW_MIN_AGE_MS } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import { DEFAULT_TASK_BUDGET_MS, loadProgress, saveProgress, type Budget } from '../../store/sweep'
import { clock } from '../../clock'

/**
 * Each cron task group's time in one run (UPKEEP_TASK_BUDGET_MS, default 40 s): well under the cron
 * function's 60 s timeout (cloudbaserc.json), leaving room for the calls in flight when it is spent (a
 * WeChat call gives up after WX_API_TIMEOUT_MS) and for recording the outcome.
 */
export function upkeepBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = env.UPKEEP_TASK_BUDGET_MS ? Number(env.UPKEEP_TASK_BUDGET_MS) : NaN
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TASK_BUDGET_MS
}

/**
 * The most items a cron task works at once (UPKEEP_CONCURRENCY, 1–64; unset: each task's own, up to 32). Each
 * item is a few database calls and often a WeChat call: a merchant on a plan with a low database QPS (the
 * basic one allows 30, and 20 connections: docs/capacity.md) lowers it, and the backlog takes longer to clear.
 */
export function upkeepConcurrency(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = env.UPKEEP_CONCURRENCY ? Number(env.UPKEEP_CONCURRENCY) : NaN
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined
}

export type UpkeepTask = (budget: Budget) => Promise<Record<string, unknown>>

/** A task and the group (one invocation) it runs in. */
export interface UpkeepEntry {
  group: string
  run: UpkeepTask
}

export function groupsOf(tasks: Record<string, UpkeepEntry>): string[] {
  return [...new Set(Object.values(tasks).map((t) => t.group))]
}

/** Runs one group's tasks, longest-waiting first, each within what is left of `budget`. */
export async function runGroup(
  store: Store,
  tasks: Record<string, UpkeepEntry>,
  group: string,
  budget: Budget,
): Promise<Record<string, unknown>> {
  const names = Object.keys(tasks).filter((name) => tasks[name]!.group === group)
  const lastFinished = new Map(await Promise.all(names.map(async (n) => [n, (await loadProgress(store, n)).finishedAt ?? 0] as const)))
  names.sort((a, b) => lastFinished.get(a)! - lastFinished.get(b)!)
  const results: Record<string, unknown> = {}
  for (const name of names) {
    if (budget.spent()) {
      results[name] = { ok: false, skipped: 'budget spent; runs first next time' }
      continue
    }
    let result: Record<string, unknown>
    try {
      result = { ok: true, ...(await tasks[name]!.run(budget)) }
    } catch (err) {
      result = { ok: false, error: (err as Error)?.message ?? String(err) }
    }
    results[name] = result
    await saveProgress(store, name, { result, finishedAt: budget.now() })
  }
  return results
}

/**
 * The timer's run: invokes each group (`invoke`, a call of this function with {group}) at once, waits for
 * them all, and stores the run's outcome (merchant.selfCheck reads when upkeep last ran). A group whose
 * invocation failed reports the failure against each of its tasks; the others report as usual.
 */
export async function fanOut(
  store: Store,
  trigger: string,
  tasks: Record<string, UpkeepEntry>,
  invoke: (group: string) => Promise<unknown>,
) {
  const startedAt = clock.now()
  const groups = groupsOf(tasks)
  const answers = await Promise.allSettled(groups.map(invoke))
  const results: Record<string, unknown> = {}
  answers.forEach((answer, i) => {
    const group = groups[i]!
    const reply = answer.status === 'fulfilled' ? (answer.value as { tasks?: Record<string, unknown>; errmsg?: string } | null) : null
    const error =
      answer.status === 'rejected'
        ? String((answer.reason as Error)?.message ?? answer.reason)
        : reply?.tasks
          ? ''
          : (reply?.errmsg ?? 'no answer')
    for (const [name, entry] of Object.entries(tasks)) {
      if (entry.group === group) results[name] = error ? { ok: false, group, error } : reply!.tasks![name]
    }
  })
  await store.set(Collections.upkeepRuns, { _id: 'last', trigger, startedAt, finishedAt: clock.now(), results })
  return { trigger, tasks: results }
}

/**
 * Keeps access_token and the wx_card api_ticket fresh ahead of expiry, so that callers never wait on a
 * refresh. get() refreshes whatever is within its refresh-ahead window (longer than the timer period).
 * A ticket older than the token is renewed with it: WeChat can drop a ticket before its stated expiry, and
 * a dropped ticket otherwise lived on in our records until our own estimate ran out (issue 25 §2).
 */
export function refreshCredentials(wx: Pick<WechatClient, 'accessToken' | 'cardTicket'>): () => Promise<Record<string, unknown>> {
  return async () => {
    await wx.accessToken.get()
    const [tokenFetchedAt, ticketFetchedAt] = await Promise.all([wx.accessToken.fetchedAt(), wx.cardTicket.fetchedAt()])
    if (ticketFetchedAt < tokenFetchedAt) await wx.cardTicket.renew(TICKET_RENEW_MIN_AGE_MS)
    else await wx.cardTicket.get()
    return { accessTokenExpiresAt: await wx.accessToken.expiresAt(), cardTicketExpiresAt: await wx.cardTicket.expiresAt() }
  }
}
