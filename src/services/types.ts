// Shapes of the cloud functions' answers, from their schemas (contract/actions/): one declaration for the
// functions and the Mini Program. Money is integer fen.
import type * as v from 'valibot'
import type { Answer } from '../../contract/actions'
import type { card as cardActions, cardInfo, claimable, shopItem } from '../../contract/actions/card'
import type { merchant } from '../../contract/actions/merchant'

export type { CardType, RedeemCheck, UserCardStatus } from '../../contract/card-view'
export type { PendingOrder } from '../../contract/pending-order'
export type { CouponTerms } from '../../contract/card-rules'
export type { Gift, GiftStatus } from '../../contract/gift'
export type { Card, Entry, Share } from '../../contract/actions/views'

/** What card.detail adds from the card's definition. */
export type CardInfo = v.InferOutput<typeof cardInfo>
export type WhoAmI = Answer<typeof cardActions.whoami>
/** A free coupon offered on the claim page (card.claimables). */
export type Claimable = v.InferOutput<typeof claimable>
export type ShopItem = v.InferOutput<typeof shopItem>
export type MerchantOverview = Answer<typeof merchant.overview>
