// Turning a paid entitlement into a funded card, exactly once. Whichever proves first that a card was
// added for the entitlement — the Mini Program's recordAdded (the code wx.addCard returned) or WeChat's
// user_get_card push (its OuterStr is the entitlement id we signed into the cardExt) — consumes it.
// Two ways, each exclusive at every step, so they may race in any order:
//
// - redeemEntitlement: in ONE transaction the entitlement goes READY → ADDED with the code, the card
//   record gets its balance, and the issue entry is written.
// - fundFresh (#17, the first push of a card whose entitlement carries what the card is issued with):
//   three single-document writes, no transaction, each one a claim nobody else can make twice:
//     1. the entitlement READY → ADDED with the code (a compare-and-set: claims the entitlement),
//     2. the issue entry `issue:<card>` inserted, naming the entitlement (claims the code),
//     3. the card inserted funded, WeChat told its balance just before (the card appears last, fully
//        backed, so nothing can spend it before its entry exists).
//   A crash or a lost race between steps leaves the entitlement ADDED with this code and the card not
//   funded from it. Whoever comes next for this code — the push's stored event run again by the cron,
//   or recordAdded — finds that in redeemEntitlement's transaction and finishes the funding there; if
//   the code turned out to be another entitlement's, it puts this entitlement back to READY instead.
//
// Without a READY entitlement nothing is funded, so a second card added with a copy of the cardExt, a
// replayed push or a forged one carries no value.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, change, type Store } from '../../store/port'
import { withConflictRetry } from '../../store/retry'
import { cardAsSold, giftCardDef, type CardIssue, type GiftCardDoc } from '../catalog/gift-cards'
import type { Holder } from '../cards/identities'
import type { LedgerEntryDoc } from '../ledgers/ledger'
import { claimedBy, type GiftDoc } from './gifts'
import type { EntitlementDoc, OrderDoc } from '../cards/order-types'
import { newUserCard, userCardId, type UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'
import { log } from '../../log'
import type { WechatClient } from '../../wechat/client'
import { sendGiftBalance } from '../sync/balance-sync'

export type Redeemed =
  /** consumed now, or earlier with this same code: the card is funded */
  | { outcome: 'funded'; card: UserCardDoc; fresh: boolean }
  /** the entitlement was consumed by another code (this code is an extra card with no value) */
  | { outcome: 'spent' }
  /** refunded, unknown, or for another card */
  | { outcome: 'void' }
  /** the code is already funded by something else; the entitlement stays READY */
  | { outcome: 'code-funded'; card: UserCardDoc }
  /** (onlyHolders) the entitlement is another person's */
  | { outcome: 'not-yours' }
  /** another entitlement's funding of this code is under way (fundFresh); this one stays READY */
  | { outcome: 'code-claimed' }

const issueEntryId = (cardDocId: string) => `issue:${cardDocId}`

/** The card's issue entry: the entitlement's value, which makes the card's first balance. */
const issueEntry = (cardDocId: string, ent: EntitlementDoc, balanceAfter: number, version: number, createdAt: number): LedgerEntryDoc => ({
  _id: issueEntryId(cardDocId),
  card: cardDocId,
  kind: 'issue',
  amount: ent.value,
  balanceAfter,
  version,
  orderId: ent.orderId,
  entitlementId: ent._id,
  description: 'card issued',
  createdAt,
})

/** Test seam: a fault injected between two steps of fundFresh (null in production). */
export type FreshStep = 'claimed' | 'entered'
export const freshFaults: { at: ((step: FreshStep) => void) | null } = { at: null }

/** fundFresh applies to an entitlement that is READY, not given, and carries the card as sold. */
export function fundableFresh(ent: EntitlementDoc | null, cardId: string): ent is EntitlementDoc & { issue: CardIssue } {
  return !!ent && ent.cardId === cardId && ent.status === 'READY' && !ent.giftId && !!ent.issue
}

/**
 * The funding of a card not recorded yet, in three claims (see the top of this file): from its first
 * push, or from recordAdded when the push has not come yet. `holder.mpOpenid` is the Mini Program openid
 * the card is for. WeChat is told the balance between the second claim and the third, so the card is
 * inserted already in step (no lease, no write after updateuser: issue 27's call count); nobody else can
 * sync a card that is not inserted yet, and one WeChat refused or did not answer is inserted `dirty` for
 * the cron. Returns the funded card, or undefined when any claim was lost: then redeemEntitlement decides,
 * and finishes what this started if it is the entitlement's code. `pushedAt`: the push that funds it, kept
 * on the entitlement (the push's record: wxpush stores no event for it, merchant self-check reads it).
 */
export async function fundFresh(
  store: Store,
  wx: WechatClient,
  ent: EntitlementDoc & { issue: CardIssue },
  code: string,
  holder: Holder & { mpOpenid: string },
  pushedAt?: number,
): Promise<UserCardDoc | undefined> {
  const id = userCardId(ent.cardId, code)
  const now = clock.now()
  const claimed = await store.updateIf(
    Collections.entitlements,
    ent._id,
    // Still READY, not given meanwhile, still the same person's (a gift's claim changes both).
    { status: 'READY', cardId: ent.cardId, giftId: '', mpOpenid: ent.mpOpenid },
    { status: 'ADDED', code, addedAt: now, ...(pushedAt ? { pushedAt } : {}) },
  )
  if (!claimed) return undefined
  freshFaults.at?.('claimed')
  try {
    await store.insert<LedgerEntryDoc>(Collections.ledger, issueEntry(id, ent, ent.value, 1, now))
    freshFaults.at?.('entered')
    const card = newUserCard(ent.cardId, code, {
      ...issuedFields(ent.issue),
      mpOpenid: holder.mpOpenid,
      ...(holder.saOpenid ? { saOpenid: holder.saOpenid } : {}),
      ...(holder.unionid ? { unionid: holder.unionid } : {}),
      orderId: ent.orderId,
      entitlementId: ent._id,
      balance: ent.value,
      version: 1,
      funded: true,
      dirty: true,
      checkedAt: now,
      updatedAt: now,
      lastEntry: { kind: 'issue', amount: ent.value },
    })
    const told = await sendGiftBalance(wx, card).then(
      () => true,
      (err: unknown) => {
        log('warn', { msg: 'balance sync failed; the cron will retry', card: id, error: (err as Error).message })
        return false
      },
    )
    const stored: UserCardDoc = told ? { ...card, syncedVersion: 1, dirty: false } : card
    await store.insert<UserCardDoc>(Collections.userCards, stored)
    return stored
  } catch (err) {
    // The code is claimed already (another entitlement's entry, or a card recorded meanwhile).
    if (err instanceof DuplicateIdError) return undefined
    throw err
  }
}

function issuedFields(issue: CardIssue): Partial<UserCardDoc> {
  return {
    title: issue.title,
    beginTime: issue.beginTime,
    endTime: issue.endTime,
    ...(issue.backgroundPicUrl ? { backgroundPicUrl: issue.backgroundPicUrl } : {}),
    ...(issue.message ? { message: issue.message } : {}),
  }
}

/** Reads several redemptions of one request share (the definition, the order), each made once. */
export function sharedReads(store: Store) {
  const defs = new Map<string, Promise<GiftCardDoc>>()
  const orders = new Map<string, Promise<OrderDoc | null>>()
  const once = <T>(m: Map<string, Promise<T>>, k: string, load: () => Promise<T>) => {
    let p = m.get(k)
    if (!p) m.set(k, (p = load()))
    return p
  }
  return {
    def: (cardId: string) => once(defs, cardId, () => giftCardDef(store, cardId)),
    order: (orderId: string) => once(orders, orderId, () => store.get<OrderDoc>(Collections.orders, orderId)),
  }
}

export async function redeemEntitlement(
  store: Store,
  entId: string,
  cardId: string,
  code: string,
  holder: Holder,
  opts: { onlyHolders?: boolean } = {},
  shared = sharedReads(store),
): Promise<Redeemed> {
  const id = userCardId(cardId, code)
  // Read once outside the transaction: the definition and the order do not change what a card is worth
  // (one read each for all the cards of one request, through `shared`). An entitlement carrying the
  // card as sold (`issue`) needs neither.
  const first = await store.get<EntitlementDoc>(Collections.entitlements, entId)
  if (!first || first.cardId !== cardId) return { outcome: 'void' }
  if (holder.mpOpenid && opts.onlyHolders && first.mpOpenid !== holder.mpOpenid) return { outcome: 'not-yours' }
  const [def, order, gift] = await Promise.all([
    first.issue ? null : shared.def(cardId),
    first.issue ? null : shared.order(first.orderId),
    // A given card shows the face and blessing the giver chose for the gift, and who sent it.
    first.giftId ? store.get<GiftDoc>(Collections.gifts, first.giftId) : null,
  ])
  const sold: CardIssue = first.issue ?? cardAsSold(def!, order ?? {})
  const face = gift?.face ?? sold.backgroundPicUrl
  const message = gift ? gift.message : sold.message
  const attempt = () =>
    store.transaction(async (tx): Promise<Redeemed> => {
      const [ent, cur] = await Promise.all([
        tx.get<EntitlementDoc>(Collections.entitlements, entId),
        tx.get<UserCardDoc>(Collections.userCards, id),
      ])
      if (!ent) return { outcome: 'void' }
      let entry: LedgerEntryDoc | null = null
      if (ent.status === 'ADDED') {
        if (ent.code !== code) return { outcome: 'spent' }
        if (cur?.funded && (cur.entitlementId ?? ent._id) === ent._id) return { outcome: 'funded', card: cur, fresh: false }
        // Claimed for this code by fundFresh, which has not finished (or stopped): finish it here,
        // unless the code is another entitlement's after all — then this one goes back to READY.
        entry = await tx.get<LedgerEntryDoc>(Collections.ledger, issueEntryId(id))
        if (cur?.funded || (entry && entry.entitlementId !== ent._id)) {
          await tx.update(Collections.entitlements, ent._id, { status: 'READY', code: change.unset(), addedAt: change.unset() })
          if (entry?.entitlementId === ent._id) await tx.remove(Collections.ledger, entry._id)
          return cur?.funded ? { outcome: 'code-funded', card: cur } : { outcome: 'code-claimed' }
        }
      } else if (ent.status !== 'READY') return { outcome: 'void' }
      if (ent.giftId) {
        // Given to a friend: nobody may add it while it waits to be claimed, and once claimed only its
        // claimer (a cardExt the giver signed before giving it carries no value).
        const g = await tx.get<GiftDoc>(Collections.gifts, ent.giftId)
        if (!g || !claimedBy(g, ent._id, ent.mpOpenid)) return { outcome: 'void' }
        if (holder.mpOpenid && holder.mpOpenid !== ent.mpOpenid) return { outcome: 'void' }
      }
      if (cur?.funded) return { outcome: 'code-funded', card: cur }
      const now = clock.now()
      const base =
        cur ??
        newUserCard(cardId, code, {
          title: sold.title,
          beginTime: sold.beginTime,
          endTime: sold.endTime,
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
        orderId: ent.orderId,
        entitlementId: ent._id,
        balance: base.balance + ent.value,
        version,
        funded: true,
        dirty: base.syncedVersion < version,
        checkedAt: now,
        updatedAt: now,
        lastEntry: { kind: 'issue', amount: ent.value },
      }
      const { _id, ...patch } = card
      if (cur) await tx.update(Collections.userCards, _id, patch)
      else await tx.insert(Collections.userCards, card)
      const issued = issueEntry(id, ent, card.balance, version, entry?.createdAt ?? now)
      if (ent.status === 'READY') {
        await tx.insert<LedgerEntryDoc>(Collections.ledger, issued)
        await tx.update(Collections.entitlements, ent._id, { status: 'ADDED', code, addedAt: now })
      } else {
        // Finishing fundFresh: its entry (if it got that far) said version 1 of a card it expected to be new.
        await tx.set<LedgerEntryDoc>(Collections.ledger, issued)
      }
      return { outcome: 'funded', card, fresh: true }
    })
  try {
    return await withConflictRetry(attempt)
  } catch (err) {
    // The issue entry of this code exists with no funded card: another entitlement's fundFresh holds the
    // code. Nothing was written (the transaction failed as a whole); this entitlement stays READY.
    if (err instanceof DuplicateIdError && err.collection === Collections.ledger) return { outcome: 'code-claimed' }
    throw err
  }
}

/** What a caller tells the person when another entitlement's funding holds the code. */
export function codeClaimed(cardId: string): AppError {
  return new AppError(ErrCode.BUSY, `card ${cardId} with that code is being issued; try again`)
}
