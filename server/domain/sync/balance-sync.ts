// Keeps WeChat's card bag in step with the ledger. card/generalcard/updateuser sets the FULL balance,
// so an old update arriving late would show a wrong amount: one sync at a time per card (a lease on the
// card), each sending the latest balance and recording the version it sent; whoever changes the
// balance while a sync runs is picked up by that sync's next round. Anything not confirmed stays
// `dirty` and the cron retries it; updateuser answers result_balance, the balance WeChat now shows,
// which must equal what we sent.
import { Collections } from '../../store/collections'
import { where, type Patch, type Store } from '../../store/port'
import type { SyncOptions } from '../../platform/settings'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { formatFen } from '../../../contract/money'
import { WITHOUT_SPEND_KEYS, type UserCardDoc } from '../cards/user-cards'
import { log } from '../../log'
import { pushMemberValues } from './member-sync'
import { budgetOf, sweep, DEFAULT_TASK_BUDGET_MS, type Budget } from '../../store/sweep'
import { clock } from '../../clock'

export const SYNC_LEASE_MS = 30_000
/** Cards the cron brings up to date at once. */
export const SYNC_CONCURRENCY = 32
/**
 * How long one sync keeps going round while the balance keeps changing under it, before leaving the
 * rest to the next change or the cron. A time, not a count of rounds: the spends that found the lease
 * taken rely on its holder to send their change, so a holder that stopped after a fixed count in the
 * middle of a burst (10 rounds of about 100 ms under production latency) left the card bag showing an
 * old balance until the cron came (measured: 100 concurrent spends, WeChat not in step 30 s later).
 * It lets go by a write conditional on the version it sent, so a spend marked while it held the lease is
 * never dropped (money/spend-keys.ts markAndSync leaves it to the holder); only at this budget's end does
 * it let go unconditionally, and a spend marked after that takes the lease itself. Well inside the card
 * function's 20 s timeout (and wxpush's 5 s, whose reply comes within 2 s); MAX_ROUNDS only guards
 * against a loop.
 */
const SYNC_BUDGET_MS = 5_000
const MAX_ROUNDS = 200
/** How long a card must stay still before a sync that saw it moving sends again. */
const BURST_PAUSE_MS = 100

export type SyncOutcome = 'synced' | 'busy' | 'failed'

/**
 * updateuser's answers that mean the code is no longer ours, whatever we retry: 40056 invalid serial code
 * ("code未被添加或被转赠领取的情况则统一报错", card-api-guide.zh.txt: a code given away and accepted) and
 * 40127 "该Code已经被删除、置为失效或者转赠成功" (friend-coupons.zh.txt, the code API's 错误码 table). Not
 * 40078 "已经被删除或者转赠中": a gift being given comes back to the giver if not accepted, so it is retried.
 * Retrying these forever only re-sent the same refused call on every cron run (issue 25).
 */
const REFUSED_FOR_GOOD = new Set([40056, 40127])

/** The line WeChat shows in the balance history (≤ 14 Chinese characters). */
function recordLine(card: Pick<UserCardDoc, 'balance'>, last: UserCardDoc['lastEntry']): string {
  if (!last) return `余额${formatFen(card.balance)}元`
  const yuan = formatFen(Math.abs(last.amount))
  switch (last.kind) {
    case 'spend':
      return `消费${yuan}元`
    case 'reversal':
      return `退回${yuan}元`
    case 'issue':
      return `开卡${yuan}元`
    case 'transfer_in':
      return `好友赠送${yuan}元`
    case 'refund':
      return `退款${yuan}元`
    default:
      return `余额${formatFen(card.balance)}元`
  }
}

/**
 * card/generalcard/updateuser with a gift card's full balance, checked against the result_balance WeChat
 * answers. background_pic_url (gift-card-api §11): the face the buyer chose is the one the card bag shows.
 */
export async function sendGiftBalance(
  wx: WechatClient,
  card: Pick<UserCardDoc, 'cardId' | 'code' | 'balance' | 'lastEntry' | 'backgroundPicUrl'>,
): Promise<void> {
  const res = await wx.memberCard.generalCardUpdateUser({
    card_id: card.cardId,
    code: card.code,
    balance: card.balance,
    record_balance: recordLine(card, card.lastEntry),
    ...(card.backgroundPicUrl ? { background_pic_url: card.backgroundPicUrl } : {}),
  })
  if (res.result_balance !== card.balance) throw new Error(`WeChat shows ${res.result_balance} fen after setting ${card.balance}`)
}

/** Takes the card's sync lease; the lease's end is its owner's token. */
export async function takeSyncLease(store: Store, id: string, now: () => number): Promise<number | undefined> {
  const leaseUntil = now() + SYNC_LEASE_MS
  return (await store.updateIf(Collections.userCards, id, { syncLeaseUntil: where.lt(now()) }, { syncLeaseUntil: leaseUntil }))
    ? leaseUntil
    : undefined
}

/**
 * Sends the card's balance to WeChat under a lease already taken, starting from `card` as read under
 * it, until WeChat shows the latest version; releases the lease in its last write. `extra` is patched
 * onto the card with that last write (a settled spend's hold comes off there, saving a round trip).
 */
export async function syncUnderLease(
  store: Store,
  wx: WechatClient,
  card: UserCardDoc,
  leaseUntil: number,
  opts: SyncOptions = {},
  extra: Patch = {},
  gate?: Promise<boolean>,
  moving = false,
): Promise<SyncOutcome> {
  const id = card._id
  let cur: UserCardDoc | null = card
  let pendingExtra = extra
  // `extra` goes on only once `gate` says so (a spend's hold comes off only after its entry settled).
  const gated = async () => {
    if (gate && !(await gate)) pendingExtra = {}
  }
  try {
    const deadline = performance.now() + SYNC_BUDGET_MS
    // A card already moving when the sync starts (a spend on a hot card): the burst's pause first.
    if (moving) cur = await untilStill(store, id, cur, deadline)
    for (let round = 0; round < MAX_ROUNDS && performance.now() < deadline; round++) {
      if (!cur) {
        await gated()
        return 'synced'
      }
      const gone = cur.status === 'DELETE' || cur.status === 'UNAVAILABLE' || cur.status === 'GIFTED'
      let consumed = false
      if (cur.syncedVersion < cur.version && !gone) {
        if (cur.member) {
          // A member card (#13): points and stored value together, full values (member-sync.ts).
          await pushMemberValues(store, wx, cur)
        } else {
          await sendGiftBalance(wx, cur)
        }
        // A member card spent to zero stays: it still holds points and membership.
        if (opts.consumeOnZero && !cur.member && cur.balance === 0 && cur.status === 'NORMAL') {
          try {
            await wx.code.consume({ card_id: cur.cardId, code: cur.code })
          } catch (err) {
            if (!(err instanceof WxApiError && err.errcode === 40099)) throw err
          }
          consumed = true
        }
      }
      await gated()
      const also: Patch = { ...(consumed ? { status: 'CONSUMED' } : {}), ...pendingExtra }
      // Done when nothing changed meanwhile: one write records the version, clears `dirty` and releases
      // the lease. Otherwise keep the lease, read again and go round (the change is ours to send).
      if (
        await store.updateIf(
          Collections.userCards,
          id,
          { syncLeaseUntil: leaseUntil, version: cur.version },
          { syncedVersion: cur.version, dirty: false, syncLeaseUntil: 0, ...also },
        )
      )
        return 'synced'
      if (Object.keys(also).length) await store.updateIf(Collections.userCards, id, { syncLeaseUntil: leaseUntil }, also)
      pendingExtra = {}
      // The card moved while we sent: a burst. Wait for it to pause before sending again.
      cur = await untilStill(store, id, await store.get<UserCardDoc>(Collections.userCards, id, WITHOUT_SPEND_KEYS), deadline)
      // The lease is no longer this sync's (it ran out and another took it): that one sends; nothing to let go.
      if (cur && cur.syncLeaseUntil !== leaseUntil) return 'busy'
    }
    await gated()
    await release(store, id, leaseUntil, pendingExtra)
    return 'busy'
  } catch (err) {
    await gated()
    if (err instanceof WxApiError && REFUSED_FOR_GOOD.has(err.errcode) && cur) {
      // Off the retry queue, with why: the next balance change (a new version) tries once more.
      const syncRefused = { errcode: err.errcode, errmsg: err.errmsg, version: cur.version, at: clock.now() }
      log('error', {
        msg: 'WeChat refuses this code for good; the balance sync stops retrying it',
        card: id,
        wxErrcode: err.errcode,
        error: err.message,
      })
      if (
        await store.updateIf(
          Collections.userCards,
          id,
          { syncLeaseUntil: leaseUntil, version: cur.version },
          { dirty: false, syncRefused, syncLeaseUntil: 0, ...pendingExtra },
        )
      )
        return 'failed'
    }
    log('warn', { msg: 'balance sync failed; the cron will retry', card: id, error: (err as Error).message })
    await release(store, id, leaseUntil, pendingExtra).catch(() => undefined)
    return 'failed'
  }
}

/**
 * Reads the card until it holds still for BURST_PAUSE_MS (while the budget lasts, with room to send), so
 * a burst of spends on one card is sent by about one updateuser, not one per round (issue 27).
 */
async function untilStill(store: Store, id: string, card: UserCardDoc | null, deadline: number): Promise<UserCardDoc | null> {
  let cur = card
  for (let seen = cur?.version; cur && performance.now() + BURST_PAUSE_MS * 2 < deadline; seen = cur.version) {
    await new Promise((r) => setTimeout(r, BURST_PAUSE_MS))
    cur = await store.get<UserCardDoc>(Collections.userCards, id, WITHOUT_SPEND_KEYS)
    if (!cur || cur.version === seen) break
  }
  return cur
}

function release(store: Store, id: string, leaseUntil: number, extra: Patch) {
  return store.updateIf(Collections.userCards, id, { syncLeaseUntil: leaseUntil }, { syncLeaseUntil: 0, ...extra })
}

/** The cron's sync of a card it has just read: lease, then send (no second read unless it moved on). */
async function syncUnderLeaseFrom(store: Store, wx: WechatClient, card: UserCardDoc, opts: SyncOptions): Promise<SyncOutcome> {
  const leaseUntil = await takeSyncLease(store, card._id, opts.now ?? clock.now)
  if (leaseUntil === undefined) return 'busy'
  // Read before the lease: any change since bumped the version, so the last write's check catches it.
  return syncUnderLease(store, wx, card, leaseUntil, opts)
}

/** A card changed: tell WeChat, unless someone else is (whoever holds the lease picks the change up). */
export async function syncCard(
  store: Store,
  wx: WechatClient,
  id: string,
  opts: SyncOptions = {},
  known?: UserCardDoc,
  /** the version the caller's own change left: a card read further on is in a burst (see untilStill) */
  ownVersion?: number,
): Promise<SyncOutcome> {
  const now = opts.now ?? clock.now
  const leaseUntil = await takeSyncLease(store, id, now)
  if (leaseUntil === undefined) return 'busy'
  // A card the caller has just written needs no read: its last write checks the version anyway.
  const card = known ?? (await store.get<UserCardDoc>(Collections.userCards, id, WITHOUT_SPEND_KEYS))
  if (!card) return 'synced'
  // In step: released on the version read, so a change made meanwhile (whose maker saw the lease held and
  // left it to us) is not dropped: the release fails and the sync goes round.
  if (
    card.syncedVersion >= card.version &&
    card.dirty === false &&
    (await store.updateIf(Collections.userCards, id, { syncLeaseUntil: leaseUntil, version: card.version }, { syncLeaseUntil: 0 }))
  )
    return 'synced'
  return syncUnderLease(store, wx, card, leaseUntil, opts, {}, undefined, ownVersion !== undefined && card.version > ownVersion)
}

/** Cards a cron slice reads at a time (one query), and the syncs in flight at once. */
export const SYNC_SLICE = 200

/**
 * The cron's retry: every card still dirty, in slices by _id from the stored cursor until the budget is
 * spent (server/store/sweep.ts), so a backlog after a WeChat outage drains across runs (docs/capacity.md).
 */
export async function syncDirty(store: Store, wx: WechatClient, opts: SyncOptions = {}, budget: Budget = budgetOf(DEFAULT_TASK_BUDGET_MS)) {
  const out = { synced: 0, failed: 0, busy: 0 }
  const run = await sweep<UserCardDoc>(store, budget, {
    task: 'balances',
    collection: Collections.userCards,
    filter: () => ({ dirty: true }),
    field: '_id',
    sliceSize: SYNC_SLICE,
    // A few at a time: WeChat's per-call latency, not our CPU, is what bounds the run.
    concurrency: SYNC_CONCURRENCY,
    work: async (card) => {
      out[await syncUnderLeaseFrom(store, wx, card, opts)]++
    },
  })
  return { ...out, ...run }
}
