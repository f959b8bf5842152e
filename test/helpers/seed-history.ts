// A merchant's history written straight through the product's store (not through HTTP): paid orders of
// both Cloud Pay channels, hosted-shelf orders, spends with some reversals, member recharges, new members
// and live cards, spread over the days before `nowMs`. For the rollup tests and `npm run bench:scale`.
import type { LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import type { MemberDoc } from '../../server/domain/cards/member-records'
import type { OrderDoc, ShelfOrderDoc } from '../../server/domain/cards/order-types'
import type { UserCardDoc } from '../../server/domain/cards/user-cards'
import { Collections } from '../../server/store/collections'
import type { Store, StoredDoc } from '../../server/store/port'

const DAY_MS = 86400_000
/** Writes in flight at once while seeding. */
const PARALLEL = 32

export interface HistorySize {
  /** orders of our own (mp and checkout) and shelf orders, together */
  orders: number
  /** ledger entries (spends, reversals, recharges) */
  entries: number
  /** live and spent cards (default: min(500, entries)) */
  cards?: number
  /** spread over this many days before the day of nowMs (today gets nothing) */
  days: number
  nowMs: number
  /** distinguishes the ids of several seeds in one database */
  tag?: string
}

async function writeAll(store: Store, collection: string, docs: StoredDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += PARALLEL) await Promise.all(docs.slice(i, i + PARALLEL).map((d) => store.insert(collection, d)))
}

/** A time on one of the `days` days before today (never today), deterministic in `i`. */
function pastTime(i: number, size: HistorySize): number {
  const day = 1 + (i % size.days)
  return size.nowMs - day * DAY_MS - ((i * 7919) % 3600) * 1000
}

/** Writes the history; answers how many documents it wrote. */
export async function seedHistory(store: Store, size: HistorySize): Promise<number> {
  const tag = size.tag ?? 's'
  const orders: OrderDoc[] = []
  const shelf: ShelfOrderDoc[] = []
  for (let i = 0; i < size.orders; i++) {
    const at = pastTime(i, size)
    if (i % 5 === 4) {
      shelf.push({
        _id: `${tag}-shelf-${i}`,
        order: {
          order_id: `${tag}-shelf-${i}`,
          total_price: 5000,
          open_id: `buyer-${i % 97}`,
          card_list: [],
        } as unknown as ShelfOrderDoc['order'],
        state: i % 25 === 4 ? 'REFUNDED' : 'PAID',
        recordedAt: at,
        updatedAt: at,
      })
      continue
    }
    const refunded = i % 11 === 0
    orders.push({
      _id: `${tag}-order-${i}`,
      kind: i % 3 === 0 ? 'checkout' : 'mp',
      mpOpenid: `buyer-${i % 97}`,
      cardId: 'pCARD',
      quantity: 1,
      totalFee: 10000 + (i % 7) * 100,
      status: refunded ? 'REFUNDED' : 'ISSUED',
      createdAt: at - 30_000,
      paidAt: at,
      ...(refunded ? { refundFee: 2000, refundRequestedAt: at + 3600_000, refundedAt: at + 3600_000 } : {}),
    })
  }
  const entries: LedgerEntryDoc[] = []
  const cardCount = size.cards ?? Math.min(500, size.entries)
  const cards: UserCardDoc[] = []
  for (let i = 0; i < size.entries; i++) {
    const kind = i % 10 === 9 ? 'reversal' : i % 10 === 8 ? 'recharge' : 'spend'
    const amount = kind === 'spend' ? -(100 + (i % 13) * 10) : kind === 'reversal' ? 100 : 5000
    entries.push({
      _id: `${tag}-entry-${i}`,
      card: `${tag}-card-${i % cardCount}`,
      kind,
      amount,
      balanceAfter: 0,
      version: i,
      createdAt: pastTime(i, size),
    })
  }
  for (let i = 0; i < cardCount; i++) {
    cards.push({
      _id: `${tag}-card-${i}`,
      cardId: 'pCARD',
      code: `${tag}${i}`,
      mpOpenid: `buyer-${i % 97}`,
      status: i % 10 === 0 ? 'USED' : 'NORMAL',
      // Beside the gift cards, member cards (stored value) and coupons (no balance): the dashboard counts each kind apart.
      ...(i % 7 === 3 ? { member: true } : i % 11 === 5 ? { couponType: 'CASH' } : {}),
      balance: i % 7 !== 3 && i % 11 === 5 ? 0 : 1000 + i,
      version: 0,
      endTime: i % 20 === 1 ? Math.floor(size.nowMs / 1000) - 60 : 0,
      updatedAt: size.nowMs - DAY_MS,
    } as unknown as UserCardDoc)
  }
  const members: MemberDoc[] = []
  for (let i = 0; i < Math.floor(size.orders / 20); i++) {
    members.push({
      _id: `${tag}-member-${i}`,
      cardId: 'pMEMBER',
      code: `${tag}m${i}`,
      activated: true,
      createdAt: pastTime(i, size),
      updatedAt: pastTime(i, size),
    } as unknown as MemberDoc)
  }
  // Member recharges refunded (#28: the dashboard's recharge sales deduct them).
  const recharges: StoredDoc[] = []
  for (let i = 0; i < Math.floor(size.orders / 50); i++) {
    recharges.push({
      _id: `${tag}-recharge-${i}`,
      status: 'REFUNDED',
      amount: 5000,
      refundFee: 3000,
      paidAt: pastTime(i, size),
      refundRequestedAt: pastTime(i, size) + 60_000,
    } as StoredDoc)
  }
  await writeAll(store, Collections.memberOrders, recharges)
  await writeAll(store, Collections.orders, orders)
  await writeAll(store, Collections.shelfOrders, shelf)
  await writeAll(store, Collections.ledger, entries)
  await writeAll(store, Collections.userCards, cards)
  await writeAll(store, Collections.members, members)
  return orders.length + shelf.length + entries.length + cards.length + members.length + recharges.length
}
