// Data at a real merchant's volume (issue 26), written through the product's own store (the CloudStore
// adapter over wx-server-sdk, as a function instance writes): paid Mini Program orders, each with the
// card it issued and that card's issue entry in the ledger, and cards held by named people. Documents
// have the shapes the functions write; every run adds to what is there (ids carry a run tag).
import { randomBytes } from 'node:crypto'
import type { GiftCardDoc } from '../../server/domain/catalog/gift-cards'
import type { OrderDoc } from '../../server/domain/cards/order-types'
import { newUserCard, type UserCardDoc } from '../../server/domain/cards/user-cards'
import type { LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { Collections } from '../../server/store/collections'
import type { Store, StoredDoc } from '../../server/store/port'

export interface ScalePlan {
  /** paid orders, each issuing one card (held by one of a pool of buyers) */
  orders?: number
  /** cards in circulation beyond the orders' (held by the pool) */
  cards?: number
  /** cards for particular people, by Mini Program openid */
  people?: { mpOpenid: string; cards: number }[]
  /** the time the documents end at (ms); they go back one minute per 50 documents */
  now?: number
}

export interface Seeded {
  orders: number
  cards: number
  entries: number
}

/** Writes at most this many documents at once (the local cloud serves them concurrently). */
const AT_ONCE = 32

async function insertAll(store: Store, collection: string, docs: StoredDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += AT_ONCE) await Promise.all(docs.slice(i, i + AT_ONCE).map((d) => store.insert(collection, d)))
}

/** The gift card the seeded orders are for: one on sale in the store, or a stand-in with the same shape. */
async function cardOnSale(
  store: Store,
): Promise<Pick<GiftCardDoc, 'cardId' | 'title' | 'price' | 'initBalance' | 'endTime' | 'backgroundPicUrl'>> {
  const [def] = await store.find<GiftCardDoc>(Collections.giftCards, { onSale: true }, { limit: 1 })
  return (
    def ?? {
      cardId: 'pScaleGiftCard000000000000000',
      title: '礼品卡 ¥100',
      price: 10000,
      initBalance: 10000,
      endTime: Math.floor(Date.now() / 1000) + 365 * 86400,
    }
  )
}

/** A pool of buyers (openid-shaped: 'o' and 27 URL-safe characters). */
const buyer = (tag: string, i: number) => `oScale${tag}${String(i % 500).padStart(4, '0')}`.padEnd(28, 'x').slice(0, 28)

export async function seedScale(store: Store, plan: ScalePlan): Promise<Seeded> {
  const tag = randomBytes(4).toString('hex')
  const now = plan.now ?? Date.now()
  const def = await cardOnSale(store)
  const orders: OrderDoc[] = []
  const cards: UserCardDoc[] = []
  const entries: LedgerEntryDoc[] = []
  let n = 0
  const at = () => now - Math.floor(n++ / 50) * 60_000
  const issue = (holder: string, orderId?: string) => {
    const t = at()
    const code = `${tag}${String(cards.length).padStart(8, '0')}`
    const card = newUserCard(def.cardId, code, {
      mpOpenid: holder,
      title: def.title,
      balance: def.initBalance,
      version: 1,
      syncedVersion: 1,
      funded: true,
      status: 'NORMAL',
      beginTime: Math.floor(t / 1000),
      endTime: def.endTime,
      checkedAt: t,
      updatedAt: t,
      lastEntry: { kind: 'issue', amount: def.initBalance },
      ...(orderId ? { orderId } : {}),
      ...(def.backgroundPicUrl ? { backgroundPicUrl: def.backgroundPicUrl } : {}),
    })
    cards.push(card)
    entries.push({
      _id: `issue:${def.cardId}:${code}`,
      card: card._id,
      kind: 'issue',
      amount: def.initBalance,
      balanceAfter: def.initBalance,
      version: 1,
      ...(orderId ? { orderId } : {}),
      createdAt: t,
    })
  }
  for (let i = 0; i < (plan.orders ?? 0); i++) {
    const t = at()
    const orderId = `GCSCALE${tag.toUpperCase()}${String(i).padStart(8, '0')}`
    const mpOpenid = buyer(tag, i)
    orders.push({
      _id: orderId,
      kind: 'mp',
      mpOpenid,
      requestId: `scale-${tag}-${i}`,
      cardId: def.cardId,
      title: def.title,
      unitPrice: def.price,
      unitValue: def.initBalance,
      quantity: 1,
      totalFee: def.price,
      status: 'ISSUED',
      transactionId: `42000${tag}${String(i).padStart(10, '0')}`,
      createdAt: t - 5_000,
      paidAt: t,
    })
    issue(mpOpenid, orderId)
  }
  for (let i = 0; i < (plan.cards ?? 0); i++) issue(buyer(tag, i))
  for (const p of plan.people ?? []) for (let i = 0; i < p.cards; i++) issue(p.mpOpenid)
  await insertAll(store, Collections.orders, orders)
  await insertAll(store, Collections.userCards, cards)
  await insertAll(store, Collections.ledger, entries)
  return { orders: orders.length, cards: cards.length, entries: entries.length }
}
