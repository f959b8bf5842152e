// The one-call spend (issue #27; docs/functions-api.md "card.spend: the one-call path" says why it is
// correct). The money moves in ONE conditional update of the card whose condition holds everything a
// spend must be true of — the caller's card, NORMAL as confirmed within STATUS_STALE_MS, inside its
// dates, balance ≥ amount, and this orderId's key not on the card — and which takes the money, moves the
// version, marks the card dirty for WeChat's sync and records the key (amount, time). The update is
// atomic for the one document, so a crash leaves it wholly done or not done, and a repeat cannot match.
//
// Then, after the reply is known, the settler (same invocation; the cron for what a crash left) writes
// the ledger entry `spend:<orderId>` (its id makes it once), marks the key settled, and removes keys
// that are settled AND older than KEY_WINDOW_MS; then the card's sync (balance-sync.ts, its lease: one
// WeChat call per card per burst) tells WeChat.
import { createHash } from 'node:crypto'
import pLimit from 'p-limit'
import { AppError, ErrCode, invalid } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, anyOf, change, where, type Patch, type Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { type SyncOptions } from '../../platform/settings'
import type { LedgerEntryDoc } from '../ledgers/ledger'
import { syncCard } from '../sync/balance-sync'
import { earnForSpend } from '../members/members'
import { userCardId, type SpendKeyRecord, type UserCardDoc } from '../cards/user-cards'
import { STATUS_STALE_MS, assertSpendable, confirmStatus } from './card-checks'
import { clock } from '../../clock'

/**
 * How long a key stays on the card after its spend. Load-bearing: a repeat finds its spend only by the
 * key, so a key removed while a repeat can still arrive would let that repeat debit again. An orderId
 * is accepted only while `orderedAt` is within ORDER_AGE_MS of now, and ORDER_AGE_MS + ORDER_SKEW_MS <
 * KEY_WINDOW_MS: any accepted repeat arrives before its key may go.
 */
export const KEY_WINDOW_MS = 24 * 3600_000
/** The oldest orderId the one-call spend takes (a repeat after that is refused: 1001 on orderedAt). */
export const ORDER_AGE_MS = 12 * 3600_000
/** How far a client's clock may be ahead of ours. */
export const ORDER_SKEW_MS = 10 * 60_000
/** Conditional-update attempts when the card keeps changing under a spend, before BUSY. */
const MAX_ATTEMPTS = 6

export type SpendKey = SpendKeyRecord

export const spendKey = (orderId: string) => `k${createHash('sha256').update(orderId).digest('hex').slice(0, 24)}`

/** Test seams: a fault after each of the settler's writes (null in production). */
export type SettleStep = 'entry' | 'marked'
export const keyFaults: { at: ((step: SettleStep) => void) | null } = { at: null }

export interface OneCallInput {
  cardId: string
  code: string
  amount: number
  orderId: string
  orderedAt: number
  description?: string
  points?: boolean
}

/** The cards this instance knows (version and balance as it last saw them): a quiet card's spend is one call. */
const known = new Map<string, { version: number; balance: number; member: boolean; sinceRead: number }>()
/** Cards seen changing under this instance lately (ms until): their spends skip the version condition. */
const hotUntil = new Map<string, number>()
const KNOWN_MAX = 10_000
const HOT_MS = 5_000

/** Spends an instance makes on a card without reading it before its settler reads it (removing old keys). */
const SPENDS_BETWEEN_READS = 64

function remember(card: { _id: string; version: number; balance: number; member?: boolean }, sinceRead = 0) {
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value as string)
  known.set(card._id, { version: card.version, balance: card.balance, member: card.member === true, sinceRead })
}

export async function oneCallSpend(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  input: OneCallInput,
  sync: SyncOptions,
  busyHere: boolean,
): Promise<{ balance: number; entryId: string }> {
  const now = clock.now()
  if (input.orderedAt < now - ORDER_AGE_MS || input.orderedAt > now + ORDER_SKEW_MS) {
    throw invalid('orderedAt', `must be within ${ORDER_AGE_MS / 3600_000} h before now: make a new orderId`)
  }
  const id = userCardId(input.cardId, input.code)
  const k = spendKey(input.orderId)
  const entryId = `spend:${input.orderId}`
  const taken = await takeMoney(store, wx, mpOpenid, input, id, k, busyHere)
  // A member card's points need the card; and now and then the settler reads the card to remove old keys.
  const full = taken.read
    ? taken.read.member
    : (known.get(id)?.member ?? true) || (known.get(id)?.sinceRead ?? SPENDS_BETWEEN_READS) >= SPENDS_BETWEEN_READS
  if (full) await settleSoon(store, wx, id, sync)
  else await settleOwn(store, wx, id, k, { ...taken.key, b: taken.balance }, taken.version, sync)
  return { balance: taken.balance, entryId }
}

/**
 * The settler of this spend's own key, without reading the card: its entry (the balance after is the
 * reply's), the key marked settled (conditional on it still open: once), then the card's sync. A card
 * whose entry is not ours (the orderId used elsewhere) is left to the full settler, which credits it back.
 */
async function settleOwn(
  store: Store,
  wx: WechatClient,
  id: string,
  k: string,
  key: SpendKey,
  version: number,
  sync: SyncOptions,
): Promise<void> {
  try {
    await store.insert<LedgerEntryDoc>(Collections.ledger, entryOf(id, key, key.b ?? 0, version))
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) return
    const earlier = await store.get<LedgerEntryDoc>(Collections.ledger, `spend:${key.o}`).catch(() => null)
    if (!earlier || earlier.card !== id || !earlier.viaKey) return settleSoon(store, wx, id, sync)
  }
  try {
    await store.updateIf(
      Collections.userCards,
      id,
      { [`spendKeys.${k}.s`]: where.neq(true) },
      { [`spendKeys.${k}.s`]: true, openKeys: change.inc(-1) },
    )
    await syncCard(store, wx, id, sync)
  } catch {
    // the key stays open: the card's next full settle or the cron
  }
}

function entryOf(id: string, key: SpendKey, balanceAfter: number, version: number): LedgerEntryDoc {
  return {
    _id: `spend:${key.o}`,
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

/** Cards this instance is settling now; `again` when another spend's key arrived meanwhile. */
const settling = new Map<string, { again: boolean }>()

/**
 * The settler for the card once the reply is known: one at a time per card in an instance (a hot card's
 * spends would otherwise each read and write its keys), going round while spends keep arriving. A spend
 * that finds it running leaves its key to it. A failure is the cron's (the key stays open).
 */
async function settleSoon(store: Store, wx: WechatClient, id: string, sync: SyncOptions): Promise<void> {
  const running = settling.get(id)
  if (running) {
    running.again = true
    return
  }
  const me = { again: true }
  settling.set(id, me)
  try {
    while (me.again) {
      me.again = false
      await settleCard(store, wx, id, sync)
    }
  } catch {
    // left open: the card's next spend or the cron settles it
  } finally {
    settling.delete(id)
  }
}

/** The money taken: the reply's balance, the key as written, and the card when it was read (else null). */
export interface Taken {
  balance: number
  /** the card's version just after (or as read): orders the entry in card.history */
  version: number
  key: SpendKey
  read: UserCardDoc | null
}

export async function takeMoney(
  store: Store,
  wx: WechatClient,
  mpOpenid: string,
  input: OneCallInput,
  id: string,
  k: string,
  busyHere: boolean,
): Promise<Taken> {
  let seen = known.get(id)
  for (let attempt = 1; ; attempt++) {
    const now = clock.now()
    const nowSec = Math.floor(now / 1000)
    const exact = seen && !busyHere && (hotUntil.get(id) ?? 0) < now ? seen : undefined
    const key: SpendKey = {
      on: true,
      o: input.orderId,
      a: input.amount,
      t: now,
      ...(exact ? { b: exact.balance - input.amount } : {}),
      ...(input.description ? { d: input.description } : {}),
      ...(input.points === false ? { p: false as const } : {}),
    }
    const applied = await store.updateIf(
      Collections.userCards,
      id,
      {
        ...(exact ? { version: exact.version } : {}),
        mpOpenid,
        status: 'NORMAL',
        checkedAt: where.gte(now - STATUS_STALE_MS),
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
      } satisfies Patch,
    )
    if (applied && exact) {
      remember({ _id: id, version: exact.version + 1, balance: exact.balance - input.amount, member: exact.member }, exact.sinceRead + 1)
      return { balance: exact.balance - input.amount, version: exact.version + 1, key, read: null }
    }
    // Applied without the version (the balance after is the one read just after), or refused: read.
    const card = await store.get<UserCardDoc>(Collections.userCards, id)
    if (!card) throw new AppError(ErrCode.NOT_FOUND, `no card ${input.cardId} with that code`)
    if (card.mpOpenid !== mpOpenid) throw new AppError(ErrCode.FORBIDDEN, `card ${input.cardId} is not yours`)
    remember(card)
    const earlier = card.spendKeys?.[k]
    if (earlier) {
      if (earlier.o !== input.orderId || earlier.a !== input.amount)
        throw new AppError(ErrCode.CONFLICT, `spend:${input.orderId} was already used with different details`)
      return { balance: balancesAfter(card).get(k) ?? card.balance, version: card.version, key: earlier, read: card }
    }
    if (applied) throw new AppError(ErrCode.INTERNAL, `the spend of ${input.orderId} applied but its key is missing`)
    // Refused: explain it from the card as it now is. A stale status is confirmed with WeChat first
    // (check_consume: a code given away must not be spent) and the update tried again.
    if (now - card.checkedAt >= STATUS_STALE_MS) await confirmStatus(store, wx, card)
    else {
      assertSpendable(card, nowSec)
      if (card.balance < input.amount)
        throw new AppError(ErrCode.CONFLICT, `insufficient balance: ${card.balance} fen, ${input.amount} fen needed`)
      // Everything held but the version: the card is changing under us.
      if (exact) hotUntil.set(id, now + HOT_MS)
    }
    if (attempt >= MAX_ATTEMPTS) throw new AppError(ErrCode.BUSY, `spend:${input.orderId}: the card is busy, try again`)
    seen = undefined
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
    running = b + (key.x ? 0 : key.a)
  }
  return after
}

/**
 * The settler: the card's unsettled keys become ledger entries (`spend:<orderId>`, once by its id),
 * then one write marks them settled and removes the keys settled and older than KEY_WINDOW_MS, then the
 * card's sync tells WeChat. Safe to run again at any point: an entry already written is skipped.
 */
export async function settleCard(store: Store, wx: WechatClient, id: string, sync: SyncOptions = {}): Promise<number> {
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card) return 0
  const keys = Object.entries(card.spendKeys ?? {})
  const open = keys.filter(([, key]) => !key.s).sort(([, x], [, y]) => x.t - y.t)
  const duplicates: [string, SpendKey][] = []
  const after = balancesAfter(card)
  for (const [k, key] of open) {
    if (card.member && key.p !== false) await earnForSpend(store, card, key.a, key.o)
    const entry = entryOf(id, key, after.get(k) ?? card.balance, card.version)
    try {
      await store.insert(Collections.ledger, entry)
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      // Ours from an earlier run of this settler, or the orderId's entry from elsewhere (another card,
      // the 5-call path): then this debit is the orderId's second, and goes back with the mark below.
      const earlier = await store.get<LedgerEntryDoc>(Collections.ledger, entry._id)
      // (A key is the only one of its orderId on its card while it exists, and none can follow it:
      // orderedAt refuses an orderId by then. So an entry of this card written from a key is ours.)
      if (earlier && (earlier.card !== id || !earlier.viaKey)) duplicates.push([k, key])
    }
    keyFaults.at?.('entry')
  }
  const cutoff = clock.now() - KEY_WINDOW_MS
  const patch: Patch = {}
  for (const [k] of open) patch[`spendKeys.${k}.s`] = true
  for (const [k, key] of keys) if (key.s && key.t < cutoff) patch[`spendKeys.${k}`] = change.unset()
  if (open.length) patch.openKeys = change.inc(-open.length)
  if (duplicates.length) {
    // Credited back in the write that settles their keys (conditional on them still open: once).
    patch.balance = change.inc(duplicates.reduce((sum, [, key]) => sum + key.a, 0))
    patch.version = change.inc(1)
    patch.dirty = true
    for (const [k] of duplicates) patch[`spendKeys.${k}.x`] = true
  }
  // Conditional on the keys still open: two settlers of one card (a hot card's spends each settle it)
  // count each key down once; the one refused leaves what it did not mark to the next settler.
  const stillOpen = Object.fromEntries(open.map(([k]) => [`spendKeys.${k}.s`, where.neq(true)]))
  if (Object.keys(patch).length) await store.updateIf(Collections.userCards, id, stillOpen, patch)
  keyFaults.at?.('marked')
  if (card.dirty) await syncCard(store, wx, id, sync)
  return open.length
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
