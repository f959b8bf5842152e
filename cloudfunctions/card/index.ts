// card: the consumer's cards. Thin: validate input, call server/domain.
import { listOnSale } from '../../server/domain/gift-cards'
import { historyOf } from '../../server/domain/ledger'
import { cardOf, listCardsOf, toCardView } from '../../server/domain/user-cards'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { optInt, str } from '../../server/validate'

const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }

export const main = createHandler('card', {
  async whoami(_input, ctx) {
    const openid = requireOpenid(ctx)
    return { openid, appid: ctx.caller.appid ?? '', ...(ctx.caller.unionid ? { unionid: ctx.caller.unionid } : {}) }
  },
  async listMine(_input, ctx) {
    return { cards: await listCardsOf(ctx.store, requireOpenid(ctx)) }
  },
  async detail(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), str(input, 'cardId', CARD_ID), str(input, 'code', CODE))
    const { entries } = await historyOf(ctx.store, card._id)
    return { card: toCardView(card), history: entries }
  },
  async history(input, ctx) {
    const card = await cardOf(ctx.store, requireOpenid(ctx), str(input, 'cardId', CARD_ID), str(input, 'code', CODE))
    return historyOf(ctx.store, card._id, optInt(input, 'offset', { min: 0 }) ?? 0, optInt(input, 'limit', { min: 1, max: 100 }) ?? 20)
  },
  async shop(_input, ctx) {
    return { items: await listOnSale(ctx.store) }
  },
})
