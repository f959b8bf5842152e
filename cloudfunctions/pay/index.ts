// pay: gift cards bought in the Mini Program with Cloud Pay, and Cloud Pay's payment and refund callbacks.
import { cancelCheckout, checkoutStatus, startCheckout } from '../../server/domain/money/checkout'
import { createOrder, onPaymentNotice, orderOf } from '../../server/domain/giftcards/orders'
import { isPaymentNotice, isRefundNotice } from '../../server/platform/payment-gateway'
import { answerCloudPay } from '../../server/platform/cloud-pay-callback'
import { onRefundNotice, refundCallbackOf } from '../../server/domain/money/refund-states'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { cloudPayGateway as gateway } from '../../server/platform/cloud-pay'
import { instanceWechat } from '../../server/platform/wechat'
import { pay } from '../../contract/actions/pay'

const actions = createHandler('pay', pay, {
  async createOrder(input, ctx) {
    const mpOpenid = requireOpenid(ctx)
    return createOrder(ctx.store, gateway(), mpOpenid, { ...input, unionid: ctx.caller.unionid })
  },
  async startCheckout(input, ctx) {
    return startCheckout(ctx.store, ctx.wx(), gateway(), requireOpenid(ctx), input, syncOptions())
  },
  /** Where a checkout stands, for a page reloaded during the WeChat Pay sheet (issue 25 §7). */
  async checkoutStatus(input, ctx) {
    return checkoutStatus(ctx.store, requireOpenid(ctx), input.checkoutId)
  },
  async cancelCheckout(input, ctx) {
    return cancelCheckout(ctx.store, ctx.wx(), requireOpenid(ctx), input.checkoutId, syncOptions())
  },
  async getOrder(input, ctx) {
    return { order: await orderOf(ctx.store, requireOpenid(ctx), input.orderId) }
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
