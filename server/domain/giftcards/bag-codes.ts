// Codes of our gift cards that reached a card bag without our record (issue 25 §1 and §5), and the old
// codes whose value waits for them.
//
// A gift through WeChat's card bag moves the card to a new code (gift-card-api §10.4: OldUserCardCode "when
// the gift WeChat will change the user's code"); we learn the pair from user_get_card (card-events.ts). When
// that push is lost, the old code's value is *parked*: the old code is GIFTING (user_gifting_card named the
// friend, FriendUserName → `giftingTo`) or GIFTED (the cron read it back: 40056 "code未被添加或被转赠领取的情况则
// 统一报错", card-api-guide.zh.txt line 386). The friend's new code is funded from it, exactly once (the
// transfer's key is the new card), by whichever comes first:
//   - the late push (card-events.ts, with OldUserCardCode: the one certain pairing);
//   - the friend opening the card in the Mini Program (the jump's encrypt_code, decrypted) or their card bag
//     read through WeChat when they open it (card/user/getcardlist): `takeInCode` here;
//   - the cron's read-back of the old code: with the friend named by user_gifting_card, their card bag is read
//     and the new code taken in; without, a new code already seen and waiting for its value is taken in.
// Without the push the pairing is inferred, and only where it cannot move a wrong amount: the parked code
// whose user_gifting_card named this holder, else a parked code of that card_id whose friend is unknown and
// whose balance WeChat showed is the balance WeChat shows on the new code (two such codes are worth the same,
// so either is right), else the only parked code of the card_id if its last sync had not landed. Anything
// else waits for the push.
//
// A code in a person's own bag that is no gift (§5: wx.addCard succeeded but its push and recordAdded were
// both lost) is funded from a READY entitlement of theirs for that card, through redeemEntitlement (one
// transaction, so never twice); with none left — its entitlement funded the code of a re-add — it is worth
// nothing and voided with card/code/unavailable, but only once it has waited `voidAfterMs` without a parked
// gift claiming it (a gift whose pushes were all lost is parked by the cron's next read-back). A code is
// either funded or voided: both go through the card record's conditional writes (funded: false).
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { CodeGetReply } from '../../wechat/code'
import { WxApiError } from '../../wechat/errors'
import { log } from '../../log'
import { maskCode } from '../../mask'
import type { SyncOptions } from '../../platform/settings'
import { syncCard } from '../sync/balance-sync'
import { transfer } from '../ledgers/ledger'
import { learnIdentity, type Holder } from '../cards/identities'
import { newUserCard, userCardId, type UserCardDoc } from '../cards/user-cards'
import type { GiftCardDoc } from '../catalog/gift-cards'
import type { EntitlementDoc } from '../cards/order-types'
import { redeemEntitlement } from './entitlements'
import { clock } from '../../clock'

/** What became of a code taken in. */
export type TakenIn = 'known' | 'gift' | 'funded' | 'voided' | 'waiting' | 'not-ours'

/** Parked gifts of one card_id read at once: more than are ever waiting for their friend's code. */
const PARKED_LIMIT = 50

/**
 * A card added for an entitlement that another card already consumed: worthless, so WeChat is told to void it.
 * False when the code was funded meanwhile (a concurrent take-in redeemed an entitlement for it): not voided.
 */
export async function voidExtraCard(store: Store, wx: WechatClient, cardId: string, code: string, holder: Holder): Promise<boolean> {
  const id = userCardId(cardId, code)
  try {
    await store.insert(Collections.userCards, newUserCard(cardId, code, { ...holder, status: 'UNAVAILABLE', checkedAt: clock.now() }))
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
    if (!(await store.updateIf(Collections.userCards, id, { funded: false }, { status: 'UNAVAILABLE', updatedAt: clock.now() })))
      return false
  }
  await wx.code.unavailable({ card_id: cardId, code, reason: '重复领取' }).catch((err) => {
    log('warn', { msg: 'could not void an extra card', card: cardId, code: maskCode(code), error: (err as Error).message })
  })
  return true
}

/** WeChat's card/code/get of a code, or undefined when WeChat does not know it as anyone's (40056). */
export async function codeState(wx: WechatClient, cardId: string, code: string): Promise<CodeGetReply | undefined> {
  try {
    return await wx.code.get({ card_id: cardId, code })
  } catch (err) {
    if (err instanceof WxApiError && err.errcode === 40056) return undefined
    throw err
  }
}

/** Does WeChat say the old code left its holder as an accepted gift (40056)? */
async function giftAccepted(wx: WechatClient, old: UserCardDoc): Promise<boolean> {
  return (await codeState(wx, old.cardId, old.code)) === undefined
}

/** WeChat showed this balance on the old code when it was given: the version we had sent is the latest. */
const shownBalance = (c: UserCardDoc) => (c.syncedVersion >= c.version ? c.balance : undefined)

/**
 * The parked old code this new code (held by `saOpenid`, WeChat showing `wxBalance` on it) is the gift of,
 * when that is unambiguous (see the top of this file); null otherwise.
 */
export async function giftSourceOf(
  store: Store,
  wx: WechatClient,
  cardId: string,
  saOpenid: string,
  wxBalance: number | undefined,
): Promise<UserCardDoc | null> {
  const parked = (await store.find<UserCardDoc>(Collections.userCards, { parked: true, cardId }, { limit: PARKED_LIMIT })).filter(
    (c) => !c.giftedTo && (c.status === 'GIFTING' || c.status === 'GIFTED'),
  )
  const named = parked.filter((c) => c.giftingTo === saOpenid)
  for (const c of named) if (c.status === 'GIFTED' || (await giftAccepted(wx, c))) return c
  // Friend unknown (both pushes lost): codes WeChat showed this very balance on are interchangeable — same
  // card, same value — so the oldest is taken; one whose shown balance is unknown (its last sync had not
  // landed) only when it is the only candidate left.
  const unnamed = parked.filter((c) => !c.giftingTo && c.status === 'GIFTED').sort((a, b) => a._id.localeCompare(b._id))
  const exact = unnamed.find((c) => wxBalance !== undefined && shownBalance(c) === wxBalance)
  if (exact) return exact
  const unsure = unnamed.filter((c) => shownBalance(c) === undefined)
  return unsure.length === 1 && unnamed.length === 1 ? unsure[0]! : null
}

/** The new code's record before value moves to it: the old card's title, face and dates, the holder now. */
async function recordReceived(store: Store, cardId: string, code: string, holder: Holder, fields: Partial<UserCardDoc>) {
  const id = userCardId(cardId, code)
  try {
    await store.insert(Collections.userCards, newUserCard(cardId, code, { ...holder, checkedAt: clock.now(), ...fields }))
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
    const cur = await store.get<UserCardDoc>(Collections.userCards, id)
    const patch: Partial<UserCardDoc> = {}
    if (holder.saOpenid && !cur?.saOpenid) patch.saOpenid = holder.saOpenid
    if (holder.mpOpenid && !cur?.mpOpenid) patch.mpOpenid = holder.mpOpenid
    if (holder.unionid && !cur?.unionid) patch.unionid = holder.unionid
    if (Object.keys(patch).length) await store.update(Collections.userCards, id, { ...patch, updatedAt: clock.now() })
  }
}

/**
 * Moves a parked gift's value to the friend's new code, once (the transfer's key is the new card), and tells
 * WeChat. False, with nothing moved, while a spend a crash left on the old code is unsettled: WeChat refuses
 * the code given away, so the cron puts that debit back (money/spend-keys.ts settleCard), and then funds the
 * waiting code with the whole value. Moved first, the put-back would be stranded on the old code.
 */
export async function fundGift(
  store: Store,
  wx: WechatClient,
  from: UserCardDoc,
  code: string,
  holder: Holder,
  sync: SyncOptions,
): Promise<boolean> {
  if (from.openKeys) return false
  await recordReceived(store, from.cardId, code, holder, {
    title: from.title,
    beginTime: from.beginTime,
    endTime: from.endTime,
    ...(from.orderId ? { orderId: from.orderId } : {}),
    ...(from.message ? { message: from.message } : {}),
    ...(from.backgroundPicUrl ? { backgroundPicUrl: from.backgroundPicUrl } : {}),
  })
  const to = userCardId(from.cardId, code)
  const { amount } = await transfer(store, from._id, to, to)
  log('info', { msg: 'a gift through the card bag funded from its parked code', card: from.cardId, code: maskCode(code), amount })
  await syncCard(store, wx, to, sync)
  return true
}

export interface TakeInOptions {
  /** a Mini Program caller whose own READY entitlements may fund the code, or whose spent ones make it void */
  entitlements?: boolean
  /** how long an unexplained code waits before it is voided (a parked gift may still claim it) */
  voidAfterMs?: number
  now?: () => number
}

/**
 * A code of one of our gift cards held by `holder` (saOpenid known) that may be unknown to us: funded from
 * the gift it is, or (a Mini Program caller's own) from an entitlement, or voided, or left waiting.
 * `wxState` is WeChat's card/code/get answer when the caller has it.
 */
export async function takeInCode(
  store: Store,
  wx: WechatClient,
  cardId: string,
  code: string,
  holder: Holder & { saOpenid: string },
  sync: SyncOptions,
  opts: TakeInOptions = {},
  wxState?: CodeGetReply,
): Promise<TakenIn> {
  const id = userCardId(cardId, code)
  const [cur, def] = await Promise.all([
    store.get<UserCardDoc>(Collections.userCards, id),
    store.get<GiftCardDoc>(Collections.giftCards, cardId),
  ])
  if (!def) return 'not-ours'
  if (cur && (cur.funded || cur.status !== 'NORMAL')) return 'known'
  const state = wxState ?? (await codeState(wx, cardId, code))
  // Only a live code in this holder's bag; a hosted-shelf card (order_id) is funded by its order (shelf orders).
  if (!state || state.openid !== holder.saOpenid || state.user_card_status !== 'NORMAL' || state.order_id) return 'not-ours'
  if (holder.mpOpenid) await learnIdentity(store, holder.saOpenid, { mpOpenid: holder.mpOpenid, unionid: holder.unionid })
  const from = await giftSourceOf(store, wx, cardId, holder.saOpenid, state.card.balance)
  // A gift whose old code still has a spend settling waits (as an unexplained code does) for the next look.
  if (from && (await fundGift(store, wx, from, code, holder, sync))) return 'gift'
  if (!from && opts.entitlements && holder.mpOpenid) {
    const mine = await store.find<EntitlementDoc>(
      Collections.entitlements,
      { mpOpenid: holder.mpOpenid, status: where.in(['READY', 'ADDED']), cardId },
      { limit: 100 },
    )
    for (const e of mine.filter((x) => x.status === 'READY' && !x.giftId)) {
      const r = await redeemEntitlement(store, e._id, cardId, code, holder, { onlyHolders: true })
      if (r.outcome === 'funded') {
        await syncCard(store, wx, r.card._id, sync, r.fresh ? r.card : undefined)
        // Not fresh: a concurrent take-in of the same code (two launches at once) funded it just before.
        return r.fresh ? 'funded' : 'known'
      }
      if (r.outcome === 'code-funded') return 'known'
    }
    // An entitlement already holding this very code: a concurrent take-in (two app launches at once) funded it.
    if (mine.some((x) => x.status === 'ADDED' && x.code === code)) return 'known'
    const now = (opts.now ?? Date.now)()
    const since = cur?.awaitingSince ?? now
    if (mine.some((x) => x.status === 'ADDED' && x.code !== code) && now - since >= (opts.voidAfterMs ?? 0)) {
      if (!(await voidExtraCard(store, wx, cardId, code, holder))) return 'known'
      log('warn', { msg: 'an extra code of a consumed entitlement found in the card bag; voided', card: cardId, code: maskCode(code) })
      return 'voided'
    }
  }
  // Unexplained for now: recorded, worth nothing and not shown (shownInBag), until a parked gift claims it.
  if (!cur) await recordReceived(store, cardId, code, holder, { title: def.title, awaitingSince: (opts.now ?? Date.now)() })
  return 'waiting'
}

/** A card given away unheard of whose value is still parked on it, waiting for the friend's new code (findGiftFriend). */
export const awaitsGiftFriend = (card: Pick<UserCardDoc, 'status' | 'parked' | 'giftedTo'>): boolean =>
  card.status === 'GIFTED' && card.parked === true && !card.giftedTo

/**
 * The cron read the old code back as given away (40056) and parked it (upkeep/reconcile.ts): if
 * user_gifting_card named the friend, take the new code in from the friend's card bag (card/user/getcardlist);
 * otherwise take in a code already seen and waiting for its value. Returns whether a new code was funded.
 */
export async function findGiftFriend(store: Store, wx: WechatClient, old: UserCardDoc, sync: SyncOptions): Promise<boolean> {
  if (old.giftedTo) return false
  const candidates = old.giftingTo
    ? (await wx.card.userGetCardList(old.giftingTo, old.cardId)).card_list.map((c) => ({
        code: c.code,
        saOpenid: old.giftingTo!,
      }))
    : (await store.find<UserCardDoc>(Collections.userCards, { cardId: old.cardId, awaitingSince: where.gt(0) }, { limit: PARKED_LIMIT }))
        .filter((c) => !c.funded && c.status === 'NORMAL' && c.saOpenid)
        .map((c) => ({ code: c.code, saOpenid: c.saOpenid! }))
  for (const c of candidates) {
    const known = await store.get<UserCardDoc>(Collections.userCards, userCardId(old.cardId, c.code))
    const holder = { saOpenid: c.saOpenid, ...(known?.mpOpenid ? { mpOpenid: known.mpOpenid } : {}) }
    if ((await takeInCode(store, wx, old.cardId, c.code, holder, sync)) === 'gift') return true
  }
  return false
}
