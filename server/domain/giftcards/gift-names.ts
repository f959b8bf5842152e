// The names a gift shows, never an openid (issue 28): the giver's signature (what they typed, or
// DEFAULT_FROM), and for each friend who claimed one of its cards a name. gift.claim asks the friend for
// nothing, so that name is one they told us elsewhere — the signature of the newest gift they sent
// themselves — or else a short alias, stable for the person and saying nothing about the openid it is made
// from: the console's keyed alias (cards/people.ts) under the prefix 好友.
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import { aliasOf } from '../cards/people'

/** The signature of a gift whose giver typed none. */
export const DEFAULT_FROM = '一位好友'

/** A stable alias for a person who told us no name: 好友 and four hex digits of the keyed HMAC of the openid. */
export const giftAliasOf = (mpOpenid: string): string => aliasOf(mpOpenid, undefined, '好友')

/** The name a gift's claim list shows for `mpOpenid`: the one they signed their newest gift with, else the alias. */
export async function claimerNameOf(store: Store, mpOpenid: string): Promise<string> {
  const sent = await store.find<StoredDoc & { from?: string }>(
    Collections.gifts,
    { senderMpOpenid: mpOpenid },
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 5 },
  )
  return sent.find((g) => g.from && g.from !== DEFAULT_FROM)?.from ?? giftAliasOf(mpOpenid)
}
