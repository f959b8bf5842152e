// People as the merchant sees them (issue 28, "People, not openids"): by what they told us — the name
// on their member card, else the last four digits of its phone — or else a short alias (顾客·7F3A), never
// an openid. The alias is an HMAC of the openid under a server key (config.ts personKey), so it is stable
// for one person and cannot be turned back into the openid without the AppSecret.
import { createHmac } from 'node:crypto'
import { loadConfig, ownerOpenids } from '../../config'
import { Collections } from '../../store/collections'
import { where, type Store, type StoredDoc } from '../../store/port'
import type { MemberDoc } from './member-records'

/** A person's name in the console, as `nameOf(openid)` answers it. */
export type NameOf = (openid: string | undefined) => string

function mac(openid: string, key: Buffer): string {
  return createHmac('sha256', key).update(openid).digest('hex').toUpperCase()
}

/**
 * 顾客·7F3A: four hex digits of the HMAC, enough to tell a small shop's customers apart at a glance.
 * `prefix` says who is named (a gift's claim list calls the same person 好友7F3A: giftcards/gift-names.ts).
 */
export function aliasOf(openid: string, key: Buffer = loadConfig().personKey, prefix = '顾客·'): string {
  return `${prefix}${mac(openid, key).slice(0, 4)}`
}

/**
 * A handle the console may send back to act on a person (merchant.staffSet `personId`): 16 hex digits
 * of the same HMAC, under a prefix so it never reads as an openid (which has 28 characters).
 */
export function personIdOf(openid: string, key: Buffer = loadConfig().personKey): string {
  return `P${mac(openid, key).slice(4, 20)}`
}

/** What the person told us on a member card: the name, else the phone's last four. */
function toldName(m: MemberDoc): string | undefined {
  if (m.name?.trim()) return m.name.trim()
  if (m.phone && m.phone.length >= 4) return `手机尾号${m.phone.slice(-4)}`
  return undefined
}

/**
 * The merchant's own people are aliased by their role, not as customers: 店主·778B for an owner
 * (MERCHANT_ADMIN_OPENIDS), 管理员·… and 店员·322E for those granted a role (the staff collection).
 */
const ROLE_PREFIX: Record<string, string> = { owner: '店主·', admin: '管理员·', staff: '店员·' }

/** Queries stay within one `in` list the database takes at once. */
const BATCH = 100

async function inBatches<T extends StoredDoc>(store: Store, collection: string, field: string, values: string[]): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < values.length; i += BATCH) {
    const chunk = values.slice(i, i + BATCH)
    out.push(...(await store.find<T>(collection, { [field]: where.in(chunk) }, { limit: BATCH * 10 })))
  }
  return out
}

/**
 * Names for every openid in `openids` (Mini Program or Service Account openids), in at most three
 * queries a hundred people: members by Mini Program openid; a Service Account openid (a hosted-shelf
 * buyer) through its known Mini Program openid, so one person has one name. Anyone else gets an alias
 * of the openid we know. Answers a function that names any openid (unknown ones by alias too).
 */
export async function namesOf(store: Store, openids: Iterable<string | undefined>, key: Buffer = loadConfig().personKey): Promise<NameOf> {
  const wanted = [...new Set([...openids].filter((o): o is string => !!o))]
  const told = new Map<string, string>()
  const learn = (docs: MemberDoc[]) => {
    for (const m of docs) {
      const name = m.mpOpenid ? toldName(m) : undefined
      if (m.mpOpenid && name && !told.has(m.mpOpenid)) told.set(m.mpOpenid, name)
    }
  }
  if (wanted.length) learn(await inBatches<MemberDoc>(store, Collections.members, 'mpOpenid', wanted))
  // Service Account openids: their Mini Program openid from an earlier join (cards/identities.ts).
  const rest = wanted.filter((o) => !told.has(o))
  const mpOf = new Map<string, string>()
  if (rest.length) {
    for (const id of await inBatches<StoredDoc & { mpOpenid?: string }>(store, Collections.identities, '_id', rest))
      if (id.mpOpenid) mpOf.set(id._id, id.mpOpenid)
    const mps = [...new Set(mpOf.values())].filter((o) => !told.has(o))
    if (mps.length) learn(await inBatches<MemberDoc>(store, Collections.members, 'mpOpenid', mps))
  }
  // Who of them is the merchant's (only those without a told name need it).
  const roles = new Map<string, string>(ownerOpenids().map((o) => [o, ROLE_PREFIX.owner!]))
  const unnamed = [...new Set(wanted.map((o) => mpOf.get(o) ?? o))].filter((p) => !told.has(p) && !roles.has(p))
  if (unnamed.length)
    for (const d of await inBatches<StoredDoc & { role?: string }>(store, Collections.staff, '_id', unnamed))
      if (d.role && ROLE_PREFIX[d.role]) roles.set(d._id, ROLE_PREFIX[d.role]!)
  return (openid) => {
    if (!openid) return ''
    const person = mpOf.get(openid) ?? openid
    return told.get(person) ?? aliasOf(person, key, roles.get(person))
  }
}

/** `rows` with the openid in `field` (a buyer, a holder) replaced by that person's name: one lookup for all. */
export async function named<T extends Record<K, string | undefined>, K extends keyof T & string>(
  store: Store,
  rows: T[],
  field: K,
): Promise<T[]> {
  const nameOf = await namesOf(
    store,
    rows.map((r) => r[field]),
  )
  return rows.map((r) => ({ ...r, [field]: nameOf(r[field]) }))
}
