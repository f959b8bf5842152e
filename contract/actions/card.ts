// The card function's actions (docs/functions-api.md, card): the consumer's cards.
import * as v from 'valibot'
import type { CouponTerms } from '../card-rules'
import type { CardType } from '../card-view'
import type { PendingOrder } from '../pending-order'
import type { ShelfOrderView } from '../shelf-order'
import { defineActions } from './define'
import { bool, CARD_ID, CODE, int, list, NONE as none, obj, offset, PAGE, RENEW_TICKET, REQUEST_ID, str, typed } from './fields'
import { card as cardView, cardList, entry } from './views'

/** An order id a client makes for a spend or a purchase (also `spend:<orderId>` in the ledger). */
const ORDER_ID = str({ max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ })
/** A spend hint as the server seals it (server/domain/cards/spend-hint.ts): base64url, ~100 characters. */
const SPEND_HINT = str({ max: 256, pattern: /^[A-Za-z0-9_-]+$/ })
/** One spend is at most 1,000,000 yuan: anything above is a bug, not a purchase. */
export const MAX_SPEND_FEN = 100_000_000
/** A staff invite's id, as its QR code carries it (server/domain/merchant/invites.ts). */
const INVITE_ID = str({ max: 16, pattern: /^[A-Za-z0-9_-]{16}$/ })

/** What card.detail adds from the card's definition. */
export const cardInfo = v.object({
  brandName: v.optional(v.string()),
  notice: v.optional(v.string()),
  description: v.optional(v.string()),
  servicePhone: v.optional(v.string()),
})

/** A card the shop sells. */
export const shopItem = v.object({
  cardId: v.string(),
  title: v.string(),
  /** fen */
  price: v.number(),
  /** fen on the card when issued: more than `price` for a card sold at a discount (absent from older servers: the price) */
  value: v.optional(v.number()),
  backgroundPicUrl: v.optional(v.string()),
  /** card faces the buyer may choose */
  faces: v.array(v.string()),
  /** the shelf's default blessing */
  defaultMessage: v.string(),
  /** the shelf theme it is sold under */
  theme: v.optional(v.string()),
})

/** A free coupon offered on the claim page. */
export const claimable = v.object({
  cardId: v.string(),
  type: typed<CardType>(),
  title: v.string(),
  terms: typed<CouponTerms>(),
  getLimit: v.number(),
  /** how many of it the caller has claimed (at get_limit: 已领取); absent from older servers */
  claimed: v.optional(v.number()),
  beginTime: v.optional(v.number()),
  endTime: v.optional(v.number()),
  fixedTerm: v.optional(v.number()),
})

export const whoami = v.object({
  openid: v.string(),
  appid: v.string(),
  unionid: v.optional(v.string()),
  /** the caller may open the merchant pages */
  merchant: v.boolean(),
  /** #14: the caller's merchant role (staff may open the redemption page) */
  role: v.optional(v.nullable(v.picklist(['admin', 'staff']))),
})

const entries = v.array(v.object({ ...entry.entries, held: v.optional(v.literal(true)) }))

export const card = defineActions('card', {
  whoami: { input: none, answer: whoami },
  /** The first page (with `pending`), or with `cursor` the page after it (cards alone). */
  listMine: {
    input: v.object({ ...PAGE }),
    answer: v.object({ cards: v.array(cardView), pending: v.optional(v.array(typed<PendingOrder>())), nextCursor: v.optional(v.string()) }),
  },
  detail: {
    input: v.object({ cardId: CARD_ID, code: CODE }),
    answer: v.object({
      card: cardView,
      history: entries,
      total: v.optional(v.number()),
      info: v.optional(cardInfo),
      /** 送给好友 with WeChat's 转赠 in the card bag is open for this card (giftcards/received.ts) */
      canGive: v.optional(v.boolean()),
    }),
  },
  history: {
    input: v.object({ cardId: CARD_ID, code: CODE, ...PAGE, offset: offset(Number.MAX_SAFE_INTEGER) }),
    answer: v.object({ entries, total: v.number(), nextCursor: v.optional(v.string()) }),
  },
  /** The order page the shelf's cells open (gift-card-api §14.2: the jump adds order_id and openid). */
  shelfOrder: {
    input: v.object({ orderId: str({ max: 64, pattern: /^[A-Za-z0-9_+/=-]+$/ }), openid: v.optional(str({ max: 64 })) }),
    answer: v.object({ order: typed<ShelfOrderView>() }),
  },
  shop: { input: none, answer: v.object({ items: v.array(shopItem) }) },
  signCardExt: { input: v.object({ orderId: ORDER_ID, renewTicket: RENEW_TICKET }), answer: cardList },
  /** The cards as wx.addCard returned them (codes encrypted). */
  recordAdded: {
    input: v.object({
      cardList: list(obj({ isSuccess: bool(), cardId: CARD_ID, code: str({ max: 512 }), cardExt: v.optional(str({ max: 2048 })) }), {
        min: 1,
        max: 10,
      }),
    }),
    answer: v.object({ cards: v.array(cardView) }),
  },
  // ---------- #14 coupons: the claim page ----------
  claimables: { input: none, answer: v.object({ items: v.array(claimable) }) },
  claim: { input: v.object({ cardId: CARD_ID, requestId: REQUEST_ID, renewTicket: RENEW_TICKET }), answer: cardList },
  /** On opening (issue 25 §5): the caller's card bag read through WeChat, unknown codes of ours funded or voided once; counts. */
  readBag: {
    input: none,
    answer: v.object({
      read: v.number(),
      known: v.optional(v.number()),
      gift: v.optional(v.number()),
      funded: v.optional(v.number()),
      voided: v.optional(v.number()),
      waiting: v.optional(v.number()),
      'not-ours': v.optional(v.number()),
    }),
  },
  decryptCode: { input: v.object({ cardId: CARD_ID, encryptCode: str({ max: 512 }) }), answer: v.object({ card: cardView }) },
  /** Issue 28: the caller joins the merchant's staff with an owner's invite (merchant.staffInvite). */
  staffAccept: { input: v.object({ inviteId: INVITE_ID }), answer: v.object({ role: v.picklist(['admin', 'staff']) }) },
  spend: {
    input: v.object({
      cardId: CARD_ID,
      code: CODE,
      amount: int({ min: 1, max: MAX_SPEND_FEN }),
      orderId: ORDER_ID,
      description: v.optional(str({ max: 100 })),
      // When the orderId was made, the same on its retries (docs/functions-api.md, The spend); the window is checked there.
      orderedAt: int({ min: 0 }),
      // The card's `spendHint` as last shown (its view, or the last spend's reply): one database call fewer.
      seen: v.optional(SPEND_HINT),
    }),
    answer: v.object({ balance: v.number(), entryId: v.string(), spendHint: v.optional(v.string()) }),
  },
})
