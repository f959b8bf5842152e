// member: the consumer's member cards (#13): join, activate, see, recharge with Cloud Pay; and Cloud
// Pay's callbacks for recharges (payment and refund). Thin: the caller from the context, input validated, logic in server/domain.
import { adoptByUnionid } from '../../server/domain/giftcards/card-bag'
import { activate, checkBirthday, join, mine, offered, PHONE } from '../../server/domain/members/members'
import { pointsHistory } from '../../server/domain/ledgers/member-points'
import { historyOf } from '../../server/domain/ledgers/ledger'
import { MAX_RECHARGE_FEN, onRechargeNotice, rechargeOf, startRecharge } from '../../server/domain/money/member-recharge'
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
import { int, optBool, optStr, str } from '../../server/validate'

const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const REQUEST_ID = { min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/ }

const actions = createHandler('member', {
  /** Member cards the merchant offers (the join page). */
  async offered(_input, ctx) {
    return offered(ctx.store)
  },
  async join(input, ctx) {
    return join(ctx.store, ctx.wx(), requireOpenid(ctx), str(input, 'cardId', CARD_ID), optBool(input, 'renewTicket'))
  },
  async activate(input, ctx) {
    const phone = str(input, 'phone', { max: 11 })
    if (!PHONE.test(phone)) throw invalid('phone', 'must be an 11-digit mobile number starting with 1')
    const name = optStr(input, 'name', { max: 20 })?.trim()
    if (name !== undefined && (name.length === 0 || /[\d<>]/.test(name))) throw invalid('name', 'must be 1 to 20 characters, no digits')
    const birthday = optStr(input, 'birthday', { max: 10 })
    if (birthday !== undefined && !checkBirthday(birthday)) throw invalid('birthday', 'must be a real past date as YYYY-MM-DD')
    return activate(
      ctx.store,
      ctx.wx(),
      requireOpenid(ctx),
      {
        cardId: str(input, 'cardId', CARD_ID),
        code: str(input, 'code', CODE),
        phone,
        ...(name ? { name } : {}),
        ...(birthday ? { birthday } : {}),
      },
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
    const card = await cardOf(ctx.store, requireOpenid(ctx), str(input, 'cardId', CARD_ID), str(input, 'code', CODE))
    if (!card.member) throw invalid('cardId', 'is not a member card')
    const [points, money] = await Promise.all([pointsHistory(ctx.store, card._id), historyOf(ctx.store, card._id)])
    return { points, balance: money.entries }
  },
  async recharge(input, ctx) {
    return startRecharge(ctx.store, cloudPayGateway('member'), requireOpenid(ctx), {
      cardId: str(input, 'cardId', CARD_ID),
      code: str(input, 'code', CODE),
      amount: int(input, 'amount', { min: 1, max: MAX_RECHARGE_FEN }),
      requestId: str(input, 'requestId', REQUEST_ID),
    })
  },
  async getRecharge(input, ctx) {
    return { recharge: await rechargeOf(ctx.store, requireOpenid(ctx), str(input, 'orderId', { max: 32, pattern: /^[A-Z0-9]+$/ })) }
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
