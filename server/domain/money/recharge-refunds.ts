// The merchant refunds a member recharge (`MR…`): the card side first — the recharge's value leaves the
// member card's stored value once (ledger `refund:<orderId>`: what is left of it, at most the amount;
// what was already spent stays spent), which fixes the fee — then CREDITED → REFUNDING and the Cloud Pay
// refund of that fee, as refund-states.ts describes (the same states as a gift-card order's refund).
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { PaymentGateway } from '../../platform/payment-gateway'
import type { SyncOptions } from '../../platform/settings'
import { post } from '../ledgers/ledger'
import { syncCard } from '../sync/balance-sync'
import { userCardId } from '../cards/user-cards'
import type { RechargeDoc } from './member-recharge'
import { REFUND_STATUSES, startRefund } from './refund-states'
import { refundThrough, type RefundAnswer } from './refunds'

export async function refundRecharge(
  store: Store,
  wx: WechatClient,
  pay: PaymentGateway,
  orderId: string,
  reason: string,
  sync: SyncOptions = {},
): Promise<RefundAnswer> {
  let order = await store.get<RechargeDoc>(Collections.memberOrders, orderId)
  if (!order) throw new AppError(ErrCode.NOT_FOUND, `no recharge ${orderId}`)
  if (order.status === 'CREDITED') {
    const card = userCardId(order.cardId, order.code)
    const { entry } = await post(store, {
      card,
      kind: 'refund',
      amount: (c) => -Math.min(order!.amount, c.balance),
      entryId: `refund:${orderId}`,
      orderId,
      description: reason,
      sameAs: (e) => e.card === card,
      guard: (c) => {
        if (c.balance <= 0)
          throw new AppError(ErrCode.CONFLICT, `recharge ${orderId}: the member card's stored value is all spent, nothing to refund`)
      },
    })
    order = await startRefund<RechargeDoc>(store, Collections.memberOrders, orderId, 'CREDITED', -entry.amount, reason)
    // WeChat's card bag shows the lower balance (what is not confirmed is sent again by the cron).
    await syncCard(store, wx, card, sync)
  }
  if (!REFUND_STATUSES.includes(order.status))
    throw new AppError(ErrCode.CONFLICT, `recharge ${orderId} is ${order.status}: only a credited recharge can be refunded`)
  return refundThrough(store, pay, Collections.memberOrders, order)
}
