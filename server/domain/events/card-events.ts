// What WeChat's card events do to our records. Each handler is idempotent and order-independent:
// - user_get_card: a card added for a Mini Program purchase carries its entitlement as OuterStr and is
//   funded from it (entitlements.ts), exactly once, whether this push or recordAdded comes first (the
//   first push of a card nobody recorded yet by fundFresh's three claims, the rest transactionally); any
//   other card is recorded with its holder and no value. From a friend (IsGiveByFriend=1) the balance
//   moves from the old code to the friend's code — only once WeChat confirms the old code left its
//   holder as a gift — and the old code becomes GIFTED.
// - user_gifting_card: GIFTING while a gift is pending; back to NORMAL when it returns (IsReturnBack=1).
// - user_del_card → DELETE; user_consume_card → CONSUMED; card_pass_check / card_not_pass_check →
//   the review status of the card's definition, a gift card's, coupon's or member card's (card-review.ts).
// Final states (DELETE, GIFTED) are never left because of a late or reordered event.
// A rejected card keeps WeChat's RefuseReason (reviewReason) until the merchant edits it: card/update
// answers send_check true ("修改字段后重新提审,该卡券的状态变为审核中", friend-coupons.zh.txt line 1614)
// and reviewSubmitted (card-review.ts) puts it back to PENDING.
import { Collections } from '../../store/collections'
import type { BesideFind, Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import type { CardEvent, CardEventOf } from '../../wechat/events'
import { syncCard } from '../sync/balance-sync'
import { type SyncOptions } from '../../platform/settings'
import { findGiftFriend, voidExtraCard } from '../giftcards/bag-codes'
import { fundableFresh, fundFresh, redeemEntitlement } from '../giftcards/entitlements'
import { type Holder, type IdentityDoc } from '../cards/identities'
import type { GiftCardDoc } from '../catalog/gift-cards'
import { recordReview } from './card-review'
import { learnIdentity, mpOpenidOf } from '../cards/identities'
import { transfer } from '../ledgers/ledger'
import { settledForMove } from '../money/spend-keys'
import { maskCode } from '../../mask'
import { ENTITLEMENT_ID, type EntitlementDoc } from '../giftcards/orders'
import { withConflictRetry } from '../../store/retry'
import { memberCardDef } from '../catalog/member-cards'
import { onMemberCardUpdated, onMemberFormSubmitted, upsertMemberCard } from '../members/members'
import { newUserCard, userCardId, type UserCardDoc, type UserCardStatus } from '../cards/user-cards'
import { couponCardFields, couponDefOf } from '../coupons/coupons'
import { clock } from '../../clock'

async function upsertHolder(
  store: Store,
  cardId: string,
  code: string,
  holder: Holder & { saOpenid: string },
  copyFrom?: UserCardDoc,
): Promise<UserCardDoc> {
  const id = userCardId(cardId, code)
  const def = await store.get<GiftCardDoc>(Collections.giftCards, cardId)
  // A coupon (#14) arriving by push (a QR scan, a claim whose wx.addCard answer is still on its way).
  const coupon = def ? null : await couponDefOf(store, cardId)
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const cur = await tx.get<UserCardDoc>(Collections.userCards, id)
      if (!cur) {
        // user_get_card says the code is NORMAL in this person's bag as of now.
        const doc = newUserCard(cardId, code, {
          checkedAt: clock.now(),
          saOpenid: holder.saOpenid,
          ...(holder.unionid ? { unionid: holder.unionid } : {}),
          ...(holder.mpOpenid ? { mpOpenid: holder.mpOpenid } : {}),
          title: copyFrom?.title ?? def?.title ?? '',
          beginTime: copyFrom?.beginTime ?? def?.beginTime ?? 0,
          endTime: copyFrom?.endTime ?? def?.endTime ?? 0,
          ...(copyFrom?.orderId ? { orderId: copyFrom.orderId } : {}),
          ...(copyFrom?.message ? { message: copyFrom.message } : {}),
          ...((copyFrom?.backgroundPicUrl ?? def?.backgroundPicUrl)
            ? { backgroundPicUrl: copyFrom?.backgroundPicUrl ?? def?.backgroundPicUrl }
            : {}),
          ...(coupon && !copyFrom
            ? couponCardFields(coupon)
            : copyFrom?.couponType
              ? { couponType: copyFrom.couponType, terms: copyFrom.terms }
              : {}),
        })
        await tx.insert(Collections.userCards, doc)
        return doc
      }
      const patch: Partial<UserCardDoc> = { saOpenid: holder.saOpenid, updatedAt: clock.now() }
      if (holder.unionid && !cur.unionid) patch.unionid = holder.unionid
      if (holder.mpOpenid && !cur.mpOpenid) patch.mpOpenid = holder.mpOpenid
      await tx.update(Collections.userCards, id, patch)
      return { ...cur, ...patch }
    }),
  )
}

async function setStatus(
  store: Store,
  id: string,
  status: UserCardStatus,
  onlyFrom?: UserCardStatus[],
  also: Partial<UserCardDoc> = {},
): Promise<void> {
  const cur = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!cur || cur.status === status) return
  if (onlyFrom ? !onlyFrom.includes(cur.status) : cur.status === 'DELETE' || cur.status === 'GIFTED') return
  await store.updateIf(
    Collections.userCards,
    id,
    { status: cur.status },
    { status, checkedAt: clock.now(), updatedAt: clock.now(), ...also },
  )
}

/**
 * Did the old code really leave its holder as a gift to this person? Our record says so (GIFTING,
 * GIFTED), or WeChat does: a received gift's old code answers 40056 "invalid serial code"
 * (card-api-guide: 被转赠领取的情况则统一报错), and a custom code now belongs to the friend.
 */
async function giftConfirmed(wx: WechatClient, old: UserCardDoc, friendSaOpenid: string, newCode: string): Promise<boolean> {
  if (old.status === 'GIFTING' || old.status === 'GIFTED') return true
  try {
    const res = await wx.code.get({ card_id: old.cardId, code: old.code })
    if (old.code === newCode) return res.openid === friendSaOpenid
    return res.user_card_status === 'GIFTING'
  } catch (err) {
    if (err instanceof WxApiError && err.errcode === 40056) return true
    throw err
  }
}

/** A gift not to move yet: the event is kept unprocessed and the cron applies it again. */
class GiftWaits extends Error {}

async function onGiftReceived(
  store: Store,
  wx: WechatClient,
  ev: CardEventOf<'user_get_card'>,
  holder: Holder & { saOpenid: string },
  sync: SyncOptions,
): Promise<void> {
  const cardId = ev.CardId ?? ''
  const code = ev.UserCardCode ?? ''
  const oldId = userCardId(cardId, ev.OldUserCardCode!)
  const old = await store.get<UserCardDoc>(Collections.userCards, oldId)
  if (old && !(await giftConfirmed(wx, old, holder.saOpenid, code))) {
    // Kept unprocessed (and retried by the cron) rather than moving value on an unconfirmed claim.
    throw new GiftWaits(`gift of ${cardId} ${maskCode(old.code)} is not confirmed by WeChat`)
  }
  // The old code's whole value moves: a spend a crash left on it is settled with WeChat's word first; one
  // still running keeps the event for the cron, like an unconfirmed gift.
  if (old && old.code !== code && !(await settledForMove(store, wx, old, sync)))
    throw new GiftWaits(`gift of ${cardId} ${maskCode(old.code)} waits for a spend on it to settle`)
  const card = await upsertHolder(store, cardId, code, holder, old ?? undefined)
  if (card.mpOpenid) await learnIdentity(store, holder.saOpenid, { mpOpenid: card.mpOpenid, unionid: holder.unionid })
  if (!old) return
  if (oldId !== card._id) {
    // WeChat counts the times a card was given (max_give_friend_times): so does the friend's card (set
    // from the giver's, which no longer changes, so a replayed event sets the same number).
    await store.update(Collections.userCards, card._id, { givenTimes: (old.givenTimes ?? 0) + 1 })
    // The friend's new code takes the balance; the giver's code is GIFTED (final).
    await transfer(store, oldId, card._id, card._id)
    await syncCard(store, wx, card._id, sync)
  } else {
    // A custom code moves as it is: same record, new holder (the giver's mapping no longer applies).
    await store.update(Collections.userCards, card._id, {
      saOpenid: holder.saOpenid,
      mpOpenid: holder.mpOpenid ?? '',
      unionid: holder.unionid ?? '',
      status: 'NORMAL',
      checkedAt: clock.now(),
    })
  }
}

/** A find of one document by its _id, beside another read (Store.getWith). */
const byId = (collection: string, _id: string): BesideFind => ({ collection, filter: { _id }, options: { limit: 1 } })

/**
 * A user_get_card push whose OuterStr is an entitlement we signed (#17, issue 27), from one read: the
 * entitlement and, beside it, the card of this code, the identity of the push's Service Account openid,
 * the mapping of its unionid (and the access_token, on an instance that has none yet).
 * - READY: funded by fundFresh's three claims, WeChat told before the card is inserted: 4 calls in all.
 *   'recorded': the entitlement (ADDED with this code, pushedAt) and the card are the push's record.
 * - ADDED with this code and its card funded from it, recorded by the Mini Program first: this push
 *   completes the record with the Service Account side, and the two openids are joined on the code.
 *   (Funded by a push, the Mini Program side is only the buyer's as the entitlement says, which is no
 *   proof of who holds it: no join then.) 'joined'.
 * - The same, the card already holding this push's openids: this push again, nothing to do: 'recorded'.
 * Anything else (a claim lost to a race, a crash's leftovers, another entitlement's code): undefined,
 * and the general path below decides (and finishes what fundFresh started, if anything).
 */
async function fromEntitlement(
  store: Store,
  wx: WechatClient,
  ev: CardEventOf<'user_get_card'>,
  sync: SyncOptions,
): Promise<'recorded' | 'joined' | undefined> {
  const cardId = ev.CardId ?? ''
  const code = ev.UserCardCode ?? ''
  const saOpenid = ev.FromUserName
  const unionid = ev.UnionId || undefined
  const id = userCardId(cardId, code)
  const r = await store.getWith<EntitlementDoc, string>(Collections.entitlements, ev.OuterStr ?? '', {
    card: byId(Collections.userCards, id),
    identity: byId(Collections.identities, saOpenid),
    ...(unionid ? { union: byId(Collections.mpUnion, unionid) } : {}),
    ...(wx.accessToken.wantsRead() ? { token: wx.accessToken.beside() } : {}),
  })
  if (!r) return undefined
  wx.accessToken.offer(r.found.token?.[0])
  const ent = r.doc
  const card = r.found.card?.[0] as UserCardDoc | undefined
  const identity = (r.found.identity?.[0] as IdentityDoc | undefined) ?? null
  if (fundableFresh(ent, cardId)) {
    // A push naming the buyer's unionid (from the cloud context of the purchase) is the buyer's: no
    // identity lookup. Otherwise the holder is whoever an earlier join names, else the buyer.
    const mapped = identity?.mpOpenid ?? (r.found.union?.[0] as { mpOpenid?: string } | undefined)?.mpOpenid
    const viaOtherUnion = !mapped && identity?.unionid && identity.unionid !== unionid
    const mpOpenid =
      unionid && ent.unionid === unionid
        ? ent.mpOpenid
        : (mapped ?? (viaOtherUnion ? await mpOpenidOf(store, saOpenid, unionid) : undefined) ?? ent.mpOpenid)
    const holder = { saOpenid, mpOpenid, ...(unionid ? { unionid } : {}) }
    return (await fundFresh(store, wx, ent, code, holder, clock.now())) ? 'recorded' : undefined
  }
  if (ent.status !== 'ADDED' || ent.cardId !== cardId || ent.code !== code) return undefined
  if (!card?.funded || card.entitlementId !== ent._id || !card.mpOpenid) return undefined
  if (card.saOpenid === saOpenid && (!unionid || card.unionid)) return 'recorded'
  if (card.saOpenid) return undefined
  await store.update(Collections.userCards, id, { saOpenid, ...(unionid && !card.unionid ? { unionid } : {}), updatedAt: clock.now() })
  await learnIdentity(store, saOpenid, { mpOpenid: card.mpOpenid, unionid }, identity)
  if (card.dirty) await syncCard(store, wx, id, sync)
  return 'joined'
}

/** user_get_card; true when its effects are its own record (the push needs no stored event: wxpush). */
async function onUserGetCard(store: Store, wx: WechatClient, ev: CardEventOf<'user_get_card'>, sync: SyncOptions): Promise<boolean> {
  const cardId = ev.CardId ?? ''
  const code = ev.UserCardCode ?? ''
  const saOpenid = ev.FromUserName
  const unionid = ev.UnionId || undefined
  if (ev.IsGiveByFriend !== 1 && ENTITLEMENT_ID.test(ev.OuterStr ?? '')) {
    const done = await fromEntitlement(store, wx, ev, sync)
    if (done) return done === 'recorded'
  }
  const mpOpenid = await mpOpenidOf(store, saOpenid, unionid)
  const holder = { saOpenid, ...(unionid ? { unionid } : {}), ...(mpOpenid ? { mpOpenid } : {}) }
  if (await memberCardDef(store, cardId)) {
    // A member card (joined, delivered after a WeChat Pay payment, or restored: IsRestoreMemberCard=1).
    const card = await upsertMemberCard(store, cardId, code, holder, ev.IsRestoreMemberCard === 1)
    if (card.dirty) await syncCard(store, wx, card._id, sync)
    return false
  }
  if (ev.IsGiveByFriend === 1 && ev.OldUserCardCode) {
    await onGiftReceived(store, wx, ev, holder, sync)
    return false
  }
  const outer = ev.OuterStr ?? ''
  if (ENTITLEMENT_ID.test(outer)) {
    const r = await redeemEntitlement(store, outer, cardId, code, holder)
    if (r.outcome === 'funded') {
      // Funded by recordAdded first: this push completes the record with the Service Account side, and
      // the two openids are joined on the code. (Funded by this push, the Mini Program side is only the
      // buyer's as the entitlement says, which is no proof of who holds it: no join then.)
      if (!r.fresh) {
        const card = await upsertHolder(store, cardId, code, holder)
        if (card.mpOpenid) await learnIdentity(store, saOpenid, { mpOpenid: card.mpOpenid, unionid })
      }
      await syncCard(store, wx, r.card._id, sync, r.fresh ? r.card : undefined)
      return false
    }
    // Signed by us, but its entitlement is consumed by another code or refunded: a card with no value.
    if (r.outcome === 'spent' || r.outcome === 'void') {
      await voidExtraCard(store, wx, cardId, code, holder)
      return false
    }
  }
  const card = await upsertHolder(store, cardId, code, holder)
  if (card.mpOpenid) await learnIdentity(store, saOpenid, { mpOpenid: card.mpOpenid, unionid })
  return false
}

/**
 * Applies one card event; safe to call again for the same event. True when the event's effects are its
 * own record, so that no stored event is needed (event-processing.ts processOnArrival).
 */
export async function applyCardEvent(store: Store, wx: WechatClient, ev: CardEvent, sync: SyncOptions = {}): Promise<boolean> {
  if (ev.Event === 'user_get_card') return onUserGetCard(store, wx, ev, sync)
  await applyOther(store, wx, ev, sync)
  return false
}

async function applyOther(store: Store, wx: WechatClient, ev: CardEvent, sync: SyncOptions): Promise<void> {
  switch (ev.Event) {
    case 'user_gifting_card': {
      const id = userCardId(ev.CardId ?? '', ev.UserCardCode ?? '')
      if (ev.IsReturnBack === 1) return setStatus(store, id, 'NORMAL', ['GIFTING'], { parked: false, giftingTo: '' })
      // The friend (FriendUserName, gift-card-api §10.4) is remembered: if their user_get_card is lost, their new
      // code is found in their card bag (giftcards/bag-codes.ts). The value is parked until it moves.
      await setStatus(store, id, 'GIFTING', ['NORMAL'])
      const friend = ev.FriendUserName
      const cur = friend ? await store.get<UserCardDoc>(Collections.userCards, id) : null
      if (!friend || !cur || cur.giftedTo) return
      if (cur.status === 'GIFTING') {
        await store.updateIf(Collections.userCards, id, { status: 'GIFTING' }, { parked: true, giftingTo: friend })
      } else if (cur.status === 'GIFTED' && cur.parked) {
        // Late: the cron already read the gift back as accepted, so the friend's card bag can be read now.
        if (await store.updateIf(Collections.userCards, id, { status: 'GIFTED', parked: true }, { giftingTo: friend }))
          await findGiftFriend(store, wx, { ...cur, giftingTo: friend }, sync)
      }
      return
    }
    case 'user_del_card':
      return setStatus(store, userCardId(ev.CardId ?? '', ev.UserCardCode ?? ''), 'DELETE', [
        'NORMAL',
        'GIFTING',
        'GIFT_TIMEOUT',
        'CONSUMED',
        'EXPIRE',
        'UNAVAILABLE',
      ])
    case 'user_consume_card':
      return setStatus(store, userCardId(ev.CardId ?? '', ev.UserCardCode ?? ''), 'CONSUMED')
    case 'submit_membercard_user_info':
      return onMemberFormSubmitted(store, wx, ev.CardId ?? '', ev.UserCardCode ?? '', sync)
    case 'update_member_card':
      return onMemberCardUpdated(store, wx, ev.CardId ?? '', ev.UserCardCode ?? '', sync)
    case 'card_pass_check':
      return recordReview(store, ev.CardId ?? '', 'APPROVED')
    case 'card_not_pass_check':
      // RefuseReason is what the merchant must fix before resubmitting (card/update sends it back to review).
      return recordReview(store, ev.CardId ?? '', 'REJECTED', ev.RefuseReason ?? '')
    default:
      return
  }
}
