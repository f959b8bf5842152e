// The cron's reconciliation with WeChat, for what no push told us: every live card whose status has
// not been confirmed recently is read back with card/code/get. A code given away through the card bag
// answers 40056 "invalid serial code" (card-api-guide: 被转赠领取的情况则统一报错) and becomes GIFTED
// here — no longer spendable by the giver; its value waits on it (parked) until the friend's code is known:
// from user_get_card with OldUserCardCode (card-events.ts), or found now in the friend's card bag when
// user_gifting_card named them, or when the friend opens the Mini Program (giftcards/bag-codes.ts). A custom code that now
// belongs to someone else changes holder. Any other status is taken as WeChat states it.
import { Collections } from '../../store/collections'
import { where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import { mpOpenidOf } from '../cards/identities'
import type { UserCardDoc, UserCardStatus } from '../cards/user-cards'
import { log } from '../../log'
import { maskCode } from '../../mask'
import type { SyncOptions } from '../../platform/settings'
import { findGiftFriend } from '../giftcards/bag-codes'
import { budgetOf, sweep, DEFAULT_TASK_BUDGET_MS, type Budget } from '../../store/sweep'
import { clock } from '../../clock'

/** Cards not confirmed for this long are read back (CARD_RECONCILE_AGE_S, default 300 s: one cron period). */
export function reconcileAgeMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.CARD_RECONCILE_AGE_S ? Number(env.CARD_RECONCILE_AGE_S) : NaN
  return (Number.isFinite(s) && s >= 0 ? s : 300) * 1000
}

/** Cards read per slice (one query), and read back from WeChat at once (card/code/get has no batch form). */
export const RECONCILE_SLICE = 200
const CONCURRENCY = 16

async function reconcileCard(store: Store, wx: WechatClient, card: UserCardDoc, sync: SyncOptions): Promise<'changed' | 'same'> {
  const checkedAt = clock.now()
  let patch: Partial<UserCardDoc>
  try {
    const res = await wx.code.get({ card_id: card.cardId, code: card.code })
    patch = { status: res.user_card_status as UserCardStatus }
    // A coupon its refunded 买单 order gave back (user-cards.ts restoredBy): WeChat still says it was consumed.
    if (card.restoredBy && res.user_card_status === 'CONSUMED') patch = {}
    // A gift that came back (not accepted within 24 hours) no longer waits for a friend's code.
    if (res.user_card_status === 'NORMAL' && card.parked) patch = { ...patch, parked: false, giftingTo: '' }
    if (card.saOpenid && res.openid && res.openid !== card.saOpenid) {
      // A custom code that moved to a friend whose push we never saw.
      patch = { ...patch, saOpenid: res.openid, mpOpenid: (await mpOpenidOf(store, res.openid)) ?? '', unionid: '' }
    }
  } catch (err) {
    if (!(err instanceof WxApiError && err.errcode === 40056)) throw err
    // The value waits on the old code (parked) until the friend's new code is known (giftcards/bag-codes.ts).
    patch = { status: 'GIFTED', ...(card.giftedTo ? {} : { parked: true }) }
  }
  const changed = Object.entries(patch).some(([k, v]) => (card as unknown as Record<string, unknown>)[k] !== v)
  // Conditional on the status we read, so an event applied meanwhile is not overwritten.
  const won = await store.updateIf(Collections.userCards, card._id, { status: card.status }, { ...(changed ? patch : {}), checkedAt })
  if (changed)
    log('info', { msg: 'card reconciled with WeChat', card: card.cardId, code: maskCode(card.code), from: card.status, to: patch.status })
  // Given away with no push: the friend's new code is looked for now (their card bag, if user_gifting_card named them).
  if (won && patch.parked)
    await findGiftFriend(store, wx, { ...card, ...patch }, sync).catch((err) => {
      log('warn', { msg: 'could not look for the new code of a gift', card: card.cardId, error: (err as Error).message })
    })
  return changed ? 'changed' : 'same'
}

/**
 * Reads back every live card not confirmed for `ageMs`, oldest confirmation first, in slices from the stored
 * cursor until the budget is spent (server/store/sweep.ts): at 1,000,000 cards a pass takes under a day
 * (docs/capacity.md).
 */
export async function reconcileCards(
  store: Store,
  wx: WechatClient,
  budget: Budget = budgetOf(DEFAULT_TASK_BUDGET_MS),
  ageMs = reconcileAgeMs(),
  sync: SyncOptions = {},
) {
  const out = { checked: 0, changed: 0, failed: 0 }
  const dueBefore = budget.now() - ageMs
  const run = await sweep<UserCardDoc>(store, budget, {
    task: 'cards',
    collection: Collections.userCards,
    field: 'checkedAt',
    filter: () => ({ status: where.in(['NORMAL', 'GIFTING']), checkedAt: where.lte(dueBefore) }),
    sliceSize: RECONCILE_SLICE,
    concurrency: CONCURRENCY,
    work: async (card) => {
      try {
        if ((await reconcileCard(store, wx, card, sync)) === 'changed') out.changed++
        out.checked++
      } catch (err) {
        out.failed++
        log('warn', { msg: 'card reconciliation failed', card: card.cardId, code: card.code, error: (err as Error).message })
      }
    },
  })
  return { ...out, ...run }
}
