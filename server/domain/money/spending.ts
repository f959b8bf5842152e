// Spending a gift card online, and crediting a cancelled checkout's leg back. Never overspends (one
// atomic conditional debit, its ledger entry written first as pending: spend-entries.ts), idempotent on
// orderId, and refused for cards that are not the caller's, not NORMAL (confirmed with card/code/get
// check_consume when our record is stale), not yet valid or expired; BUSY (1503) when the card keeps
// changing under it, instead of retrying without end.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { post, type LedgerEntryDoc } from '../ledgers/ledger'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import {
  MAX_DEBIT_ATTEMPTS,
  busy,
  claimOrWait,
  debit,
  faults,
  hasHold,
  holdKey,
  insertPending,
  newLease,
  resolveAbandoned,
  settleEntry,
  voidPending,
  type DebitLease,
} from './spend-entries'
import { cardOf, userCardId, type UserCardDoc } from '../cards/user-cards'
import { assertSpendable, confirmStatus } from './card-checks'
import { oneCallSpend } from './spend-keys'
import { clock } from '../../clock'

export { STATUS_STALE_MS } from './card-checks'

export interface SpendInput {
  cardId: string
  code: string
  amount: number
  orderId: string
  description?: string
  /** a member card earns points for the spend (default); a checkout's card leg earns them once the checkout is paid */
  points?: boolean
  /**
   * When the client made the orderId (ms). Present: the one-call spend (spend-keys.ts), which refuses an
   * orderId made outside its key window. Absent: the 5-call spend below (pending entry first).
   */
  orderedAt?: number
}

/** Spends of each card this instance is running now: a second one means a hot card (see debitOrRefuse). */
const spendsInFlight = new Map<string, number>()

export async function spend(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  input: SpendInput,
  sync: SyncOptions = {},
): Promise<{ balance: number; entryId: string }> {
  const id = userCardId(input.cardId, input.code)
  spendsInFlight.set(id, (spendsInFlight.get(id) ?? 0) + 1)
  try {
    // A member card's points are earned where the entry settles (spend-entries.ts), by whoever settles it.
    if (input.orderedAt !== undefined)
      return await oneCallSpend(store, wx, mpOpenid, { ...input, orderedAt: input.orderedAt }, sync, (spendsInFlight.get(id) ?? 0) > 1)
    return await spendOnce(store, wx, mpOpenid, input, sync, id)
  } finally {
    const left = (spendsInFlight.get(id) ?? 1) - 1
    if (left > 0) spendsInFlight.set(id, left)
    else spendsInFlight.delete(id)
  }
}

async function spendOnce(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  input: SpendInput,
  sync: SyncOptions,
  id: string,
): Promise<{ balance: number; entryId: string }> {
  const entryId = `spend:${input.orderId}`
  for (let again = 0; ; again++) {
    let lease = newLease()
    let entry: LedgerEntryDoc = {
      _id: entryId,
      card: id,
      kind: 'spend',
      amount: -input.amount,
      balanceAfter: 0,
      version: 0,
      createdAt: clock.now(),
      orderId: input.orderId,
      ...(input.description ? { description: input.description } : {}),
      ...(input.points === false ? { points: false as const } : {}),
    }
    // The card (its owner checked) and the pending entry, in one round trip.
    const [read, inserted] = await Promise.allSettled([
      cardOf(store, mpOpenid, input.cardId, input.code),
      insertPending(store, entry, lease),
    ])
    if (read.status === 'rejected') {
      if (inserted.status === 'fulfilled' && inserted.value) await voidPending(store, entry, lease)
      throw read.reason
    }
    if (inserted.status === 'rejected') throw inserted.reason
    const card = read.value
    if (inserted.value) {
      faults.at?.('inserted')
    } else {
      // The orderId was used before: the same spend repeated (a double tap, a retry), or another one.
      const claimed = await claimOrWait(store, entryId)
      if (!claimed.entry) {
        // Refused and removed meanwhile: this call is a fresh attempt.
        if (again < 2) continue
        throw busy(entryId)
      }
      const earlier = claimed.entry
      if (earlier.card !== card._id || earlier.amount !== -input.amount)
        throw new AppError(ErrCode.CONFLICT, `${entryId} was already used with different details`)
      if (!earlier.pending) return { balance: earlier.balanceAfter, entryId }
      // Pending, and ours now (its first owner is gone): did that owner's debit happen?
      entry = earlier
      lease = claimed.lease!
      if (hasHold(await store.get<UserCardDoc>(Collections.userCards, card._id), entryId)) {
        return { balance: (await settleEntry(store, wx, entry, lease, sync, card)).balanceAfter, entryId }
      }
    }
    const debited = await debitOrRefuse(store, wx, mpOpenid, card, entry, lease, sync.now ?? clock.now)
    faults.at?.('debited')
    return { balance: (await settleEntry(store, wx, entry, lease, sync, card, debited.after, debited.lease)).balanceAfter, entryId }
  }
}

/**
 * Step 2 with its checks: the card must be spendable, then the one conditional debit — first on the
 * card exactly as read, taking its free sync lease with it (then the card after it is known: returned,
 * and this call syncs it); on a card busy with another sync, conditional on that sync still running
 * (it sends this change too); and otherwise conditional on owner, status and balance alone. A refusal
 * is explained from the card as it now is. Whatever refuses the spend removes its pending entry —
 * except a debit whose answer was lost, which stays pending for the next call or the cron to resolve.
 */
async function debitOrRefuse(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  card: UserCardDoc,
  entry: LedgerEntryDoc,
  lease: ReturnType<typeof newLease>,
  now: () => number,
): Promise<{ after?: UserCardDoc; lease: DebitLease }> {
  let inFlight = false
  try {
    const status = await confirmStatus(store, wx, card)
    assertSpendable({ ...card, status }, Math.floor(clock.now() / 1000))
    const amount = -entry.amount
    if (card.balance < amount) throw new AppError(ErrCode.CONFLICT, `insufficient balance: ${card.balance} fen, ${amount} fen needed`)
    // A card with spends in flight (seen on it, or running in this instance) or a sync running is busy:
    // its version will have moved on, so go straight to the debit the database checks itself.
    const syncing = card.syncLeaseUntil >= now()
    const busyCard = syncing || Object.keys(card.holds ?? {}).length > 0 || (spendsInFlight.get(card._id) ?? 0) > 1
    const tryExact = status === card.status && !busyCard
    if (tryExact) {
      // The sync lease ends with the entry's own lease: whoever finishes a crashed call's entry (once
      // its lease has run out) finds the card's sync lease free as well, and tells WeChat at once.
      const taken = lease.until
      inFlight = true
      const exact = await debit(store, entry, { version: card.version, takeLease: { until: taken, now: now() } })
      inFlight = false
      if (exact) {
        const after: UserCardDoc = {
          ...card,
          balance: card.balance - amount,
          version: card.version + 1,
          dirty: true,
          syncLeaseUntil: taken,
          lastEntry: { kind: entry.kind, amount: entry.amount },
          holds: { ...card.holds, [holdKey(entry._id)]: true },
        }
        return { after, lease: { taken } }
      }
    }
    if (syncing || tryExact) {
      // Another spend is syncing this card (a hot card), or most likely took it from under the exact
      // debit just refused: debit only while a sync is running.
      inFlight = true
      const applied = await debit(store, entry, { mpOpenid, leaseHeldAt: now() })
      inFlight = false
      if (applied) return { lease: 'held' }
    }
    for (let attempt = 1; ; attempt++) {
      inFlight = true
      const applied = await debit(store, entry, { mpOpenid })
      inFlight = false
      if (applied) return { lease: 'unknown' }
      const current = await store.get<UserCardDoc>(Collections.userCards, card._id)
      if (!current) throw new AppError(ErrCode.NOT_FOUND, `no card ${card.cardId} with that code`)
      if (current.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${card.cardId} is not yours`)
      if (hasHold(current, entry._id)) return { lease: 'unknown' }
      assertSpendable(current, Math.floor(clock.now() / 1000))
      if (current.balance < amount)
        throw new AppError(ErrCode.CONFLICT, `insufficient balance: ${current.balance} fen, ${amount} fen needed`)
      if (attempt >= MAX_DEBIT_ATTEMPTS) throw busy(entry._id)
    }
  } catch (err) {
    if (!inFlight) await voidPending(store, entry, lease)
    throw err
  }
}

/**
 * Credits a checkout's gift-card leg back, once (entry `reversal:<leg orderId>`). Not a consumer
 * action: only the server calls it, when a checkout is cancelled before its WeChat Pay leg is paid or
 * expires unpaid (checkout.ts).
 */
export async function creditBackLeg(store: Store, wx: WechatClient, legOrderId: string, sync: SyncOptions = {}) {
  let spent = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${legOrderId}`)
  if (spent?.pending) {
    // The leg's spend never finished: settle or void it first (busy while its own call still runs).
    if ((await resolveAbandoned(store, wx, spent._id, sync)) === 'busy') throw busy(spent._id)
    spent = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${legOrderId}`)
  }
  if (!spent) return undefined
  // The value goes back to where the card's value went: a card given away meanwhile passes it to the
  // friend's code (giftedTo, set in the same transaction as the transfer). A card that is deleted or
  // unavailable still takes it: the ledger keeps the value, where the merchant can see it, rather than lose it.
  let target = spent.card
  for (let hop = 0; ; hop++) {
    try {
      const { entry } = await post(store, {
        card: target,
        kind: 'reversal',
        amount: -spent.amount,
        entryId: `reversal:${legOrderId}`,
        orderId: legOrderId,
        description: 'checkout cancelled',
        guard: (c) => {
          if (c.giftedTo && hop < MAX_GIFT_HOPS) throw new MovedOn(c.giftedTo)
        },
      })
      await syncCard(store, wx, entry.card, sync)
      return { balance: entry.balanceAfter }
    } catch (err) {
      if (!(err instanceof MovedOn)) throw err
      target = err.to
    }
  }
}

const MAX_GIFT_HOPS = 20

class MovedOn extends Error {
  constructor(readonly to: string) {
    super(`the card's value moved to ${to}`)
  }
}
