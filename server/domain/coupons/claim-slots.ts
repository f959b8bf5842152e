// get_limit held atomically. Counting a person's claims and then inserting one let N claims sent at
// once with different requestIds all pass the count. Now each claim first takes a slot: the document
// `claim:<cardId>:<openid>:<n>` for some n < get_limit, taken by inserting it — the database refuses a
// second document with that _id (DuplicateIdError), so at most get_limit slots, hence claims, exist.
//
// Why slots rather than one counter document per person and card with a conditional increment: a slot
// names the requestId that took it. A claim that dies between taking its slot and writing its claim
// finds its own slot again when retried, instead of taking a second; two taps with the same requestId
// meet at the same slot. A counter cannot tell whose increment it holds, so either case would use up
// the person's allowance without a claim to show for it.
//
// Slots are taken lowest first: a claimer starts at the count of slots and steps up past every one taken
// by someone else, so the slots taken are always 0…count−1 (no gaps), and a claimer that started below
// its requestId's slot meets it on the way up. Claims are never given back (a signed claim counts
// towards get_limit whether or not it was ever added, coupons.ts), so slots are never freed either.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { DuplicateIdError, type Store, type StoredDoc } from '../../store/port'
import { clock } from '../../clock'

export interface ClaimSlotDoc extends StoredDoc {
  cardId: string
  mpOpenid: string
  requestId: string
  n: number
  createdAt: number
}

export const claimSlotId = (cardId: string, mpOpenid: string, n: number) => `claim:${cardId}:${mpOpenid}:${n}`

/** The one refusal for get_limit, whether the early count or the slots say so. */
export function overLimit(getLimit: number): AppError {
  return new AppError(ErrCode.CONFLICT, `get_limit: at most ${getLimit} of this coupon per person`)
}

/** Takes a free slot for this requestId (or finds the one it took before): its n, or the get_limit refusal. */
export async function takeClaimSlot(store: Store, cardId: string, mpOpenid: string, requestId: string, getLimit: number): Promise<number> {
  const start = await store.count(Collections.couponClaimSlots, { cardId, mpOpenid })
  // After the count, not beside it: a slot of ours taken before the count is found here; one taken
  // after it lies at or above `start`, where the scan below meets it.
  const [mine] = await store.find<ClaimSlotDoc>(Collections.couponClaimSlots, { cardId, mpOpenid, requestId }, { limit: 1 })
  if (mine) return mine.n
  for (let n = start; n < getLimit; n++) {
    try {
      await store.insert<ClaimSlotDoc>(Collections.couponClaimSlots, {
        _id: claimSlotId(cardId, mpOpenid, n),
        cardId,
        mpOpenid,
        requestId,
        n,
        createdAt: clock.now(),
      })
      return n
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
      const taken = await store.get<ClaimSlotDoc>(Collections.couponClaimSlots, claimSlotId(cardId, mpOpenid, n))
      if (taken?.requestId === requestId) return n
    }
  }
  throw overLimit(getLimit)
}
