// Turning a paid entitlement into a funded card, exactly once. Whichever proves first that a card was
// added for the entitlement — the Mini Program's recordAdded (the code wx.addCard returned) or WeChat's
// user_get_card push (its OuterStr is the entitlement id we signed into the cardExt) — consumes it:
// in ONE transaction the entitlement goes READY → ADDED with the code, the card record gets its
// balance, and the issue entry is written. Without a READY entitlement nothing is funded, so a
// second card added with a copy of the cardExt, a replayed push or a forged one carries no value.
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { withConflictRetry } from './retry'
import { giftCardDef } from './gift-cards'
import type { LedgerEntryDoc } from './ledger'
import type { GiftDoc } from './gifts'
import type { EntitlementDoc, OrderDoc } from './order-types'
import { newUserCard, userCardId, type UserCardDoc } from './user-cards'

export interface Holder {
  mpOpenid?: string
  saOpenid?: string
  unionid?: string
}

export type Redeemed =
  /** consumed now, or earlier with this same code: the card is funded */
  | { outcome: 'funded'; card: UserCardDoc; fresh: boolean }
  /** the entitlement was consumed by another code (this code is an extra card with no value) */
  | { outcome: 'spent' }
  /** refunded, unknown, or for another card */
  | { outcome: 'void' }
  /** the code is already funded by something else; the entitlement stays READY */
  | { outcome: 'code-funded'; card: UserCardDoc }

export async function redeemEntitlement(store: Store, entId: string, cardId: string, code: string, holder: Holder): Promise<Redeemed> {
  const id = userCardId(cardId, code)
  const first = await store.get<EntitlementDoc>(Collections.entitlements, entId)
  if (!first || first.cardId !== cardId) return { outcome: 'void' }
  // Read once outside the transaction: the definition and the order do not change what a card is worth.
  const [def, order] = await Promise.all([giftCardDef(store, cardId), store.get<OrderDoc>(Collections.orders, first.orderId)])
  // A given card shows the face and blessing the giver chose for the gift, and who sent it.
  const gift = first.giftId ? await store.get<GiftDoc>(Collections.gifts, first.giftId) : null
  const face = gift?.face ?? order?.backgroundPicUrl ?? def.backgroundPicUrl
  const message = gift ? gift.message : order?.message
  return withConflictRetry(() =>
    store.transaction(async (tx): Promise<Redeemed> => {
      const [ent, cur] = await Promise.all([tx.get<EntitlementDoc>(Collections.entitlements, entId), tx.get<UserCardDoc>(Collections.userCards, id)])
      if (!ent) return { outcome: 'void' }
      if (ent.status === 'ADDED') return ent.code === code && cur ? { outcome: 'funded', card: cur, fresh: false } : { outcome: 'spent' }
      if (ent.status !== 'READY') return { outcome: 'void' }
      if (ent.giftId) {
        // Given to a friend: nobody may add it while the gift waits, and once claimed only the claimer
        // (a cardExt the giver signed before giving it carries no value).
        const g = await tx.get<GiftDoc>(Collections.gifts, ent.giftId)
        if (!g || g.status !== 'CLAIMED' || g.claimerMpOpenid !== ent.mpOpenid) return { outcome: 'void' }
        if (holder.mpOpenid && holder.mpOpenid !== ent.mpOpenid) return { outcome: 'void' }
      }
      if (cur?.funded) return { outcome: 'code-funded', card: cur }
      const now = Date.now()
      const base = cur ?? newUserCard(cardId, code, {
        title: def.title, beginTime: def.beginTime, endTime: def.endTime,
        ...(face ? { backgroundPicUrl: face } : {}),
        ...(message ? { message } : {}),
        ...(gift ? { giftFrom: gift.from, giftId: gift._id } : {}),
      })
      const version = base.version + 1
      const card: UserCardDoc = {
        ...base,
        // The buyer is whoever paid, unless the Mini Program or an earlier join already named the holder.
        mpOpenid: ent.giftId ? ent.mpOpenid : base.mpOpenid || holder.mpOpenid || ent.mpOpenid,
        ...(holder.saOpenid ? { saOpenid: holder.saOpenid } : {}),
        ...(holder.unionid && !base.unionid ? { unionid: holder.unionid } : {}),
        orderId: ent.orderId, entitlementId: ent._id, balance: base.balance + ent.value, version, funded: true,
        dirty: base.syncedVersion < version, checkedAt: now, updatedAt: now,
      }
      const { _id, ...patch } = card
      if (cur) await tx.update(Collections.userCards, _id, patch)
      else await tx.insert(Collections.userCards, card)
      await tx.insert<LedgerEntryDoc>(Collections.ledger, { _id: `issue:${id}`, card: id, kind: 'issue', amount: ent.value, balanceAfter: card.balance, version, orderId: ent.orderId, description: 'card issued', createdAt: now })
      await tx.update(Collections.entitlements, ent._id, { status: 'ADDED', code, addedAt: now })
      return { outcome: 'funded', card, fresh: true }
    }),
  )
}
