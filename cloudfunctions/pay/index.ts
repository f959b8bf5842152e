// pay: gift-card purchase orders.
import { orderOf } from '../../server/domain/orders'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { str } from '../../server/validate'

export const main = createHandler('pay', {
  async getOrder(input, ctx) {
    return { order: await orderOf(ctx.store, requireOpenid(ctx), str(input, 'orderId', { max: 64, pattern: /^[A-Za-z0-9_-]+$/ })) }
  },
})
