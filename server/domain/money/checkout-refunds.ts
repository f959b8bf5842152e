// The merchant refunds a paid 买单 (checkout) order (#28): each of its three parts goes back exactly once,
// the card side first, as for every refund (refund-states.ts: "The card side … moves at the request, once,
// before the order leaves its paid state"):
//   1. the gift-card leg is credited back to its card through the checkout's own reversal entry
//      (`reversal:<leg orderId>`, spending.ts creditBackLeg): one entry id per leg, so a cancel, a retry, a
//      double tap or a crash between steps can never credit it twice; `legCreditedAt` records it;
//   2. the coupon is usable again (coupon-checkout.ts restoreCoupon, a compare-and-set on its hold);
//      `couponRestoredAt` records it;
//   3. PAID → REFUNDING with the WeChat Pay leg's fee fixed (startRefund, a compare-and-set), then the one
//      Cloud Pay refund RF<orderId>, REFUNDED only once WeChat Pay says SUCCESS (refundThrough); a refund
//      WeChat Pay failed is retried by the same call, the card side untouched.
// A call after a crash anywhere repeats the steps still to do: each is conditional or keyed.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { PaymentGateway } from '../../platform/payment-gateway'
import type { SyncOptions } from '../../platform/settings'
import type { OrderDoc } from '../cards/order-types'
import { restoreCoupon } from '../coupons/coupon-checkout'
import { creditBackLeg } from './spending'
import { userCardId } from '../cards/user-cards'
import { REFUND_STATUSES, startRefund, type Refundable } from './refund-states'
import { refundThrough, type RefundAnswer } from './refunds'
import { clock } from '../../clock'

/** The ledger line of a refunded 买单 order's gift-card leg. */
export const LEG_REFUND_DESCRIPTION = '买单退款'

export async function refundCheckoutOrder(
  store: Store,
  wx: WechatClient,
  pay: PaymentGateway,
  orderId: string,
  reason: string,
  sync: SyncOptions = {},
): Promise<RefundAnswer> {
  const found = await store.get<OrderDoc & Refundable>(Collections.orders, orderId)
  if (!found || found.kind !== 'checkout') throw new AppError(ErrCode.NOT_FOUND, `no checkout order ${orderId}`)
  if (found.status === 'REFUND_NEEDED')
    throw new AppError(ErrCode.CONFLICT, `order ${orderId} was paid after its checkout was cancelled: it is refunded automatically`)
  let order = found
  if (order.status === 'PAID') {
    if (order.cardLeg && order.cardLeg.amount > 0 && !order.legCreditedAt) {
      const legCard = userCardId(order.cardLeg.cardId, order.cardLeg.code)
      const credited = await creditBackLeg(store, wx, order.cardLeg.orderId, sync, LEG_REFUND_DESCRIPTION, legCard)
      // No spend entry for the leg yet (its one-call spend not settled): nothing could be credited; try again.
      if (!credited) throw new AppError(ErrCode.BUSY, `the gift-card leg of ${orderId} is still being recorded: try again shortly`)
      await store.updateIf(Collections.orders, orderId, { status: 'PAID' }, { legCreditedAt: clock.now() })
    }
    if (order.coupon && !order.couponRestoredAt) {
      await restoreCoupon(store, order)
      await store.updateIf(Collections.orders, orderId, { status: 'PAID' }, { couponRestoredAt: clock.now() })
    }
    order = await startRefund<OrderDoc & Refundable>(store, Collections.orders, orderId, 'PAID', order.totalFee, reason)
  }
  if (!REFUND_STATUSES.includes(order.status))
    throw new AppError(ErrCode.CONFLICT, `checkout ${orderId} is ${order.status}: only a paid checkout can be refunded`)
  return refundThrough(store, pay, Collections.orders, order)
}
