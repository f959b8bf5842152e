// member: the consumer's member cards (#13): join, activate, see, recharge with Cloud Pay; and Cloud
// Pay's callbacks for recharges (payment and refund). Thin: the caller from the context, input validated, logic in server/domain.
import { adoptByUnionid } from '../../server/domain/giftcards/card-bag'
import { activate, join, mine, offered } from '../../server/domain/members/members'
import { pointsHistory } from '../../server/domain/ledgers/member-points'
import { historyOf } from '../../server/domain/ledgers/ledger'
import { onRechargeNotice, rechargeOf, startRecharge } from '../../server/domain/money/member-recharge'
import { isPaymentNotice, isRefundNotice } from '../../server/platform/payment-gateway'
import { answerCloudPay } from '../../server/platform/cloud-pay-callback'
import { onRefundNotice, refundCallbackOf } from '../../server/domain/money/refund-states'
import { cardOf } from '../../server/domain/cards/user-cards'
import { invalid } from '../../server/errors'
import { cloudPayGateway } from '../../server/platform/cloud-pay'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { instanceWechat } from '../../server/platform/wechat'
import { member } from '../../contract/actions/member'

const actions = createHandler('member', member, {
  /** Member cards the merchant offers (the join page). */
  async offered(_input, ctx) {
    return offered(ctx.store)
  },
  async join(input, ctx) {
    return join(ctx.store, ctx.wx(), requireOpenid(ctx), input.cardId, input.renewTicket)
  },
  async activate(input, ctx) {
    const { name, birthday, ...rest } = input
    return activate(
      ctx.store,
      ctx.wx(),
      requireOpenid(ctx),
      { ...rest, ...(name ? { name } : {}), ...(birthday ? { birthday } : {}) },
      syncOptions(),
    )
  },
  async mine(_input, ctx) {
    const mpOpenid = requireOpenid(ctx)
    // A member card that reached the person through WeChat alone (pay-then-member) is theirs by unionid.
    await adoptByUnionid(ctx.store, { mpOpenid, unionid: ctx.caller.unionid })
    return mine(ctx.store, mpOpenid)
  },
  /** Points and stored-value history of one of the caller's member cards. */
  async history(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), input.cardId, input.code)
    if (!card.member) throw invalid('cardId', 'is not a member card')
    const [points, money] = await Promise.all([pointsHistory(ctx.store, card._id), historyOf(ctx.store, card._id)])
    return { points, balance: money.entries }
  },
  async recharge(input, ctx) {
    return startRecharge(ctx.store, cloudPayGateway('member'), requireOpenid(ctx), input)
  },
  async getRecharge(input, ctx) {
    return { recharge: await rechargeOf(ctx.store, requireOpenid(ctx), input.orderId) }
  },
})

export async function main(event: unknown): Promise<Record<string, unknown>> {
  if (isRefundNotice(event))
    return answerCloudPay('member', event, async () =>
      onRefundNotice(await instanceStore(), (c) => cloudPayGateway(refundCallbackOf(c)), event),
    )
  if (isPaymentNotice(event))
    return answerCloudPay('member', event, async () => {
      const store = await instanceStore()
      return onRechargeNotice(store, instanceWechat(store), event, syncOptions())
    })
  return actions(event)
}
