// Processing of stored pushes. wxpush stores each event before acknowledging it, then processes it
// within a time budget; anything unprocessed (a crash, a slow WeChat) is picked up by the cron.
// Processing is idempotent, so doing it twice is harmless.
import { Collections } from '../../store/collections'
import { where, type Store } from '../../store/port'
import { budgetOf, sweep, DEFAULT_TASK_BUDGET_MS, type Budget } from '../../store/sweep'
import type { WechatClient } from '../../wechat/client'
import type { SyncOptions } from '../../platform/settings'
import { applyCardEvent } from './card-events'
import { onInvoiceAuthorized, recordShelfOrder, setShelfOrderState, settleShelfGift } from '../merchant/operations'
import type { StoredEvent } from './push-receiver'
import { clock } from '../../clock'

export const MAX_EVENT_ATTEMPTS = 20

export async function processEvent(store: Store, wx: WechatClient, stored: StoredEvent, sync: SyncOptions = {}): Promise<void> {
  const ev = stored.event
  try {
    if (ev.known) {
      switch (ev.Event) {
        case 'giftcard_pay_done':
          await recordShelfOrder(store, wx, ev.OrderId ?? '')
          break
        case 'giftcard_send_to_friend':
          await recordShelfOrder(store, wx, ev.OrderId ?? '')
          if (ev.IsReturnBack) await settleShelfGift(store, wx, ev.OrderId ?? '', true)
          else await setShelfOrderState(store, ev.OrderId ?? '', 'SENDING', { isChatRoom: !!ev.IsChatRoom })
          break
        case 'giftcard_user_accept':
          await recordShelfOrder(store, wx, ev.OrderId ?? '')
          await settleShelfGift(store, wx, ev.OrderId ?? '', false)
          break
        case 'user_authorize_invoice':
          if (ev.SuccOrderId) await onInvoiceAuthorized(store, wx, ev.SuccOrderId)
          break
        default:
          await applyCardEvent(store, wx, ev, sync)
      }
    }
    await store.update(Collections.events, stored._id, { processed: true, processedAt: clock.now() })
  } catch (err) {
    await store.update(Collections.events, stored._id, { attempts: stored.attempts + 1, lastError: (err as Error).message })
    throw err
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
