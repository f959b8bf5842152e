// The answer parts several actions share (docs/functions-api.md: `Card`, `Entry`, …): one declaration
// for the functions, which must return them, and the Mini Program, which reads them. Money is integer fen.
import * as v from 'valibot'
import type { CouponTerms } from '../card-rules'
import type { CardType, UserCardStatus } from '../card-view'
import { typed } from './fields'

/** A card in the caller's card bag (card.listMine, card.detail …). */
export const card = v.object({
  cardId: v.string(),
  code: v.string(),
  /** GIFT_CARD, MEMBER_CARD or a coupon's type */
  type: v.optional(typed<CardType>()),
  /** what it offers (a coupon's reduceCost/leastCost, discount, gift…; a gift card's balance) */
  terms: v.optional(typed<CouponTerms>()),
  title: v.string(),
  balance: v.number(),
  status: typed<UserCardStatus>(),
  /** Unix seconds */
  beginTime: v.number(),
  endTime: v.number(),
  backgroundPicUrl: v.optional(v.string()),
  /** the blessing the card came with */
  message: v.optional(v.string()),
  /** the giver's name, for a card received as a gift */
  giftFrom: v.optional(v.string()),
  /** fen held by unfinished checkouts (冻结): taken from `balance`, final once paid, back if not */
  held: v.optional(v.number()),
  /** ms: when the last of those checkouts expires */
  heldUntil: v.optional(v.number()),
  /** opaque: hand it back as card.spend's `seen` (a gift card its holder can spend; docs/functions-api.md, spend hints) */
  spendHint: v.optional(v.string()),
})

/** A ledger line of a card (card.detail, card.history, member.history, the console). */
export const entry = v.object({
  entryId: v.string(),
  kind: v.string(),
  amount: v.number(),
  balanceAfter: v.number(),
  orderId: v.optional(v.string()),
  description: v.optional(v.string()),
  createdAt: v.number(),
  /** a spend that is an unfinished checkout's leg: held (冻结), not final */
  held: v.optional(v.boolean()),
  /** the giver's name on a card received as a gift: its issue line reads 来自 <giftFrom> 的礼物 (issue 28) */
  giftFrom: v.optional(v.string()),
})

/** One card for wx.addCard, signed for the caller. */
export const cardToAdd = v.object({ cardId: v.string(), cardExt: v.string() })
export const cardList = v.object({ cardList: v.array(cardToAdd) })

/** What wx.requestPayment takes, as Cloud Pay gave it. */
export const payment = typed<Record<string, unknown>>()

/** What a chat shows for a shared gift (onShareAppMessage). */
export const share = v.object({ title: v.string(), path: v.string(), imageUrl: v.optional(v.string()) })

export type Card = v.InferOutput<typeof card>
export type Entry = v.InferOutput<typeof entry>
export type CardToAdd = v.InferOutput<typeof cardToAdd>
export type Share = v.InferOutput<typeof share>
export type Payment = v.InferOutput<typeof payment>
