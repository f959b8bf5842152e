// The pay function's actions (docs/functions-api.md, pay): gift cards bought in the Mini Program, and
// checkouts that pay with a card (or a coupon) and Cloud Pay.
import * as v from 'valibot'
import { defineActions } from './define'
import { CARD_ID, CODE, ID, int, obj, oneOf, REQUEST_ID, str } from './fields'
import { payment } from './views'

/** At most 10 cards in one purchase. */
export const MAX_QUANTITY = 10
const CHECKOUT_ID = str({ max: 28, pattern: ID })

export const ORDER_STATUSES = ['CREATED', 'PAID', 'ISSUED', 'REFUNDING', 'REFUND_FAILED', 'REFUNDED', 'CANCELLED', 'REFUND_NEEDED'] as const

/** An order bought in the Mini Program (pay.getOrder). */
export const orderView = v.object({
  orderId: v.string(),
  status: v.picklist(ORDER_STATUSES),
  totalFee: v.number(),
  /** fen a coupon took off */
  discount: v.optional(v.number()),
  cards: v.array(v.object({ cardId: v.string(), code: v.optional(v.string()), added: v.boolean() })),
})

export const pay = defineActions('pay', {
  createOrder: {
    input: v.object({
      // One purchase as the page sees it: a double tap, a retry or a reload with the same requestId is
      // the same order and the same payment.
      requestId: REQUEST_ID,
      cardId: CARD_ID,
      quantity: v.optional(int({ min: 1, max: MAX_QUANTITY }), 1),
      backgroundPicUrl: v.optional(str({ max: 512, pattern: /^https?:\/\// })),
      message: v.optional(str({ max: 100 })),
    }),
    answer: v.object({ orderId: v.string(), status: v.picklist(ORDER_STATUSES), payment: v.optional(payment) }),
  },
  /** A gift card (`cardId, code`) and/or a coupon pay part of `total`, Cloud Pay the rest (#14, issue 25). */
  startCheckout: {
    input: v.object({
      checkoutId: CHECKOUT_ID,
      cardId: v.optional(CARD_ID),
      code: v.optional(CODE),
      coupon: v.optional(obj({ cardId: CARD_ID, code: CODE })),
      total: int({ min: 1, max: 100_000_000 }),
      description: v.optional(str({ max: 100 })),
    }),
    // `payment` is absent when nothing is left for WeChat Pay (coupon and card cover it: the checkout is paid at once).
    answer: v.object({
      orderId: v.string(),
      payment: v.optional(payment),
      balance: v.optional(v.number()),
      rest: v.number(),
      discount: v.number(),
    }),
  },
  /** Where a checkout stands, for a page reloaded during the WeChat Pay sheet (issue 25 §7). */
  checkoutStatus: {
    input: v.object({ checkoutId: CHECKOUT_ID }),
    answer: v.object({
      status: oneOf(['CREATED', 'PAID', 'CANCELLED', 'REFUND_NEEDED']),
      held: v.number(),
      /** PAID: the gift card's share (fen) */
      paidByCard: v.optional(v.number()),
      expiresAt: v.number(),
      rest: v.number(),
      discount: v.optional(v.number()),
      total: v.optional(v.number()),
      payment: v.optional(payment),
    }),
  },
  cancelCheckout: {
    input: v.object({ checkoutId: CHECKOUT_ID }),
    answer: v.object({ status: v.string(), balance: v.optional(v.number()) }),
  },
  getOrder: { input: v.object({ orderId: str({ max: 64, pattern: ID }) }), answer: v.object({ order: orderView }) },
})

export type OrderView = v.InferOutput<typeof orderView>
