// Spending a gift or member card online, and crediting a cancelled checkout's leg back. The money moves
// by the one-call spend (spend-keys.ts): never overspends, idempotent on orderId (a repeat gets its first answer),
// refused for cards that are not the caller's, not NORMAL (in our record, or in WeChat's answer on the
// spend's own call), not yet valid or expired; BUSY (1503) when the card keeps changing under it.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { post, type LedgerEntryDoc } from '../ledgers/ledger'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import { userCardId } from '../cards/user-cards'
import { legState, oneCallSpend } from './spend-keys'
import { openSpendHint, type SpendHint } from '../cards/spend-hint'

export interface SpendInput {
  cardId: string
  code: string
  amount: number
  orderId: string
  description?: string
  /** a member card earns points for the spend (default); a checkout's card leg earns them once the checkout is paid */
  points?: boolean
  /**
   * When the orderId was made (ms), the same across its retries: an orderId more than an hour old moves
   * no money — a repeat is answered from its record, one never spent is refused (docs/functions-api.md, card.spend).
   */
  orderedAt: number
  /** the card's `spendHint` as its holder last saw it (card.spend `seen`): advice, ignored unless ours (spend-hint.ts) */
  seen?: string
  /** the card as this invocation has just read it (a checkout's leg, a counter redemption): as good as a hint */
  told?: SpendHint
}

/** Spends of each card this instance is running now: a second one means a hot card (no version condition). */
const spendsInFlight = new Map<string, number>()

export async function spend(
  store: Store,
  wx: WechatClient,
  mpOpenid: string | null,
  input: SpendInput & { entryId?: string },
  sync: SyncOptions = {},
): Promise<{ balance: number; entryId: string; spendHint?: string }> {
  const id = userCardId(input.cardId, input.code)
  const { seen, told: read, ...rest } = input
  const told = read ?? (seen !== undefined && mpOpenid ? openSpendHint(seen, id, mpOpenid) : undefined)
  spendsInFlight.set(id, (spendsInFlight.get(id) ?? 0) + 1)
  try {
    return await oneCallSpend(store, wx, mpOpenid, { ...rest, ...(told ? { told } : {}) }, sync, (spendsInFlight.get(id) ?? 0) > 1)
  } finally {
    const left = (spendsInFlight.get(id) ?? 1) - 1
    if (left > 0) spendsInFlight.set(id, left)
    else spendsInFlight.delete(id)
  }
}

/**
 * Credits a checkout's gift-card leg back, once (entry `reversal:<leg orderId>`). Not a consumer
 * action: only the server calls it, when a checkout is cancelled before its WeChat Pay leg is paid or
 * expires unpaid (checkout.ts), or when the merchant refunds the paid checkout (checkout-refunds.ts).
 * `card`, the leg's card, lets it see the leg's key: a leg whose own call still runs is BUSY (that call
 * sees the checkout ended and credits it back itself).
 */
export async function creditBackLeg(
  store: Store,
  wx: WechatClient,
  legOrderId: string,
  sync: SyncOptions = {},
  description = 'checkout cancelled',
  card?: string,
) {
  if (card && (await legState(store, wx, card, legOrderId, sync)) === 'busy')
    throw new AppError(ErrCode.BUSY, `spend:${legOrderId}: the leg's spend is still running, try again`)
  const spent = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${legOrderId}`)
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
        description,
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
