// The points ledger of member cards. Every change of a card's points is one entry whose _id is its
// idempotency key, written in the same transaction that moves `bonus` on the card and bumps the card's
// `version` (the same counter the stored value uses), so the sync (balance-sync.ts) sends both full
// values with card/membercard/updateuser and a retried change is applied once. Points never go negative.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc, TxStore } from '../../store/port'
import { withConflictRetry } from '../../store/retry'
import type { UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'

export type PointsKind = 'activate' | 'earn' | 'adjust' | 'unearn'

export interface PointsEntryDoc extends StoredDoc {
  card: string
  kind: PointsKind
  /** signed points */
  amount: number
  bonusAfter: number
  version: number
  reason?: string
  orderId?: string
  createdAt: number
}

export interface PointsPosting {
  card: string
  kind: PointsKind
  amount: number
  /** the idempotency key */
  entryId: string
  reason?: string
  orderId?: string
  /** checks the card inside the transaction; throw to refuse */
  guard?: (card: UserCardDoc) => void
}

/** Inside a caller's transaction: the entry, or the earlier one under the same key (same amount, same card, or refused). */
export async function postPointsIn(tx: TxStore, p: PointsPosting, now: number): Promise<{ entry: PointsEntryDoc; replay: boolean }> {
  const earlier = await tx.get<PointsEntryDoc>(Collections.pointsLedger, p.entryId)
  if (earlier) {
    if (earlier.card !== p.card || earlier.amount !== p.amount)
      throw new AppError(ErrCode.CONFLICT, `${p.entryId} was already used with different details`)
    return { entry: earlier, replay: true }
  }
  if (!Number.isInteger(p.amount)) throw new AppError(ErrCode.INVALID_ARGUMENT, 'points must be a whole number')
  const card = await tx.get<UserCardDoc>(Collections.userCards, p.card)
  if (!card || !card.member) throw new AppError(ErrCode.NOT_FOUND, `no member card ${p.card}`)
  p.guard?.(card)
  const bonusAfter = (card.bonus ?? 0) + p.amount
  if (bonusAfter < 0) throw new AppError(ErrCode.CONFLICT, `insufficient points: ${card.bonus ?? 0}, ${-p.amount} needed`)
  const version = card.version + 1
  await tx.update(Collections.userCards, card._id, { bonus: bonusAfter, version, dirty: card.syncedVersion < version, updatedAt: now })
  const entry: PointsEntryDoc = {
    _id: p.entryId,
    card: p.card,
    kind: p.kind,
    amount: p.amount,
    bonusAfter,
    version,
    createdAt: now,
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.orderId ? { orderId: p.orderId } : {}),
  }
  await tx.insert(Collections.pointsLedger, entry)
  return { entry, replay: false }
}

export function postPoints(store: Store, p: PointsPosting) {
  return withConflictRetry(() => store.transaction((tx) => postPointsIn(tx, p, clock.now())))
}

/** Sum of a card's point entries (the invariant: equals its bonus). */
export async function pointsSum(store: Store, card: string): Promise<number> {
  let sum = 0
  for (let skip = 0; ; skip += 1000) {
    const page = await store.find<PointsEntryDoc>(
      Collections.pointsLedger,
      { card },
      { orderBy: { field: 'version', direction: 'asc' }, skip, limit: 1000 },
    )
    for (const e of page) sum += e.amount
    if (page.length < 1000) return sum
  }
}

export async function pointsHistory(store: Store, card: string, limit = 20) {
  const docs = await store.find<PointsEntryDoc>(
    Collections.pointsLedger,
    { card },
    { orderBy: { field: 'version', direction: 'desc' }, limit },
  )
  return docs.map((e) => ({
    entryId: e._id,
    kind: e.kind,
    amount: e.amount,
    bonusAfter: e.bonusAfter,
    createdAt: e.createdAt,
    ...(e.reason ? { reason: e.reason } : {}),
  }))
}
