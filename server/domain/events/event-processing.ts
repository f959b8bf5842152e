// Processing of stored pushes. wxpush stores each event before acknowledging it, then processes it
// within a time budget; anything unprocessed (a crash, a slow WeChat) is picked up by the cron.
// Processing is idempotent, so doing it twice is harmless.
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { SyncOptions } from '../../platform/settings'
import { applyCardEvent } from './card-events'
import { onInvoiceAuthorized, recordShelfOrder, setShelfOrderState, settleShelfGift } from '../merchant/operations'
import type { StoredEvent } from './push-receiver'

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
    await store.update(Collections.events, stored._id, { processed: true, processedAt: Date.now() })
  } catch (err) {
    await store.update(Collections.events, stored._id, { attempts: stored.attempts + 1, lastError: (err as Error).message })
    throw err
  }
}

/** The cron's sweep: events stored but not processed yet (oldest first). */
export async function processPending(store: Store, wx: WechatClient, sync: SyncOptions = {}) {
  const pending = await store.find<StoredEvent>(Collections.events, { processed: false }, { orderBy: { field: 'receivedAt', direction: 'asc' }, limit: 200 })
  let done = 0
  let failed = 0
  for (const ev of pending) {
    if (ev.attempts >= MAX_EVENT_ATTEMPTS) continue
    try {
      await processEvent(store, wx, ev, sync)
      done++
    } catch {
      failed++
    }
  }
  return { done, failed, pending: pending.length }
}
