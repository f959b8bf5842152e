// The names a gift shows, never an openid (issue 28): the giver's signature (what they typed, or
// DEFAULT_FROM), and for each friend who claimed one of its cards a name. gift.claim asks the friend for
// nothing, so that name is one they told us elsewhere — the signature of the newest gift they sent
// themselves — or else a short alias, stable for the person and saying nothing about the openid it is made
// from. (The console's naming of people is merchant/ work; this is only what a gift's claim list needs.)
import { createHash } from 'node:crypto'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'

/** The signature of a gift whose giver typed none. */
export const DEFAULT_FROM = '一位好友'

/** A stable alias for a person who told us no name: 好友 and four characters of a hash of the openid. */
export function giftAliasOf(mpOpenid: string): string {
  const tail = createHash('sha256').update(`gift-alias\n${mpOpenid}`).digest('hex').slice(0, 4).toUpperCase()
  return `好友${tail}`
}

/** The name a gift's claim list shows for `mpOpenid`: the one they signed their newest gift with, else the alias. */
export async function claimerNameOf(store: Store, mpOpenid: string): Promise<string> {
  const sent = await store.find<StoredDoc & { from?: string }>(
    Collections.gifts,
    { senderMpOpenid: mpOpenid },
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 5 },
  )
  return sent.find((g) => g.from && g.from !== DEFAULT_FROM)?.from ?? giftAliasOf(mpOpenid)
}
