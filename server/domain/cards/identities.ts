// One person, two openids: the Mini Program's (mpOpenid, from getWXContext) and the Service Account's
// (saOpenid, in pushes and card/code/get). The guide's recipe joins them on (card_id, code): the Mini
// Program records the code it added, the user_get_card push names the same code with the saOpenid.
// With both apps under one Open Platform account, UNIONID joins them directly.
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import { clock } from '../../clock'

export interface IdentityDoc extends StoredDoc {
  /** _id is the saOpenid */
  mpOpenid?: string
  unionid?: string
  updatedAt: number
}

/** Records that saOpenid and mpOpenid (and unionid) are one person. Never overwrites a different known mpOpenid. */
export async function learnIdentity(
  store: Store,
  saOpenid: string,
  link: { mpOpenid?: string; unionid?: string },
  /** the mapping as the caller has just read it (null: none), so that it is not read again */
  known?: IdentityDoc | null,
): Promise<void> {
  const cur = known !== undefined ? known : await store.get<IdentityDoc>(Collections.identities, saOpenid)
  if (!cur) {
    await store.set<IdentityDoc>(Collections.identities, { _id: saOpenid, ...strip(link), updatedAt: clock.now() })
    return
  }
  const patch: Record<string, unknown> = {}
  if (link.mpOpenid && !cur.mpOpenid) patch.mpOpenid = link.mpOpenid
  if (link.unionid && !cur.unionid) patch.unionid = link.unionid
  if (Object.keys(patch).length) await store.update(Collections.identities, saOpenid, { ...patch, updatedAt: clock.now() })
}

function strip(o: { mpOpenid?: string; unionid?: string }) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as { mpOpenid?: string; unionid?: string }
}

/** The Mini Program openid of a Service Account openid, through an earlier join or the unionid. */
export async function mpOpenidOf(store: Store, saOpenid: string, unionid?: string): Promise<string | undefined> {
  // Both reads at once when the push names the unionid.
  const [known, byUnion] = await Promise.all([
    store.get<IdentityDoc>(Collections.identities, saOpenid),
    unionid ? store.get<StoredDoc & { mpOpenid: string }>(Collections.mpUnion, unionid) : null,
  ])
  if (known?.mpOpenid) return known.mpOpenid
  if (byUnion) return byUnion.mpOpenid
  const u = unionid || known?.unionid
  if (!u || u === unionid) return undefined
  return (await store.get<StoredDoc & { mpOpenid: string }>(Collections.mpUnion, u))?.mpOpenid
}

/**
 * Remembers the Mini Program caller's unionid (from the cloud context) so pushes can be joined by it.
 * `stored`: what the mapping holds, when the caller has just read it (null: no mapping yet), so that it
 * is not read again.
 */
export async function learnMpUnion(store: Store, mpOpenid: string, unionid: string | undefined, stored?: string | null): Promise<void> {
  if (!unionid) return
  // An instance that recorded this pair already does nothing, and one that has not reads first (unless
  // the caller just did, and then that read is what counts), so that nothing is written when nothing
  // changed.
  if (stored === undefined && knownMpUnion.get(unionid) === mpOpenid) return
  const current =
    stored !== undefined ? stored : (await store.get<StoredDoc & { mpOpenid: string }>(Collections.mpUnion, unionid))?.mpOpenid
  if (current !== mpOpenid) await store.set(Collections.mpUnion, { _id: unionid, mpOpenid, updatedAt: clock.now() })
  if (knownMpUnion.size > 10_000) knownMpUnion.clear()
  knownMpUnion.set(unionid, mpOpenid)
}

/** unionid → mpOpenid pairs this instance has seen stored (a unionid names one person for good). */
const knownMpUnion = new Map<string, string>()

export interface Holder {
  mpOpenid?: string
  saOpenid?: string
  unionid?: string
}
