// What became of each order's cards, for the merchant's order list and detail (#28: "Every order says
// 已支付, even when its card was claimed, given or spent"). Read for one page of rows at a time, in at most
// three queries whatever the page holds (entitlements and cards by their order, a 买单 order's leg and
// coupon cards by id), each on an index (server/store/indexes.ts: entitlements.orderId, user_cards.orderId,
// _id).
import { Collections } from '../../store/collections'
import { MAX_QUERY_LIMIT, where, type Store } from '../../store/port'
import type { EntitlementDoc, OrderDoc } from '../cards/order-types'
import { userCardId, type UserCardDoc } from '../cards/user-cards'
import type { CardState, OrderRow, RefundStatus } from '../../../contract/merchant-orders'

/** What the card state is decided from: the order's refund and channel state, its entitlements and its cards. */
export interface CardFacts {
  channel: OrderRow['channel']
  refundStatus?: RefundStatus
  /** shelf orders: WeChat's order state (PAID, SENDING, ACCEPTED, RETURNED, REFUNDED) */
  shelfState?: string
  ents: Pick<EntitlementDoc, 'status' | 'giftId'>[]
  cards: Pick<UserCardDoc, 'balance' | 'giftedTo' | 'status'>[]
}

/**
 * The one state of an order's cards: a refund first (as WeChat Pay reports it), then USED_UP (every card in
 * a bag, none holding value, none given on), GIFTED (a gift sent, a card given on in the bag, or a shelf
 * order sent), CLAIMED (a card in a bag), else PAID. A 买单 order issues no card: PAID until refunded.
 */
export function cardStateOf(f: CardFacts): CardState {
  if (f.refundStatus) return f.refundStatus
  if (f.channel === 'shelf' && f.shelfState === 'REFUNDED') return 'REFUNDED'
  if (f.channel === 'checkout') return 'PAID'
  const gifted = f.ents.some((e) => !!e.giftId) || f.cards.some((c) => !!c.giftedTo) || f.shelfState === 'SENDING'
  const allInBags = f.channel === 'shelf' ? f.shelfState === 'ACCEPTED' : f.ents.length > 0 && f.ents.every((e) => e.status === 'ADDED')
  if (!gifted && allInBags && f.cards.length > 0 && f.cards.every((c) => c.balance === 0)) return 'USED_UP'
  if (gifted) return 'GIFTED'
  if (f.ents.some((e) => e.status === 'ADDED') || f.shelfState === 'ACCEPTED') return 'CLAIMED'
  return 'PAID'
}

/** A row with the order document it came from (a Mini Program or 买单 order; absent for shelf orders). */
export interface SourcedRow {
  row: OrderRow
  order?: OrderDoc
}

/**
 * The rows of one page with their card state, and each 买单 order's gift-card leg and coupon named by their
 * cards' titles.
 */
export async function describeRows(store: Store, items: SourcedRow[]): Promise<OrderRow[]> {
  const ids = (c: OrderRow['channel']) => items.filter((i) => i.row.channel === c).map((i) => i.row.orderId)
  const mp = ids('mp')
  const withCards = [...mp, ...ids('shelf')]
  const named = items.flatMap(({ order: o }) => [
    ...(o?.coupon ? [userCardId(o.coupon.cardId, o.coupon.code)] : []),
    ...(o?.cardLeg ? [userCardId(o.cardLeg.cardId, o.cardLeg.code)] : []),
  ])
  const none = <T>(): Promise<T[]> => Promise.resolve([])
  const [ents, cards, legCoupons] = await Promise.all([
    mp.length
      ? store.find<EntitlementDoc>(Collections.entitlements, { orderId: where.in(mp) }, { limit: MAX_QUERY_LIMIT })
      : none<EntitlementDoc>(),
    withCards.length
      ? store.find<UserCardDoc>(Collections.userCards, { orderId: where.in(withCards) }, { limit: MAX_QUERY_LIMIT })
      : none<UserCardDoc>(),
    named.length
      ? store.find<UserCardDoc>(Collections.userCards, { _id: where.in(named) }, { limit: MAX_QUERY_LIMIT })
      : none<UserCardDoc>(),
  ])
  const titleOf = (cardId: string, code: string) => legCoupons.find((c) => c._id === userCardId(cardId, code))?.title
  return items.map(({ row, order }) => ({
    ...row,
    cardState: cardStateOf({
      channel: row.channel,
      refundStatus: row.refundStatus,
      ...(row.channel === 'shelf' ? { shelfState: row.state } : {}),
      ents: ents.filter((e) => e.orderId === row.orderId),
      cards: cards.filter((c) => c.orderId === row.orderId),
    }),
    ...(row.coupon && order?.coupon ? { coupon: { ...row.coupon, ...opt('title', titleOf(order.coupon.cardId, order.coupon.code)) } } : {}),
    ...(row.legs && order?.cardLeg
      ? {
          legs: row.legs.map((l) =>
            l.kind === 'giftcard' ? { ...l, ...opt('title', titleOf(order.cardLeg!.cardId, order.cardLeg!.code)) } : l,
          ),
        }
      : {}),
  }))
}

const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
  (v === undefined ? {} : { [k]: v }) as Partial<Record<K, string>>
