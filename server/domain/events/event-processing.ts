// Processing of pushes. wxpush applies each event within a time budget before acknowledging it and
// stores it where something needs the record (processOnArrival); anything unprocessed (a failure, a
// slow WeChat) is stored and picked up by the cron. Processing is idempotent, so doing it twice is harmless.
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store } from '../../store/port'
import { budgetOf, sweep, DEFAULT_TASK_BUDGET_MS, type Budget } from '../../store/sweep'
import type { WechatClient } from '../../wechat/client'
import type { SyncOptions } from '../../platform/settings'
import { applyCardEvent } from './card-events'
import { onInvoiceAuthorized, recordShelfOrder, setShelfOrderState, settleShelfGift } from '../merchant/operations'
import type { StoredEvent } from './push-receiver'
import type { PushedEvent } from '../../wechat/events'
import { clock } from '../../clock'

export const MAX_EVENT_ATTEMPTS = 20

/** Applies an event; true when its effects are its own record (no stored event needed). */
async function applyEvent(store: Store, wx: WechatClient, ev: PushedEvent, sync: SyncOptions): Promise<boolean> {
  if (!ev.known) return false
  switch (ev.Event) {
    case 'giftcard_pay_done':
      await recordShelfOrder(store, wx, ev.OrderId ?? '')
      return false
    case 'giftcard_send_to_friend':
      await recordShelfOrder(store, wx, ev.OrderId ?? '')
      if (ev.IsReturnBack) await settleShelfGift(store, wx, ev.OrderId ?? '', true)
      else await setShelfOrderState(store, ev.OrderId ?? '', 'SENDING', { isChatRoom: !!ev.IsChatRoom })
      return false
    case 'giftcard_user_accept':
      await recordShelfOrder(store, wx, ev.OrderId ?? '')
      await settleShelfGift(store, wx, ev.OrderId ?? '', false)
      return false
    case 'user_authorize_invoice':
      if (ev.SuccOrderId) await onInvoiceAuthorized(store, wx, ev.SuccOrderId)
      return false
    default:
      return applyCardEvent(store, wx, ev, sync)
  }
}

/** A stored event, applied again (the cron): processed, or its attempt and error counted. */
export async function processEvent(store: Store, wx: WechatClient, stored: StoredEvent, sync: SyncOptions = {}): Promise<void> {
  try {
    await applyEvent(store, wx, stored.event, sync)
    await markProcessed(store, stored._id)
  } catch (err) {
    await markFailed(store, stored, err)
    throw err
  }
}

const markProcessed = (store: Store, id: string) => store.update(Collections.events, id, { processed: true, processedAt: clock.now() })
const markFailed = (store: Store, stored: StoredEvent, err: unknown) =>
  store.update(Collections.events, stored._id, { attempts: stored.attempts + 1, lastError: (err as Error).message })

/**
 * A push as it arrives (wxpush), applied within `budgetMs` before it is acknowledged, and stored only
 * where something needs the record (issue 27: the first user_get_card of a card bought in the Mini
 * Program in 4 database calls, not 7):
 * - applied, its effects its own record (a card funded from its entitlement, which keeps pushedAt; the
 *   same push again): nothing stored;
 * - applied otherwise: stored processed, one write;
 * - failed: stored with the error, for the cron;
 * - not finished within the budget: stored unprocessed before the reply (the cron applies it again if
 *   this instance stops), and marked when it finishes. After the reply the platform may freeze the
 *   instance (SCF runs an async task within the invocation only if the handler awaits it, Node.js 开发方法),
 *   so the rest may run at the instance's next invocation, beside the cron's retry, or never: every step is a
 *   conditional write or an insert by id, so whichever comes second changes nothing.
 * A repeat of the push is applied again (funding is exclusive: the property test's redeliveries prove
 * it); an instance that stops while applying has not replied, so WeChat delivers the push again (3
 * retries, reference README "Events").
 *
 * Every other event is stored first, keyed by its dedup key, as before issue 27: a repeat finds the
 * record and is acknowledged without being applied again. Their handlers move statuses (GIFTING back to
 * NORMAL on a returned gift, …), where a repeat arriving after a later event could undo it; only the
 * funding push is on the hot path the call counts are for.
 */
export async function processOnArrival(
  store: Store,
  wx: WechatClient,
  arrived: StoredEvent,
  sync: SyncOptions,
  budgetMs: number,
): Promise<void> {
  if (!(arrived.event.known && arrived.event.Event === 'user_get_card')) return storeThenApply(store, wx, arrived, sync, budgetMs)
  const work = applyEvent(store, wx, arrived.event, sync).then(
    (selfRecorded) => ({ selfRecorded }),
    (err: unknown) => ({ err }),
  )
  const outcome = await withinBudget(work, budgetMs)
  if (outcome === 'late') {
    await storeEvent(store, arrived)
    void work.then((o) => ('err' in o ? markFailed(store, arrived, o.err) : markProcessed(store, arrived._id))).catch(() => undefined)
    return
  }
  if ('err' in outcome) {
    await storeEvent(store, { ...arrived, attempts: 1, lastError: (outcome.err as Error)?.message ?? String(outcome.err) })
    throw outcome.err
  }
  if (!outcome.selfRecorded) await storeEvent(store, { ...arrived, processed: true, processedAt: clock.now() })
}

/** The event stored (once: a repeat stops here), then applied within the budget; the cron finishes what is left. */
async function storeThenApply(store: Store, wx: WechatClient, arrived: StoredEvent, sync: SyncOptions, budgetMs: number): Promise<void> {
  if (!(await storeEvent(store, arrived))) return
  const work = processEvent(store, wx, arrived, sync)
  work.catch(() => undefined) // a failure after the budget is the cron's (processEvent recorded it)
  await withinBudget(work, budgetMs)
}

/** The work's outcome, or 'late' once `budgetMs` has passed (the work goes on). */
async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), Math.max(0, budgetMs))))
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** Stores an event once: true when this call stored it, false when a repeat's insert found the first (nothing changed). */
async function storeEvent(store: Store, ev: StoredEvent & { processedAt?: number; lastError?: string }): Promise<boolean> {
  try {
    await store.insert<StoredEvent>(Collections.events, ev)
    return true
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
    return false
  }
}

/** Events read per slice, and the cards (or orders) worked at once; one card's events go in order. */
export const EVENT_SLICE = 200
const EVENT_CONCURRENCY = 32

/**
 * The cards (or shelf order) an event is about: events sharing one are applied one after another in the
 * order received. A gift's receipt names the giver's code too (OldUserCardCode), so it joins both.
 */
function subjectsOf(stored: StoredEvent): string[] {
  // Each event type carries some of these fields; the union type names them per type.
  const ev = stored.event as { UserCardCode?: string; OldUserCardCode?: string; CardId?: string; OrderId?: string }
  const codes = [ev.UserCardCode, ev.OldUserCardCode].filter((c): c is string => !!c).map((c) => `code:${ev.CardId ?? ''}:${c}`)
  if (ev.OrderId) codes.push(`order:${ev.OrderId}`)
  return codes.length ? codes : [`event:${stored._id}`]
}

/**
 * The cron's sweep: events stored but not processed yet, oldest first, in slices from the stored cursor
 * until the budget is spent (server/store/sweep.ts); an event that failed MAX_EVENT_ATTEMPTS times is left.
 */
export async function processPending(
  store: Store,
  wx: WechatClient,
  sync: SyncOptions = {},
  budget: Budget = budgetOf(DEFAULT_TASK_BUDGET_MS),
) {
  let done = 0
  let failed = 0
  const run = await sweep<StoredEvent>(store, budget, {
    task: 'events',
    collection: Collections.events,
    field: 'receivedAt',
    filter: () => ({ processed: false, attempts: where.lt(MAX_EVENT_ATTEMPTS) }),
    sliceSize: EVENT_SLICE,
    concurrency: EVENT_CONCURRENCY,
    keysOf: subjectsOf,
    work: async (ev) => {
      try {
        await processEvent(store, wx, ev, sync)
        done++
      } catch {
        failed++
      }
    },
  })
  return { done, failed, ...run }
}
