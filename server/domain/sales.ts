// What may be sold: a gift card is on sale only while a shelf that carries it is up (not taken down
// for maintenance) and it stays valid long enough to be worth buying (SALE_MIN_VALID_DAYS, default 30
// days, for cards with a fixed validity range). Expired cards are never sold.
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import type { GiftCardDoc } from './gift-cards'
import type { ShelfDoc } from './merchant'

export function minValidDays(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SALE_MIN_VALID_DAYS)
  return Number.isInteger(n) && n >= 0 ? n : 30
}

/** Card ids carried by at least one shelf that is up. */
export async function cardsOnLiveShelves(store: Store): Promise<Set<string>> {
  const shelves = await store.find<ShelfDoc>(Collections.shelves, { maintain: false }, { limit: 200 })
  return new Set(shelves.flatMap((s) => (s.page.theme_list ?? []).flatMap((t) => (t.item_list ?? []).map((i) => i.card_id))))
}

/** Why the card cannot be sold now, or undefined when it can. */
export function notSaleableReason(def: GiftCardDoc, live: Set<string>, nowMs: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!def.onSale || !live.has(def.cardId)) return 'is not on sale'
  if (def.reviewStatus === 'REJECTED') return 'was not approved by WeChat'
  const nowSec = Math.floor(nowMs / 1000)
  if (def.endTime && def.endTime < nowSec + minValidDays(env) * 86400) return def.endTime < nowSec ? 'has expired' : `is valid for less than ${minValidDays(env)} days`
  return undefined
}

export async function assertSaleable(store: Store, def: GiftCardDoc, nowMs: number): Promise<void> {
  const reason = notSaleableReason(def, await cardsOnLiveShelves(store), nowMs)
  if (reason) throw new AppError(ErrCode.CONFLICT, `gift card ${def.cardId} ${reason}`)
}
