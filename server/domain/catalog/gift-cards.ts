// The merchant's gift-card definitions (created by merchant operations), as the shop shows them and as
// issuing a card needs them (price, initial balance, validity).
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import type { ShelfDoc } from './shelves'
import type { ReviewStatus } from './review'
import { clock } from '../../clock'

export interface GiftCardDoc extends StoredDoc {
  /** WeChat card_id; also the _id */
  cardId: string
  title: string
  /** giftcard_info.price, fen */
  price: number
  /** init_balance, fen (the price when absent) */
  initBalance: number
  backgroundPicUrl?: string
  /** faces the buyer may choose (from the shelf's pic_item_list) */
  faces: string[]
  defaultMessage: string
  /** the shelf theme it is sold under */
  theme?: string
  brandName?: string
  /** base_info.notice: how to use it, as the card bag shows it */
  notice?: string
  description?: string
  servicePhone?: string
  /** base_info.can_give_friend (WeChat's default: true) and max_give_friend_times, for 转赠 in the card bag (giftcards/received.ts) */
  canGiveFriend?: boolean
  maxGiveFriendTimes?: number
  onSale: boolean
  reviewStatus: ReviewStatus
  /** WeChat's RefuseReason from card_not_pass_check, while the card stays REJECTED */
  reviewReason?: string
  beginTime: number
  endTime: number
  createdAt: number
  updatedAt: number
}

export interface ShopItem {
  cardId: string
  title: string
  price: number
  /** fen on the card when issued (init_balance): more than the price for a card sold at a discount */
  value: number
  backgroundPicUrl?: string
  faces: string[]
  defaultMessage: string
  theme?: string
}

/** The shop: cards on a live shelf and valid long enough to sell (see "what may be sold" below). */
export async function listOnSale(store: Store, nowMs = clock.now()): Promise<ShopItem[]> {
  const [docs, live] = await Promise.all([
    store.find<GiftCardDoc>(Collections.giftCards, { onSale: true }, { orderBy: { field: 'price', direction: 'asc' }, limit: 100 }),
    cardsOnLiveShelves(store),
  ])
  return docs
    .filter((d) => !notSaleableReason(d, live, nowMs))
    .map((d) => ({
      cardId: d.cardId,
      title: d.title,
      price: d.price,
      value: d.initBalance || d.price,
      faces: d.faces ?? [],
      defaultMessage: d.defaultMessage ?? '',
      ...(d.theme ? { theme: d.theme } : {}),
      ...(d.backgroundPicUrl ? { backgroundPicUrl: d.backgroundPicUrl } : {}),
    }))
}

export async function giftCardDef(store: Store, cardId: string): Promise<GiftCardDoc> {
  const d = await store.get<GiftCardDoc>(Collections.giftCards, cardId)
  if (!d) throw new AppError(ErrCode.NOT_FOUND, `no gift card ${cardId}`)
  return d
}

/** The card as sold: the definition's title and dates, with the face and blessing the buyer chose (or the definition's face). */
export function cardAsSold(def: GiftCardDoc, chosen: { backgroundPicUrl?: string; message?: string }): CardIssue {
  const face = chosen.backgroundPicUrl ?? def.backgroundPicUrl
  return {
    title: def.title,
    beginTime: def.beginTime,
    endTime: def.endTime,
    ...(face ? { backgroundPicUrl: face } : {}),
    ...(chosen.message ? { message: chosen.message } : {}),
  }
}

/**
 * What a card bought in the Mini Program is issued with (#17): the definition's title and dates and
 * the face and blessing the buyer chose, as they stood when it was sold. An entitlement carries it so
 * that a user_get_card push funds the card without reading the order and the definition.
 */
export interface CardIssue {
  title: string
  beginTime: number
  endTime: number
  backgroundPicUrl?: string
  message?: string
}

// ---------- what may be sold ----------
// What may be sold: a gift card is on sale only while a shelf that carries it is up (not taken down
// for maintenance) and it stays valid long enough to be worth buying (SALE_MIN_VALID_DAYS, default 30
// days, for cards with a fixed validity range). Expired cards are never sold.
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
export function notSaleableReason(
  def: GiftCardDoc,
  live: Set<string>,
  nowMs: number,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (!def.onSale || !live.has(def.cardId)) return 'is not on sale'
  if (def.reviewStatus === 'REJECTED') return 'was not approved by WeChat'
  const nowSec = Math.floor(nowMs / 1000)
  if (def.endTime && def.endTime < nowSec + minValidDays(env) * 86400)
    return def.endTime < nowSec ? 'has expired' : `is valid for less than ${minValidDays(env)} days`
  return undefined
}

export async function assertSaleable(store: Store, def: GiftCardDoc, nowMs: number): Promise<void> {
  const reason = notSaleableReason(def, await cardsOnLiveShelves(store), nowMs)
  if (reason) throw new AppError(ErrCode.CONFLICT, `gift card ${def.cardId} ${reason}`)
}
