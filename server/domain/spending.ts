// Spending a gift card online, and crediting a cancelled checkout's leg back. Never overspends (the debit is a transaction on
// the card, retried on conflict), idempotent on orderId, and refused for cards that are not the
// caller's, not NORMAL (confirmed with card/code/get check_consume when our record is stale), not yet
// valid or expired.
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import type { WechatClient } from '../wechat/client'
import { WxApiError } from '../wechat/errors'
import { post, type LedgerEntryDoc } from './ledger'
import { syncCard, type SyncOptions } from './balance-sync'
import { cardOf, type UserCardDoc, type UserCardStatus } from './user-cards'
import { earnForSpend } from './members'

/** How long our view of a code's status is trusted before asking WeChat again. */
export const STATUS_STALE_MS = 10 * 60_000

const STATUS_BY_ERRCODE: Record<number, UserCardStatus> = { 40099: 'CONSUMED', 40127: 'UNAVAILABLE', 40079: 'EXPIRE' }

async function confirmStatus(store: Store, wx: WechatClient, card: UserCardDoc): Promise<UserCardStatus> {
  if (Date.now() - card.checkedAt < STATUS_STALE_MS) return card.status
  try {
    const res = await wx.code.get({ card_id: card.cardId, code: card.code, check_consume: true })
    await store.update(Collections.userCards, card._id, { status: res.user_card_status, checkedAt: Date.now() })
    return res.user_card_status
  } catch (err) {
    const guess = err instanceof WxApiError ? STATUS_BY_ERRCODE[err.errcode] : undefined
    if (!guess) throw err
    // check_consume refused it; 40127 covers several states, so read the exact one.
    const exact = await wx.code.get({ card_id: card.cardId, code: card.code }).then((r) => r.user_card_status, () => guess)
    await store.update(Collections.userCards, card._id, { status: exact, checkedAt: Date.now() })
    return exact
  }
}

function assertSpendable(card: UserCardDoc, nowSec: number): void {
  if (card.status !== 'NORMAL') throw new AppError(ErrCode.CONFLICT, `the card cannot be spent: it is ${card.status}`)
  if (card.beginTime && nowSec < card.beginTime) throw new AppError(ErrCode.CONFLICT, 'the card is not valid yet')
  if (card.endTime && nowSec > card.endTime) throw new AppError(ErrCode.CONFLICT, 'the card has expired')
}

export interface SpendInput {
  cardId: string
  code: string
  amount: number
  orderId: string
  description?: string
  /** a member card earns points for the spend (default); a checkout's card leg earns them once the checkout is paid */
  points?: boolean
}

export async function spend(store: Store, wx: WechatClient, mpOpenid: string, input: SpendInput, sync: SyncOptions = {}) {
  const card = await cardOf(store, mpOpenid, input.cardId, input.code)
  const replay = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${input.orderId}`)
  if (!replay) {
    const status = await confirmStatus(store, wx, card)
    assertSpendable({ ...card, status }, Math.floor(Date.now() / 1000))
  }
  const { entry } = await post(store, {
    card: card._id,
    kind: 'spend',
    amount: -input.amount,
    entryId: `spend:${input.orderId}`,
    orderId: input.orderId,
    description: input.description,
    sameAs: (e) => e.card === card._id && e.amount === -input.amount,
    guard: (c) => {
      if (c.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${input.cardId} is not yours`)
      assertSpendable(c, Math.floor(Date.now() / 1000))
    },
  })
  if (card.member && input.points !== false) await earnForSpend(store, card, input.amount, input.orderId)
  await syncCard(store, wx, card._id, sync)
  return { balance: entry.balanceAfter, entryId: entry._id }
}

/**
 * Credits a checkout's gift-card leg back, once (entry `reversal:<leg orderId>`). Not a consumer
 * action: only the server calls it, when a checkout is cancelled before its WeChat Pay leg is paid or
 * expires unpaid (checkout.ts).
 */
export async function creditBackLeg(store: Store, wx: WechatClient, legOrderId: string, sync: SyncOptions = {}) {
  const spent = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${legOrderId}`)
  if (!spent) return undefined
  // The value goes back to where the card's value went: a card given away meanwhile passes it to the
  // friend's code (giftedTo, set in the same transaction as the transfer). A card that is deleted or
  // unavailable still takes it: the ledger keeps the value, where the merchant can see it, rather than lose it.
  let target = spent.card
  for (let hop = 0; ; hop++) {
    try {
      const { entry } = await post(store, {
        card: target, kind: 'reversal', amount: -spent.amount, entryId: `reversal:${legOrderId}`, orderId: legOrderId, description: 'checkout cancelled',
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
