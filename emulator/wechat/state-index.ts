// Lookups over the emulator's state that would otherwise scan every code, order or push: a code by its
// value (card_id is optional in several code APIs), the codes one person holds, the codes of one card,
// and the few records the platform's clock has to look at (codes being gifted or marked, gift-card orders
// being sent, pushes still pending). Kept current from the store's change notices (state-store.ts), so a
// lookup costs what it finds, not the size of the state: the emulator holds 1,000,000 codes.
import type { EmuCode, EmuOrder, EmuPush } from './state'
import type { StateStore } from './state-store'

interface CodeEntry {
  card: string
  code: string
  openid: string
  normal: boolean
  /** first-seen order: lists come out in the order the codes were added, as the map iterates */
  ord: number
}

function addTo(index: Map<string, Set<string>>, k: string, key: string): void {
  let keys = index.get(k)
  if (!keys) index.set(k, (keys = new Set()))
  keys.add(key)
}

function removeFrom(index: Map<string, Set<string>>, k: string, key: string): void {
  const keys = index.get(k)
  keys?.delete(key)
  if (keys?.size === 0) index.delete(k)
}

export class StateIndex {
  private readonly codes = new Map<string, CodeEntry>()
  private readonly byValue = new Map<string, string[]>()
  private readonly byOpenid = new Map<string, Set<string>>()
  private readonly byCard = new Map<string, Set<string>>()
  private readonly normalByCard = new Map<string, number>()
  private ord = 0
  /** keys of codes being gifted or carrying a mark (the clock ends both) */
  readonly watchedCodes = new Set<string>()
  /** keys of gift-card orders being sent to a friend (returned after 24 h) */
  readonly sendingOrders = new Set<string>()
  /** indexes in the push log of pushes still to deliver */
  readonly pendingPushes = new Set<string>()

  constructor(store: StateStore) {
    store.onChange((coll, key, value) => {
      if (coll === 'codes') this.code(key, value as EmuCode | undefined)
      else if (coll === 'orders') this.flag(this.sendingOrders, key, (value as EmuOrder | undefined)?.status === 'SENDING')
      else if (coll === 'pushes') this.flag(this.pendingPushes, key, (value as EmuPush | undefined)?.status === 'pending')
    })
  }

  /** Keys of the codes whose value is `code`, oldest first. */
  keysOfCode(code: string): string[] {
    const keys = this.byValue.get(code) ?? []
    return keys.length > 1 ? this.ordered(new Set(keys)) : keys
  }

  /** Keys of the codes held by a Service Account openid, in the order they were added. */
  keysHeldBy(openid: string): string[] {
    return this.ordered(this.byOpenid.get(openid))
  }

  /** Keys of the codes of one card, in the order they were added. */
  keysOfCard(cardId: string): string[] {
    return this.ordered(this.byCard.get(cardId))
  }

  /** How many codes of the card are NORMAL. */
  normalCount(cardId: string): number {
    return this.normalByCard.get(cardId) ?? 0
  }

  private ordered(keys: Set<string> | undefined): string[] {
    if (!keys) return []
    return [...keys].sort((a, b) => this.codes.get(a)!.ord - this.codes.get(b)!.ord)
  }

  private flag(set: Set<string>, key: string, on: boolean): void {
    if (on) set.add(key)
    else set.delete(key)
  }

  private code(key: string, c: EmuCode | undefined): void {
    const old = this.codes.get(key)
    if (old && c && old.card === c.card_id && old.code === c.code && old.openid === c.openid && old.normal === (c.status === 'NORMAL')) {
      // Most changes (a balance, a mark) move nothing in the lookups.
      this.flag(this.watchedCodes, key, (c.status === 'GIFTING' && !!c.gifting) || !!c.mark)
      return
    }
    if (old) {
      const same = this.byValue.get(old.code)?.filter((k) => k !== key) ?? []
      if (same.length) this.byValue.set(old.code, same)
      else this.byValue.delete(old.code)
      removeFrom(this.byOpenid, old.openid, key)
      removeFrom(this.byCard, old.card, key)
      if (old.normal) this.normalByCard.set(old.card, this.normalCount(old.card) - 1)
    }
    this.watchedCodes.delete(key)
    if (!c) {
      this.codes.delete(key)
      return
    }
    const entry: CodeEntry = { card: c.card_id, code: c.code, openid: c.openid, normal: c.status === 'NORMAL', ord: old?.ord ?? ++this.ord }
    this.codes.set(key, entry)
    const same = this.byValue.get(entry.code)
    if (same) same.push(key)
    else this.byValue.set(entry.code, [key])
    addTo(this.byOpenid, entry.openid, key)
    addTo(this.byCard, entry.card, key)
    if (entry.normal) this.normalByCard.set(entry.card, this.normalCount(entry.card) + 1)
    if ((c.status === 'GIFTING' && c.gifting) || c.mark) this.watchedCodes.add(key)
  }
}
