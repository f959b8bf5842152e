// Keeps WeChat's card bag in step with the ledger. card/generalcard/updateuser sets the FULL balance,
// so an old update arriving late would show a wrong amount: one sync at a time per card (a lease on the
// card), each sending the latest balance and recording the version it sent; whoever changes the
// balance while a sync runs is picked up by that sync's next round. Anything not confirmed stays
// `dirty` and the cron retries it; updateuser answers result_balance, the balance WeChat now shows,
// which must equal what we sent.
import { Collections } from '../store/collections'
import { where, type Store } from '../store/port'
import type { WechatClient } from '../wechat/client'
import { WxApiError } from '../wechat/errors'
import { formatFen } from './money'
import type { UserCardDoc } from './user-cards'
import { log } from '../log'
import { pushMemberValues } from './member-sync'

export const SYNC_LEASE_MS = 30_000

export interface SyncOptions {
  /** consume a card spent to zero with card/code/consume (merchant policy, CONSUME_ON_ZERO) */
  consumeOnZero?: boolean
  now?: () => number
}

export type SyncOutcome = 'synced' | 'busy' | 'failed'

/** The line WeChat shows in the balance history (≤ 14 Chinese characters). */
function recordLine(card: UserCardDoc, last: { kind: string; amount: number } | undefined): string {
  if (!last) return `余额${formatFen(card.balance)}元`
  const yuan = formatFen(Math.abs(last.amount))
  switch (last.kind) {
    case 'spend': return `消费${yuan}元`
    case 'reversal': return `退回${yuan}元`
    case 'issue': return `开卡${yuan}元`
    case 'transfer_in': return `好友赠送${yuan}元`
    case 'refund': return `退款${yuan}元`
    default: return `余额${formatFen(card.balance)}元`
  }
}

async function lastEntry(store: Store, card: string) {
  const [e] = await store.find<{ _id: string; kind: string; amount: number }>(Collections.ledger, { card }, { orderBy: { field: 'version', direction: 'desc' }, limit: 1 })
  return e
}

export async function syncCard(store: Store, wx: WechatClient, id: string, opts: SyncOptions = {}): Promise<SyncOutcome> {
  const now = opts.now ?? Date.now
  for (let round = 0; round < 5; round++) {
    const card = await store.get<UserCardDoc>(Collections.userCards, id)
    if (!card || card.syncedVersion >= card.version) return 'synced'
    const leaseUntil = now() + SYNC_LEASE_MS
    if (!(await store.updateIf(Collections.userCards, id, { syncLeaseUntil: where.lt(now()) }, { syncLeaseUntil: leaseUntil }))) return 'busy'
    try {
      for (;;) {
        const cur = await store.get<UserCardDoc>(Collections.userCards, id)
        if (!cur || cur.syncedVersion >= cur.version) break
        if (cur.status === 'DELETE' || cur.status === 'UNAVAILABLE' || cur.status === 'GIFTED') {
          // WeChat no longer shows this code; nothing to tell it.
          await store.updateIf(Collections.userCards, id, { version: cur.version }, { syncedVersion: cur.version, dirty: false })
          continue
        }
        if (cur.member) {
          // A member card: points and stored value together (member-sync.ts).
          await pushMemberValues(store, wx, cur)
        } else {
          // background_pic_url (gift-card-api §11): the face the buyer chose is the one the card bag shows.
          const res = await wx.memberCard.generalCardUpdateUser({
            card_id: cur.cardId, code: cur.code, balance: cur.balance, record_balance: recordLine(cur, await lastEntry(store, id)),
            ...(cur.backgroundPicUrl ? { background_pic_url: cur.backgroundPicUrl } : {}),
          })
          if (res.result_balance !== cur.balance) throw new Error(`WeChat shows ${res.result_balance} fen after setting ${cur.balance}`)
        }
        // Clear `dirty` only if nothing changed meanwhile; otherwise record progress and go round.
        if (!(await store.updateIf(Collections.userCards, id, { version: cur.version }, { syncedVersion: cur.version, dirty: false }))) {
          await store.updateIf(Collections.userCards, id, { syncedVersion: where.lt(cur.version) }, { syncedVersion: cur.version })
        }
        if (opts.consumeOnZero && !cur.member && cur.balance === 0 && cur.status === 'NORMAL') {
          try {
            await wx.code.consume({ card_id: cur.cardId, code: cur.code })
          } catch (err) {
            if (!(err instanceof WxApiError && err.errcode === 40099)) throw err
          }
          await store.update(Collections.userCards, id, { status: 'CONSUMED' })
        }
      }
    } catch (err) {
      log('warn', { msg: 'balance sync failed; the cron will retry', card: id, error: (err as Error).message })
      return 'failed'
    } finally {
      await store.updateIf(Collections.userCards, id, { syncLeaseUntil: leaseUntil }, { syncLeaseUntil: 0 })
    }
    // A change that landed while we released the lease is ours to send: go round again.
  }
  return 'busy'
}

/** The cron's retry: every card still dirty, a page at a time. */
export async function syncDirty(store: Store, wx: WechatClient, opts: SyncOptions = {}): Promise<{ synced: number; failed: number; busy: number }> {
  const out = { synced: 0, failed: 0, busy: 0 }
  const dirty = await store.find<UserCardDoc>(Collections.userCards, { dirty: true }, { limit: 500 })
  for (const card of dirty) out[await syncCard(store, wx, card._id, opts)]++
  return out
}
