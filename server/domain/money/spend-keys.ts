// The spend (issue #27; docs/functions-api.md "card.spend: the one-call spend" says why it is correct):
// the only way money leaves a card — card.spend, a checkout's gift-card leg and counter redemption.
//
// The request path: ONE conditional update of the card whose condition holds everything a spend must be
// true of — the caller's card (not for a counter redemption: staff redeem any code), NORMAL in our
// record, inside its dates, balance ≥ amount, and this orderId's key not on the card — and which takes
// the money, moves the version, marks the card dirty for WeChat's sync and records the key (amount,
// time). On a quiet card this instance knows, it is conditional on the version too and takes the card's
// sync lease (balance-sync.ts) with it, so the balance after is known without a read. The update is
// atomic for the one document: a crash leaves it wholly done or not done, and a repeat cannot match.
//
// Beside it, at the same time, WeChat is asked about the code (card-checks.ts wechatVerdict: issue 25
// §1): a code WeChat reports given away or being given (or otherwise unusable) refuses the spend, and
// a debit already made is put back in one conditional write before the reply.
//
// Then, the reply known, the same invocation settles its own key without reading the card: the ledger
// entry (`spend:<orderId>`, or the redemption's `redeem:<key>`: its id makes it once) and — with the
// sync lease — WeChat's updateuser at once, and one last write that marks the key settled, records the
// version WeChat shows and frees the lease. A debit without the lease was followed by a read, which says
// whether anyone holds it: free, the key's mark takes it and this invocation syncs from that read; held,
// the key is marked settled alone, and the lease holder sends the change (it goes round while the
// version moves). The cron settles what a crash left (keys older than SETTLE_GRACE_MS).
import { createHash } from 'node:crypto'
import pLimit from 'p-limit'
import { AppError, ErrCode, invalid } from '../../errors'
import { Collections } from '../../store/collections'
import { DocumentTooLargeError, DuplicateIdError, anyOf, change, where, type Filter, type Patch, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { type SyncOptions } from '../../platform/settings'
import type { LedgerEntryDoc } from '../ledgers/ledger'
import { SYNC_LEASE_MS, syncCard, syncUnderLease } from '../sync/balance-sync'
import { earnForSpend } from '../members/members'
import { WITHOUT_SPEND_KEYS, userCardId, type SpendKeyRecord, type UserCardDoc } from '../cards/user-cards'
import { assertSpendable, refusedFor, verdictFor, wechatVerdict, type Verdict } from './card-checks'
import { clock } from '../../clock'
import { log } from '../../log'
import { awaitsGiftFriend, findGiftFriend } from '../giftcards/bag-codes'
import { sealSpendHint, type SpendHint } from '../cards/spend-hint'

/**
 * The oldest orderId whose spend may still move money: one whose `orderedAt` is within ORDER_AGE_MS of
 * now gets the conditional debit (a repeat of it matches nothing: its key is there); an older one never
 * does — it is answered from its record (its key, or once the key is gone its ledger entry: a repeat gets
 * its first answer) or, never spent, refused with 1001 on orderedAt.
 */
export const ORDER_AGE_MS = 3600_000
/** How far a client's clock may be ahead of ours. */
export const ORDER_SKEW_MS = 10 * 60_000
/**
 * Load-bearing: a settled key is removed only once its orderedAt is older than ORDER_AGE_MS + KEY_MARGIN_MS,
 * so no call that passed the age check can still be about to make its update (a function runs 20 s at
 * most; the margin also covers clocks of instances that differ by minutes). The card keeps about an hour
 * of keys instead of a day's: a card spent every second carries ~4,000 (~400 KB), not ~86,000 (~8.6 MB, near
 * the database's 16 MB document limit).
 */
export const KEY_MARGIN_MS = 10 * 60_000
export const KEY_KEEP_MS = ORDER_AGE_MS + KEY_MARGIN_MS

/** A settled key whose orderedAt (for a key made before `q` was kept, its latest possible one) is past keeping. */
const prunable = (key: SpendKey, now: number) => key.s === true && (key.q ?? key.t + ORDER_SKEW_MS) < now - KEY_KEEP_MS

/**
 * A key still there and not settled: the condition of every write that settles or puts back a key, so
 * each counts `openKeys` down once. `s` alone would not do: a key settled and removed meanwhile (pruned)
 * has no `s`, which `neq(true)` matches.
 */
const openKey = (k: string): Filter => ({ [`spendKeys.${k}.on`]: true, [`spendKeys.${k}.s`]: where.neq(true) })
/** Every one of these keys still open and unsettled. */
const allOpen = (keys: [string, unknown][]): Filter => Object.assign({}, ...keys.map(([k]) => openKey(k))) as Filter
/** …and none claimed by a settler (which had WeChat's yes, and writes their entries). */
const allUnclaimed = (keys: [string, unknown][]): Filter =>
  Object.assign(allOpen(keys), ...keys.map(([k]) => ({ [`spendKeys.${k}.c`]: where.neq(true) }))) as Filter

/** Removes the card's keys past keeping (but `except`); empty without a card read. */
function prunePatch(card: Pick<UserCardDoc, 'spendKeys'> | null, except: string): Patch {
  const now = clock.now()
  const patch: Patch = {}
  for (const [k, key] of Object.entries(card?.spendKeys ?? {}))
    if (k !== except && prunable(key, now)) patch[`spendKeys.${k}`] = change.unset()
  return patch
}
/**
 * A key younger than this belongs to the invocation that made it (it settles it, or puts it back when
 * WeChat refuses the code): longer than the card and pay functions' 20 s timeout. Only older keys — a
 * crash's leftovers — are settled by anyone else (the cron, a prune).
 */
export const SETTLE_GRACE_MS = 30_000
/** Conditional-update attempts when the card keeps changing under a spend, before BUSY. */
const MAX_ATTEMPTS = 6

export type SpendKey = SpendKeyRecord

export const spendKey = (orderId: string) => `k${createHash('sha256').update(orderId).digest('hex').slice(0, 24)}`

/** Test seams: a fault after each write of the spend and its settler (null in production). */
export type SettleStep = 'debited' | 'claimed' | 'entry' | 'marked'
export const keyFaults: { at: ((step: SettleStep) => void) | null } = { at: null }

export interface OneCallInput {
  cardId: string
  code: string
  amount: number
  orderId: string
  /** when the orderId was made (ms): the same across its retries */
  orderedAt: number
  description?: string
  /** false: a member card earns no points for it (a checkout's card leg earns them once paid) */
  points?: boolean
  /** the ledger entry's id when not `spend:<orderId>` (counter redemption: `redeem:<key>`) */
  entryId?: string
  /** the card as its holder last saw it (card.spend's `seen`, opened: spend-hint.ts) */
  told?: SpendHint
}

interface Known {
  version: number
  balance: number
  member: boolean
  saOpenid?: string
  /** this instance's spends of the card since one of them shed its old keys (prunePatch, settleCard) */
  sincePrune: number
}
/** The cards this instance knows (version and balance as it last saw them): a quiet card's spend is one call. */
const known = new Map<string, Known>()
/** Cards seen changing under this instance lately (ms until): their spends skip the version condition. */
const hotUntil = new Map<string, number>()
const KNOWN_MAX = 10_000
const HOT_MS = 5_000

/** Spends an instance makes on a card without reading its keys before it prunes the card's old keys. */
const SPENDS_BETWEEN_READS = 64

/** One spend key in SPENDS_BETWEEN_READS (by its first hex byte, uniform: SHA-256) has its exact debit prune the card. */
export const prunesByKey = (k: string) => parseInt(k.slice(1, 3), 16) % SPENDS_BETWEEN_READS === 0

function remember(card: Pick<UserCardDoc, '_id' | 'version' | 'balance' | 'member' | 'saOpenid'>) {
  const sincePrune = known.get(card._id)?.sincePrune ?? 0
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value as string)
  known.set(card._id, { version: card.version, balance: card.balance, member: card.member === true, saOpenid: card.saOpenid, sincePrune })
}

const entryIdOf = (key: Pick<SpendKey, 'o' | 'e'>) => key.e ?? `spend:${key.o}`

/**
 * A spend. `mpOpenid` is the card's holder (card.spend, a checkout), or null for a counter redemption
 * (staff redeem a code they scanned; the redemption record names them).
 */
export async function oneCallSpend(
  store: Store,
  wx: WechatClient,
  mpOpenid: string | null,
  input: OneCallInput,
  sync: SyncOptions,
  busyHere: boolean,
): Promise<{ balance: number; entryId: string; spendHint?: string }> {
  const now = clock.now()
  if (input.orderedAt > now + ORDER_SKEW_MS) {
    throw invalid('orderedAt', `is more than ${ORDER_SKEW_MS / 60_000} minutes ahead of now: send when pay was pressed`)
  }
  const id = userCardId(input.cardId, input.code)
  const k = spendKey(input.orderId)
  const before = known.get(id)
  // WeChat's word on the code, asked while the money moves (issue 25 §1).
  const verdict: Promise<Verdict> = wechatVerdict(wx, input.cardId, input.code)
  verdict.catch(() => undefined)
  let taken: Taken
  try {
    taken =
      input.orderedAt < now - ORDER_AGE_MS
        ? await recordOf(store, mpOpenid, input, id, k)
        : await takeMoney(store, mpOpenid, input, id, k, busyHere)
    if (taken.earlier && !taken.key.s && taken.key.t >= clock.now() - SETTLE_GRACE_MS) taken = await waitForKey(store, id, k, taken)
  } catch (err) {
    await verdict.catch(() => undefined)
    throw err
  }
  const answer = { balance: taken.balance, entryId: entryIdOf(taken.key) }
  // A repeat of a settled spend answers as it did; one its own call is still running, likewise (waited for).
  if (taken.earlier && (taken.key.s || taken.key.t >= clock.now() - SETTLE_GRACE_MS)) return answer
  if (!taken.earlier) keyFaults.at?.('debited')
  let said: Verdict
  try {
    // WeChat's holder against ours: as read, else as the exact debit's condition held it (a hint's, or this instance's).
    said = verdictFor(await verdict, (taken.read ?? taken.heldAs)?.saOpenid ?? before?.saOpenid)
  } catch (err) {
    // No word from WeChat: the spend does not stand.
    if (!(await putBack(store, id, [[k, { a: input.amount }]], taken.lease, null))) throw settling(taken)
    throw err
  }
  if (!said.ok) {
    if (!(await putBack(store, id, [[k, { a: input.amount }]], taken.lease, said.status))) throw settling(taken)
    if (said.status === 'GIFTED') await fundWaitingFriend(store, wx, id, sync)
    throw refusedFor(said.status)
  }
  // A repeat of a spend whose call died before settling it (older than the grace): settled now — unless a
  // put-back won the race for its key (the cron heard WeChat refuse): then nothing is spent, and sent again
  // the spend is made anew.
  if (taken.earlier) {
    await settleCard(store, wx, id, sync, true)
    if (!(await settled(store, id, k, taken.key))) throw settling(taken)
  } else await settleOwn(store, wx, id, k, taken, sync)
  return { ...answer, ...replyHint(mpOpenid, id, taken) }
}

/**
 * The reply's spend hint: the card as this spend left it (the version and balance its debit made or read),
 * for the holder's next spend. None for a repeat (its answer is an earlier balance) or a redemption.
 */
function replyHint(mpOpenid: string | null, id: string, taken: Taken): { spendHint?: string } {
  const of = taken.heldAs ?? taken.read
  if (!mpOpenid || taken.earlier || !of) return {}
  const spendHint = sealSpendHint({
    _id: id,
    mpOpenid,
    status: 'NORMAL',
    member: of.member,
    saOpenid: of.saOpenid,
    version: taken.version,
    balance: taken.balance,
  })
  return spendHint ? { spendHint } : {}
}

/**
 * The card this spend found given away unheard of, parked with its whole value by the put-back: a friend's
 * code already seen waiting for it (opened in the Mini Program before anyone knew) is funded now, as the
 * cron's settle does after its own put-back, not at the friend's next open. Nothing happens while other
 * spends of the card are open (fundGift waits for them); a failure leaves it to the next open or the cron,
 * and never changes this spend's answer.
 */
async function fundWaitingFriend(store: Store, wx: WechatClient, id: string, sync: SyncOptions): Promise<void> {
  try {
    const card = await store.get<UserCardDoc>(Collections.userCards, id, WITHOUT_SPEND_KEYS)
    if (card && awaitsGiftFriend(card) && !card.openKeys) await findGiftFriend(store, wx, card, sync)
  } catch (err) {
    // The friend's next open, or the cron, funds it.
    log('warn', { msg: 'could not look for the new code of a gift', card: id, error: (err as Error).message })
  }
}

/**
 * A repeat of a died call that lost the race for its key: its put-back found the key claimed (a settler
 * that had WeChat's yes is writing the entry: the spend stands), or its settle found it put back (nothing
 * spent). Settlers leave keys younger than SETTLE_GRACE_MS alone, so only such a repeat meets this. Sent
 * again, it answers the spend, or makes it anew.
 */
const settling = (taken: Taken) => new AppError(ErrCode.BUSY, `${entryIdOf(taken.key)}: another call is settling this spend; send it again`)

/**
 * Whether the key's spend is settled now: marked so, or gone with its entry written (a settled key past
 * keeping is pruned by the next write that sheds keys); gone without one, it was put back.
 */
async function settled(store: Store, id: string, k: string, key: SpendKey): Promise<boolean> {
  const now = (await store.get<UserCardDoc>(Collections.userCards, id))?.spendKeys?.[k]
  if (now) return now.s === true
  return (await store.get<LedgerEntryDoc>(Collections.ledger, entryIdOf(key)))?.card === id
}

/** A key found for this orderId must be this very spend (a repeat); the orderId with other details is 1006. */
function assertSameSpend(key: SpendKey, input: OneCallInput): void {
  if (key.o !== input.orderId || key.a !== input.amount || (key.e ?? undefined) !== input.entryId)
    throw new AppError(ErrCode.CONFLICT, `${entryIdOf(key)} was already used with different details`)
}

/**
 * An orderId older than ORDER_AGE_MS moves no money: it is a repeat, answered from its key while the card
 * keeps it, else from its ledger entry (a key goes only once its entry is written); never spent, 1001.
 */
async function recordOf(store: Store, mpOpenid: string | null, input: OneCallInput, id: string, k: string): Promise<Taken> {
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${input.cardId} with that code`)
  if (mpOpenid && card.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${input.cardId} is not yours`)
  const key = card.spendKeys?.[k]
  const entryId = input.entryId ?? `spend:${input.orderId}`
  if (key) {
    assertSameSpend(key, input)
    return takenAsRead(card, k, key, true)
  }
  const entry = await store.get<LedgerEntryDoc>(Collections.ledger, entryId)
  if (!entry)
    throw invalid('orderedAt', `is more than ${ORDER_AGE_MS / 3600_000} h before now and ${entryId} was never spent: make a new orderId`)
  if (entry.card !== id || entry.amount !== -input.amount || entry.orderId !== input.orderId)
    throw new AppError(ErrCode.CONFLICT, `${entryId} was already used with different details`)
  const settled: SpendKey = {
    on: true,
    o: input.orderId,
    a: input.amount,
    t: entry.createdAt,
    s: true,
    ...(input.entryId ? { e: input.entryId } : {}),
  }
  return { balance: entry.balanceAfter, version: entry.version, key: settled, read: card, earlier: true }
}

/** How long a repeat waits for the first call of its orderId, still running, to settle or put back its key. */
const REPEAT_WAIT_MS = 3_000

/** A repeat while the first call runs: read until its key is settled or put back, else BUSY. */
async function waitForKey(store: Store, id: string, k: string, taken: Taken): Promise<Taken> {
  const deadline = Date.now() + REPEAT_WAIT_MS
  for (let delay = 50; Date.now() + delay < deadline; delay = Math.min(delay * 2, 400)) {
    await new Promise((r) => setTimeout(r, delay))
    const card = await store.get<UserCardDoc>(Collections.userCards, id)
    const key = card?.spendKeys?.[k]
    if (!card || !key) break
    if (key.s) return takenAsRead(card, k, key, true)
  }
  throw new AppError(ErrCode.BUSY, `${entryIdOf(taken.key)}: the first call of this orderId is still running, try again`)
}

/**
 * Takes back debits WeChat refused (or did not answer for), once — conditional on their keys still there
 * and unsettled: the balance, the keys removed (the orderId was never spent: a retry asks again, and a
 * code our record now shows refused is refused at once), the status WeChat gave, and the sync lease
 * the debit took freed. No ledger entry is ever written for them. True when this write made it.
 */
async function putBack(
  store: Store,
  id: string,
  keys: [string, Pick<SpendKey, 'a'>][],
  lease: number | undefined,
  status: string | null,
): Promise<boolean> {
  const patch: Patch = {
    balance: change.inc(keys.reduce((sum, [, key]) => sum + key.a, 0)),
    version: change.inc(1),
    openKeys: change.inc(-keys.length),
    // GIFTED: given away with no push heard (the debit's condition held status NORMAL, so no friend's code has
    // its value yet). Parked, as the cron's read-back leaves such a card (upkeep/reconcile.ts): the value
    // waits on it until the friend's code is found (giftcards/bag-codes.ts). A GIFTED card is not read back
    // again, so without this the friend's code would never be funded.
    ...(status ? { status, checkedAt: clock.now(), ...(status === 'GIFTED' ? { parked: true } : {}) } : {}),
    ...(lease !== undefined ? { syncLeaseUntil: 0 } : {}),
  }
  for (const [k] of keys) patch[`spendKeys.${k}`] = change.unset()
  const done = await store.updateIf(Collections.userCards, id, allUnclaimed(keys), patch)
  known.delete(id)
  return done
}

/**
 * The settler of this spend's own key, without reading the card (a member card's points need it): its
 * ledger entry (the balance after is the reply's), and with the sync lease WeChat told at the same time,
 * the key marked settled in the sync's last write; without it, the key marked alone (conditional on it
 * still open: once) and the lease holder sends the change. A failure leaves the key open: the cron's.
 */
async function settleOwn(store: Store, wx: WechatClient, id: string, k: string, taken: Taken, sync: SyncOptions): Promise<void> {
  const key = taken.key
  // A card this call read (a first spend in this instance: most spends of a rarely spent card) sheds the
  // keys past keeping in the same write, so a card nobody settles in bulk stays small too.
  // The reply's balance is recorded as the key's `b` (when the debit did not record it), so a repeat and
  // card.history answer the same.
  const mark: Patch = {
    [`spendKeys.${k}.s`]: true,
    ...(key.b === undefined ? { [`spendKeys.${k}.b`]: taken.balance } : {}),
    openKeys: change.inc(-1),
    ...prunePatch(taken.read, k),
  }
  try {
    const isMember = taken.read ? taken.read.member === true : known.get(id)?.member !== false
    if (isMember && key.p !== false) {
      const card = taken.read ?? (await store.get<UserCardDoc>(Collections.userCards, id))
      if (card?.member) await earnForSpend(store, card, key.a, key.o)
    }
    const inserting = insertEntry(store, id, key, taken.balance, taken.version)
    if (taken.lease !== undefined) {
      // The card as it is just after our debit (the sync's last write checks the version, so any change since is caught).
      const assumed = taken.assumed!
      const gate = inserting.then(
        (ok) => {
          if (ok) keyFaults.at?.('entry')
          return ok
        },
        () => false,
      )
      await syncUnderLease(store, wx, assumed, taken.lease, sync, mark, gate)
      if (!(await inserting)) return
      keyFaults.at?.('marked')
    } else {
      if (!(await inserting)) return
      keyFaults.at?.('entry')
      await markAndSync(store, wx, id, k, mark, taken, sync)
    }
  } catch (err) {
    if (keyFaults.at) throw err
    return
  }
  // A card read with its keys had the old ones shed by the mark above. One spent without reading them is
  // pruned by every SPENDS_BETWEEN_READS-th spend here (a hot card's reads leave the keys out), and by one
  // exact debit in SPENDS_BETWEEN_READS, chosen by its key (a hash of the orderId): spends told by their
  // holder's hint (spend-hint.ts) come through many instances, each of which may see the card only once.
  // Not by the card's version: other writes move it too (a cancelled checkout's reversal, a put-back), and a
  // pattern of them could keep every exact debit off a chosen version for good.
  const seen = known.get(id)
  if (taken.read?.spendKeys) {
    if (seen) seen.sincePrune = 0
    return
  }
  const counted = seen !== undefined && ++seen.sincePrune >= SPENDS_BETWEEN_READS
  if (!counted && !(taken.heldAs && prunesByKey(k))) return
  if (seen) seen.sincePrune = 0
  await settleCard(store, wx, id, sync).catch(() => undefined)
}

/**
 * The key marked settled, and WeChat told by whoever holds the card's sync lease (one WeChat call per card
 * at a time). With the card as read just after the debit (a gift card), that read decides without another
 * call: the lease held, the key is marked on the condition that the same lease is still held — its holder
 * lets go only by a write conditional on the version it sent (balance-sync.ts; but at its budget's end), so
 * it sends this debit; the lease free, or let go since the read, the mark takes it in the same write and
 * this call syncs from the read (its last write checks the version, so whatever moved the card since goes
 * round). A hot card's sync waits for the burst's pause first. Otherwise (no read, a member card, whose
 * points its settler moved, or the lease taken by another since): the mark, then syncCard.
 */
async function markAndSync(store: Store, wx: WechatClient, id: string, k: string, mark: Patch, taken: Taken, sync: SyncOptions) {
  const read = taken.read && !taken.read.member ? taken.read : null
  const now = clock.now()
  if (read) {
    const held = read.syncLeaseUntil ?? 0
    if (held >= now && (await store.updateIf(Collections.userCards, id, { ...openKey(k), syncLeaseUntil: held }, mark))) {
      keyFaults.at?.('marked')
      return
    }
    // …and the card still NORMAL: the read is from before WeChat's answer and this call's entry, and a card-bag
    // gift heard of since (GIFTING, GIFTED: no version moves) must not be sent the giver's balance — updateuser
    // on a code given away would set the friend's (the property test's counterexample, seed -987654). A card
    // whose status moved is synced from a fresh read (syncCard), which leaves a code given away alone.
    const lease = now + SYNC_LEASE_MS
    if (
      await store.updateIf(
        Collections.userCards,
        id,
        { ...openKey(k), status: 'NORMAL', syncLeaseUntil: where.lt(now) },
        { ...mark, syncLeaseUntil: lease },
      )
    ) {
      keyFaults.at?.('marked')
      await syncUnderLease(store, wx, read, lease, sync, {}, undefined, taken.hot === true)
      return
    }
  }
  await store.updateIf(Collections.userCards, id, openKey(k), mark)
  keyFaults.at?.('marked')
  // After the burst's pause when others moved the card since this debit.
  await syncCard(store, wx, id, sync, undefined, taken.version)
}

/** The key's ledger entry; false when the orderId's entry is another card's (the full settler credits it back). */
async function insertEntry(store: Store, id: string, key: SpendKey, balanceAfter: number, version: number): Promise<boolean> {
  try {
    await store.insert<LedgerEntryDoc>(Collections.ledger, entryOf(id, key, balanceAfter, version))
    return true
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
    const earlier = await store.get<LedgerEntryDoc>(Collections.ledger, entryIdOf(key))
    return !!earlier && earlier.card === id && earlier.viaKey === true
  }
}

function entryOf(id: string, key: SpendKey, balanceAfter: number, version: number): LedgerEntryDoc {
  return {
    _id: entryIdOf(key),
    card: id,
    kind: 'spend',
    amount: -key.a,
    balanceAfter,
    version,
    createdAt: key.t,
    orderId: key.o,
    ...(key.d ? { description: key.d } : {}),
    ...(key.p === false ? { points: false as const } : {}),
    viaKey: true,
  }
}

/** The money taken: the reply's balance, the key as written, and what the request path learnt. */
export interface Taken {
  balance: number
  /** the card's version just after (or as read): orders the entry in card.history */
  version: number
  key: SpendKey
  /** the card when it was read (else null) */
  read: UserCardDoc | null
  /** the sync lease the debit took (a quiet card), and the card as it is just after the debit */
  lease?: number
  assumed?: UserCardDoc
  /** a repeat: the key was there already (nothing debited now) */
  earlier?: boolean
  /** debited without the version on a card this instance saw before: others are spending it now */
  hot?: boolean
  /** an exact debit (no read): the card's WeChat holder and kind as its condition held them */
  heldAs?: Pick<UserCardDoc, 'saOpenid' | 'member'>
}

/**
 * The debit's conditional update. A card whose record is full — the keys of its spends of the last
 * KEY_KEEP_MS filling the database's 16 MB document limit (docs/functions-api.md "Small card": ~10 spends a
 * second for the whole time with the longest descriptions, ~40 with none) — refuses the spend with 1503 and
 * moves nothing: the database wrote nothing, and the keys age out.
 */
async function debit(store: Store, input: OneCallInput, id: string, filter: Filter, patch: Patch): Promise<boolean> {
  try {
    return await store.updateIf(Collections.userCards, id, filter, patch)
  } catch (err) {
    if (!(err instanceof DocumentTooLargeError)) throw err
    throw new AppError(ErrCode.BUSY, `card ${input.cardId}: too many spends within the last hour for its record to hold; try again later`)
  }
}

export async function takeMoney(
  store: Store,
  mpOpenid: string | null,
  input: OneCallInput,
  id: string,
  k: string,
  busyHere: boolean,
): Promise<Taken> {
  let seen = known.get(id)
  let leaseFree = true
  /** the card as a refused attempt read it: the next attempt's version */
  let refusedRead: UserCardDoc | null = null
  for (let attempt = 1; ; attempt++) {
    const now = clock.now()
    const nowSec = Math.floor(now / 1000)
    // The holder's hint (spend-hint.ts), when newer than what this instance saw: only before the card is read.
    const told =
      attempt === 1 && input.told && !(seen && seen.version >= input.told.version)
        ? { ...input.told, member: false, sincePrune: seen?.sincePrune ?? 0 }
        : undefined
    const base = told ?? seen
    // Exact only with the code's WeChat holder known: WeChat's answer is compared with it (verdictFor), and
    // the update holds it (it moves without the version: a holder heard of anew, the read-back).
    const exact = base?.saOpenid && !busyHere && (hotUntil.get(id) ?? 0) < now ? base : undefined
    // A member card's sync sends points too, which its settler moves first: it syncs from a read
    // (settleOwn); and a card someone is syncing is left to that sync. Only on a card known exactly: a
    // debit refused for the lease alone costs a third call, which a card new here must not risk (the
    // request path stays at 2: its settler takes the lease with its mark instead, markAndSync).
    const withLease = exact && !exact.member && leaseFree
    const key: SpendKey = {
      on: true,
      o: input.orderId,
      a: input.amount,
      t: now,
      q: input.orderedAt,
      ...(exact ? { b: exact.balance - input.amount } : {}),
      ...(input.entryId ? { e: input.entryId } : {}),
      ...(input.description ? { d: input.description } : {}),
      ...(input.points === false ? { p: false as const } : {}),
    }
    const lease = withLease ? now + SYNC_LEASE_MS : undefined
    const applied = await debit(
      store,
      input,
      id,
      {
        // A quiet card: exactly as this instance last saw it, and nobody syncing it (the lease comes with the debit).
        ...(exact ? { version: exact.version, saOpenid: exact.saOpenid } : {}),
        ...(withLease ? { syncLeaseUntil: where.lt(now) } : {}),
        ...(mpOpenid ? { mpOpenid } : {}),
        status: 'NORMAL',
        beginTime: where.lte(nowSec),
        balance: where.gte(input.amount),
        [`spendKeys.${k}.on`]: where.neq(true),
        ...anyOf({ endTime: 0 }, { endTime: where.gte(nowSec) }),
      },
      {
        balance: change.inc(-input.amount),
        version: change.inc(1),
        dirty: true,
        updatedAt: now,
        openKeys: change.inc(1),
        lastEntry: { kind: 'spend', amount: -input.amount },
        [`spendKeys.${k}`]: key,
        ...(lease !== undefined ? { syncLeaseUntil: lease } : {}),
      } satisfies Patch,
    )
    if (applied && exact) {
      const after = { version: exact.version + 1, balance: exact.balance - input.amount }
      remember({ _id: id, ...after, member: exact.member, saOpenid: exact.saOpenid })
      const assumed = {
        _id: id,
        cardId: input.cardId,
        code: input.code,
        ...after,
        status: 'NORMAL',
        syncedVersion: exact.version,
        dirty: true,
        member: exact.member,
        lastEntry: { kind: 'spend', amount: -input.amount },
      } as UserCardDoc
      // After a refusal, this debit was conditional on the version that read saw: the card is that read
      // with this debit on it (its sync lease may have changed since; markAndSync's writes check it).
      const read =
        refusedRead?.version === exact.version
          ? ({
              ...refusedRead,
              ...after,
              dirty: true,
              lastEntry: assumed.lastEntry,
              openKeys: (refusedRead.openKeys ?? 0) + 1,
              spendKeys: { ...refusedRead.spendKeys, [k]: key },
            } as UserCardDoc)
          : null
      return {
        ...after,
        key,
        read,
        heldAs: { saOpenid: exact.saOpenid, member: exact.member },
        ...(lease !== undefined ? { lease, assumed } : {}),
      }
    }
    // Applied without the version (the balance after is the one read just after), or refused: read. A
    // debit that applied on a card this instance has read before needs not read the keys (its own is the
    // one it wrote); a first read here reads them all, so its settler can shed the old ones (prunePatch).
    const withoutKeys = applied && seen !== undefined
    const card = await store.get<UserCardDoc>(Collections.userCards, id, withoutKeys ? WITHOUT_SPEND_KEYS : [])
    if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${input.cardId} with that code`)
    if (mpOpenid && card.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${input.cardId} is not yours`)
    remember(card)
    if (applied) {
      // The balance as read just after it (see takenAsRead), the key as this call wrote it.
      const taken = takenAsRead(card, k, key, false)
      return seen ? { ...taken, hot: true } : taken
    }
    const earlier = card.spendKeys?.[k]
    if (earlier) {
      // A repeat: the first answer.
      assertSameSpend(earlier, input)
      return takenAsRead(card, k, earlier, true)
    }
    // Refused: explain it from the card as it now is.
    assertSpendable(card, nowSec)
    if (card.balance < input.amount)
      throw new AppError(ErrCode.CONFLICT, `insufficient balance: ${card.balance} fen, ${input.amount} fen needed`)
    if (attempt >= MAX_ATTEMPTS)
      throw new AppError(ErrCode.BUSY, `${input.entryId ?? `spend:${input.orderId}`}: the card is busy, try again`)
    // Everything held but the version or the sync lease. Once: the card moved since this instance saw it
    // (another instance spent it), so try again exactly as just read (3 calls in all, the balance known);
    // twice: it is changing under us, a hot card: its spends skip the version condition for a while.
    // A card that moved is likely in a burst: the retry leaves WeChat to the burst's one sync (settleOwn).
    leaseFree = false
    if (exact && attempt > 1) hotUntil.set(id, now + HOT_MS)
    seen = known.get(id)
    refusedRead = card
  }
}

/**
 * The spend of key `k` as the card read shows it, and whether it was taken earlier. A repeat answers the
 * balance just after it (balancesAfter: the `b` its settler recorded). A debit made just now without the
 * version answers the balance as read: its place among the burst's other unversioned debits is unknown
 * (their times `t` are each instance's, not the order the database applied them in, so walking back
 * through them once answered more than the card ever held), and the balance read is one the card really
 * had after it: never above the truth while only spends move the card. Its settler records it as `b`.
 */
function takenAsRead(card: UserCardDoc, k: string, key: SpendKey, earlier: boolean): Taken {
  return {
    balance: earlier ? (balancesAfter(card).get(k) ?? card.balance) : card.balance,
    version: card.version,
    key,
    read: card,
    ...(earlier ? { earlier: true } : {}),
  }
}

/**
 * Each key's balance just after its spend. A key whose update did not know the version has none
 * recorded: walk back from the balance as read through the later spends' keys (exact when only spends
 * moved the card since). The reply, a repeat's answer and the ledger entry all take it from here, so
 * they agree; whatever balanceAfter says, the balance is always the sum of the settled entries.
 */
export function balancesAfter(card: Pick<UserCardDoc, 'balance' | 'spendKeys'>): Map<string, number> {
  const after = new Map<string, number>()
  let running = card.balance
  const newestFirst = Object.entries(card.spendKeys ?? {}).sort(([ka, x], [kb, y]) => y.t - x.t || (kb < ka ? -1 : 1))
  for (const [k, key] of newestFirst) {
    const b = key.b ?? running
    after.set(k, b)
    // A key credited back moved the balance back too.
    running = b + (key.x ? 0 : key.a)
  }
  return after
}

/**
 * The settler for a crash's leftovers: the card's unsettled keys older than SETTLE_GRACE_MS become ledger
 * entries (once by their id), then one write marks them settled and removes the keys settled and older than
 * KEY_KEEP_MS, then the card's sync tells WeChat. Safe to run again at any point. A younger key is never
 * touched: its own call is still running, and may yet be refused by WeChat and put back (settled under it,
 * the put-back would find nothing, and a consumer told "refused" would have paid).
 *
 * A leftover's call may have died before WeChat's word on the code came (issue 25 §1: without it a spend
 * does not stand), so the settle asks WeChat first, unless its caller has just had WeChat's yes on the code
 * (`saidYes`: a repeat of the died call) or settles the leftover whatever WeChat says (a checkout's cancel or
 * refund, which credits the leg back). A code WeChat refuses now (given away
 * with both pushes lost, deleted, …) has the leftovers whose entry was never written put back, as the call
 * itself would have; an entry written means the call had WeChat's yes, so that spend stands. No answer
 * throws: the next run asks again. (Found by the property soak, seed 31337: a spend that died after its
 * debit on a card given away unheard of was settled, and the friend's code lost its value.)
 */
export async function settleCard(store: Store, wx: WechatClient, id: string, sync: SyncOptions = {}, saidYes = false): Promise<number> {
  let card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card) return 0
  const grace = clock.now() - SETTLE_GRACE_MS
  const openOf = (c: UserCardDoc) =>
    Object.entries(c.spendKeys ?? {})
      .filter(([, key]) => !key.s && key.t < grace)
      .sort(([, x], [, y]) => x.t - y.t)
  let open = openOf(card)
  let parked = false
  if (open.length && !saidYes) {
    const checked = await putBackRefused(store, wx, card, open)
    // The put back met a change (another settler, a repeat): the next run looks again.
    if (checked === 'raced') return 0
    if (checked === 'put back') {
      // What is left stood (WeChat had said yes): settled from a fresh read without asking again. A key
      // past the grace only since is the next run's, which asks.
      const stood = new Set(open.map(([k]) => k))
      card = await store.get<UserCardDoc>(Collections.userCards, id)
      if (!card) return 0
      open = openOf(card).filter(([k]) => stood.has(k))
      parked = awaitsGiftFriend(card)
    }
  }
  const claimed = await claimKeys(store, id, open)
  open = claimed.keys
  // Refused first (a neighbour put back or settled meanwhile): the balances after come from the later read.
  if (claimed.read) card = claimed.read
  if (open.length) keyFaults.at?.('claimed')
  const duplicates: [string, SpendKey][] = []
  const after = balancesAfter(card)
  for (const [k, key] of open) {
    if (card.member && key.p !== false) await earnForSpend(store, card, key.a, key.o)
    if (!(await insertEntry(store, id, key, after.get(k) ?? card.balance, card.version))) duplicates.push([k, key])
    keyFaults.at?.('entry')
  }
  await markSettled(store, card, open, after, duplicates)
  keyFaults.at?.('marked')
  if (card.dirty || duplicates.length) await syncCard(store, wx, id, sync)
  // Given away unheard of, its whole value back on it now: the friend's code, if it was seen waiting (its
  // funding waited for these leftovers, giftcards/bag-codes.ts fundGift), is funded.
  if (parked) await findGiftFriend(store, wx, card, sync)
  return open.length
}

/** Those of `keys` the card still holds unsettled, as it holds them now (a settler's next round works on these). */
const stillOpen = (card: UserCardDoc, keys: [string, SpendKey][]): [string, SpendKey][] =>
  keys.flatMap(([k]) => {
    const key = card.spendKeys?.[k]
    return key && !key.s ? [[k, key] as [string, SpendKey]] : []
  })

/**
 * Claims the keys before their entries are written, conditional on them still open: from then on a put-back
 * (a repeat of the died call hearing WeChat refuse the code a moment later) cannot take the money back from
 * under an entry. A refused claim (a neighbour settled or put back meanwhile, or the keys claimed by another
 * settler already, which changes nothing) is tried again on the keys still open; those put back or settled
 * by another are left to it. Returns the keys this settle now holds claimed (two settlers may both hold a key:
 * entries go by id, marks are conditional).
 */
async function claimKeys(
  store: Store,
  id: string,
  open: [string, SpendKey][],
): Promise<{ keys: [string, SpendKey][]; read?: UserCardDoc }> {
  let keys = open
  let read: UserCardDoc | undefined
  for (let round = 0; round < MAX_ATTEMPTS && keys.length; round++) {
    const claim: Patch = {}
    for (const [k, key] of keys) if (!key.c) claim[`spendKeys.${k}.c`] = true
    if (!Object.keys(claim).length || (await store.updateIf(Collections.userCards, id, allOpen(keys), claim))) return { keys, read }
    const now = await store.get<UserCardDoc>(Collections.userCards, id)
    if (!now) break
    read = now
    keys = stillOpen(now, keys)
  }
  return { keys: [] }
}

/**
 * One write marks `open` settled (their entries written), records each key's balance after, credits back the
 * `duplicates` and sheds the keys past keeping — conditional on them all still open, so two settlers of one
 * card count each key down once. When another settler marked some of them first, the rest are marked in
 * another round: a key this settle wrote the entry of is never left open because a neighbour moved on.
 */
async function markSettled(
  store: Store,
  read: UserCardDoc,
  open: [string, SpendKey][],
  after: Map<string, number>,
  duplicates: [string, SpendKey][],
): Promise<void> {
  let card = read
  let keys = open
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const credited = duplicates.filter(([k]) => keys.some(([o]) => o === k))
    const patch: Patch = prunePatch(card, '')
    for (const [k, key] of keys) {
      patch[`spendKeys.${k}.s`] = true
      // The entry's balance after, kept with the key: a later repeat answers it whatever moved the card since.
      if (key.b === undefined) patch[`spendKeys.${k}.b`] = after.get(k) ?? read.balance
    }
    if (keys.length) patch.openKeys = change.inc(-keys.length)
    if (credited.length) {
      // The orderId's entry is another card's: this debit is the orderId's second, credited back in the
      // write that settles its key (conditional on it still open: once).
      patch.balance = change.inc(credited.reduce((sum, [, key]) => sum + key.a, 0))
      patch.version = change.inc(1)
      patch.dirty = true
      for (const [k] of credited) patch[`spendKeys.${k}.x`] = true
    }
    if (!Object.keys(patch).length || (await store.updateIf(Collections.userCards, read._id, allOpen(keys), patch))) return
    const now = await store.get<UserCardDoc>(Collections.userCards, read._id)
    if (!now) return
    card = now
    keys = stillOpen(now, keys)
    if (!keys.length) return
  }
}

/**
 * WeChat's word on a card with crash leftovers: 'stand' when it says yes (or every leftover has its ledger
 * entry: WeChat had said yes to those calls); when it refuses the code, the leftovers without an entry are
 * put back (putBack: the card takes WeChat's status, GIFTED also parked) — 'put back', or 'raced' when that
 * conditional write found them changed.
 */
async function putBackRefused(store: Store, wx: WechatClient, card: UserCardDoc, open: [string, SpendKey][]) {
  const said = verdictFor(await wechatVerdict(wx, card.cardId, card.code), card.saOpenid)
  if (said.ok) return 'stand'
  const written = await Promise.all(open.map(([, key]) => store.get<LedgerEntryDoc>(Collections.ledger, entryIdOf(key))))
  // A key a settler claimed stands too: that settler had WeChat's yes (it died before its mark, or still runs).
  const unanswered = open.filter(([, key], i) => !key.c && written[i]?.card !== card._id)
  if (!unanswered.length) return 'stand'
  return (await putBack(store, card._id, unanswered, undefined, said.status)) ? 'put back' : 'raced'
}

/**
 * Before a gift's user_get_card moves the old code's value to the friend's (ledger.ts transfer): the spends
 * a crash left on it are settled first, with WeChat's word — the code is given away, so a debit WeChat never
 * took is put back and the whole value moves, as WeChat shows it on the friend's code. Moved first, the
 * put-back would land on the old code, stranded. False while a key is still its own call's
 * (SETTLE_GRACE_MS): the move waits for it (the event is the cron's).
 */
export async function settledForMove(store: Store, wx: WechatClient, card: Pick<UserCardDoc, '_id' | 'openKeys'>, sync: SyncOptions = {}) {
  if (!card.openKeys) return true
  await settleCard(store, wx, card._id, sync)
  return !(await store.get<UserCardDoc>(Collections.userCards, card._id, WITHOUT_SPEND_KEYS))?.openKeys
}

/** The cron's half: cards whose keys a crash left unsettled. */
export async function settleOpenKeys(store: Store, wx: WechatClient, sync: SyncOptions = {}): Promise<{ cards: number; failed: number }> {
  const cards = await store.find<UserCardDoc>(Collections.userCards, { openKeys: where.gt(0) }, { limit: 200 })
  const out = { cards: 0, failed: 0 }
  const limit = pLimit(8)
  await Promise.all(
    cards.map((c) =>
      limit(async () => {
        try {
          await settleCard(store, wx, c._id, sync)
          out.cards++
        } catch {
          out.failed++
        }
      }),
    ),
  )
  return out
}

/**
 * A key's state, for a checkout's cancel (creditBackLeg): settled with its entry, credited back already
 * (its orderId's entry is another card's), still its own call's (busy), or absent (never taken, or put back).
 */
export async function legState(
  store: Store,
  wx: WechatClient,
  id: string,
  orderId: string,
  sync: SyncOptions = {},
): Promise<'settled' | 'credited' | 'busy' | 'absent'> {
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  const key = card?.spendKeys?.[spendKey(orderId)]
  if (!key) return 'absent'
  if (key.x) return 'credited'
  if (key.s) return 'settled'
  if (key.t >= clock.now() - SETTLE_GRACE_MS) return 'busy'
  await settleCard(store, wx, id, sync, true)
  return 'settled'
}
