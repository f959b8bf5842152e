// pay: gift cards bought in the Mini Program with Cloud Pay, and Cloud Pay's payment and refund callbacks.
import { cancelCheckout, checkoutStatus, startCheckout } from '../../server/domain/money/checkout'
import { createOrder, MAX_QUANTITY, onPaymentNotice, orderOf } from '../../server/domain/giftcards/orders'
import { isPaymentNotice, isRefundNotice } from '../../server/platform/payment-gateway'
import { answerCloudPay } from '../../server/platform/cloud-pay-callback'
import { onRefundNotice, refundCallbackOf } from '../../server/domain/money/refund-states'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { cloudPayGateway as gateway } from '../../server/platform/cloud-pay'
import { asInput, int, optInt, optStr, str } from '../../server/validate'
import { instanceWechat } from '../../server/platform/wechat'

const REQUEST_ID = { min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/ }

/** startCheckout's `coupon: {cardId, code}` (#14). */
function couponOf(raw: unknown) {
  const c = asInput(raw, 'coupon')
  return {
    cardId: str(c, 'cardId', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
    code: str(c, 'code', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
  }
}

const actions = createHandler('pay', {
  async createOrder(input, ctx) {
    const mpOpenid = requireOpenid(ctx)
    return createOrder(ctx.store, gateway(), mpOpenid, {
      // One purchase as the page sees it: a double tap, a retry or a reload with the same requestId is
      // the same order and the same payment.
      requestId: str(input, 'requestId', REQUEST_ID),
      cardId: str(input, 'cardId', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
      quantity: optInt(input, 'quantity', { min: 1, max: MAX_QUANTITY }) ?? 1,
      backgroundPicUrl: optStr(input, 'backgroundPicUrl', { max: 512, pattern: /^https?:\/\// }),
      message: optStr(input, 'message', { max: 100 }),
      unionid: ctx.caller.unionid,
    })
  },
  async startCheckout(input, ctx) {
    return startCheckout(
      ctx.store,
      ctx.wx(),
      gateway(),
      requireOpenid(ctx),
      {
        checkoutId: str(input, 'checkoutId', { max: 28, pattern: /^[A-Za-z0-9_-]+$/ }),
        cardId: optStr(input, 'cardId', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
        code: optStr(input, 'code', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
        coupon: input.coupon === undefined ? undefined : couponOf(input.coupon),
        total: int(input, 'total', { min: 1, max: 100_000_000 }),
        description: optStr(input, 'description', { max: 100 }),
      },
      syncOptions(),
    )
  },
  /** Where a checkout stands, for a page reloaded during the WeChat Pay sheet (issue 25 §7). */
  async checkoutStatus(input, ctx) {
    return checkoutStatus(ctx.store, requireOpenid(ctx), str(input, 'checkoutId', { max: 28, pattern: /^[A-Za-z0-9_-]+$/ }))
  },
  async cancelCheckout(input, ctx) {
    return cancelCheckout(
      ctx.store,
      ctx.wx(),
      requireOpenid(ctx),
      str(input, 'checkoutId', { max: 28, pattern: /^[A-Za-z0-9_-]+$/ }),
      syncOptions(),
    )
  },
  async getOrder(input, ctx) {
    return { order: await orderOf(ctx.store, requireOpenid(ctx), str(input, 'orderId', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ })) }
  },
})

export async function main(event: unknown): Promise<Record<string, unknown>> {
  if (isRefundNotice(event))
    return answerCloudPay('pay', event, async () => onRefundNotice(await instanceStore(), (c) => gateway(refundCallbackOf(c)), event))
  if (isPaymentNotice(event))
    return answerCloudPay('pay', event, async () => {
      // A notice must match our order's total anyway.
      const store = await instanceStore()
      return onPaymentNotice(store, event, instanceWechat(store))
    })
  return actions(event)
}
