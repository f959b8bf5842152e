// How a card that came as a gift, or that could go as one, looks to its holder on the card page (issue 28):
//
// - A card claimed from a friend's gift (gifts.ts) was funded from the giver's order: its issue entry
//   names that order. The holder sees "来自 <name> 的礼物" instead — `giftFrom`, the name the giver signed
//   with — and never the giver's order number.
// - A card already in the WeChat card bag is given with WeChat's own 转赠 in the card bag (the Mini
//   Program has no API that moves a code to another person; wx.openCard opens the card there). So the
//   page offers 送给好友 only where WeChat's servers would let it go: the card is NORMAL (a GIFTING,
//   consumed, expired or deleted code cannot be given: card-api-guide.zh.txt user_card_status), its
//   definition allows giving (base_info.can_give_friend, "Defaults to true", gift-card-api.en.txt §6.3),
//   and it has been given fewer than max_give_friend_times times ("Maximum number of times a gift card
//   can be given", same table). Besides, it holds something and no unfinished checkout holds part of it:
//   a held balance would move to the friend while the checkout still counts on it.
import type { GiftCardDoc } from '../catalog/gift-cards'
import { activeHolds, type UserCardDoc } from '../cards/user-cards'
import type { EntryView } from '../ledgers/ledger'
import { clock } from '../../clock'

/** An entry as the holder sees it: `giftFrom` on the issue entry of a card claimed from a gift. */
export type HolderEntry = EntryView & { giftFrom?: string }

export function asHolderSees<E extends EntryView>(entries: E[], card: UserCardDoc): (E | HolderEntry)[] {
  if (!card.giftId || !card.giftFrom) return entries
  const from = card.giftFrom
  return entries.map((e) => {
    if (e.kind !== 'issue') return e
    const { orderId: _order, description: _text, ...rest } = e
    return { ...rest, giftFrom: from }
  })
}

/** Whether the holder may give this card to a friend with WeChat's 转赠 in the card bag (see above). */
export function givableInBag(card: UserCardDoc, def: GiftCardDoc | null, nowMs = clock.now()): boolean {
  if (!def || card.member || card.couponType) return false
  if (card.status !== 'NORMAL' || card.balance <= 0 || activeHolds(card, nowMs).length > 0) return false
  if (def.canGiveFriend === false) return false
  return def.maxGiveFriendTimes === undefined || (card.givenTimes ?? 0) < def.maxGiveFriendTimes
}
