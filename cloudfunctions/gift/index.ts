// gift: giving a paid card to a friend through a chat. Thin: read the caller from the context,
// validate input, call server/domain/gifts.
import { claimGift, getGift, GIFT_ID, listReceived, listSent, sendGift } from '../../server/domain/giftcards/gifts'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { optBool, optStr, str } from '../../server/validate'
import { clock } from '../../server/clock'

const ORDER_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const GIFT = { max: 26, pattern: GIFT_ID }

/** The share card a chat shows: WeChat cuts the title at about 30 characters. */
function shareOf(gift: { giftId: string; from: string; title: string; face?: string }) {
  return {
    title: `${gift.from}送你一张${gift.title}`.slice(0, 30),
    path: `/pages/claim/index?giftId=${gift.giftId}`,
    ...(gift.face ? { imageUrl: gift.face } : {}),
  }
}

export const main = createHandler('gift', {
  async send(input, ctx) {
    const { gift } = await sendGift(ctx.store, requireOpenid(ctx), {
      orderId: str(input, 'orderId', ORDER_ID),
      message: optStr(input, 'message', { max: 100 }),
      face: optStr(input, 'face', { max: 512, pattern: /^https?:\/\// }),
      from: optStr(input, 'from', { max: 12 }),
    })
    return { giftId: gift.giftId, gift, share: shareOf(gift) }
  },
  async get(input, ctx) {
    const { gift } = await getGift(ctx.store, requireOpenid(ctx), str(input, 'giftId', GIFT))
    return { gift, ...(gift.mine && gift.status === 'PENDING' ? { share: shareOf(gift) } : {}) }
  },
  async claim(input, ctx) {
    return claimGift(ctx.store, ctx.wx(), requireOpenid(ctx), str(input, 'giftId', GIFT), clock.now(), optBool(input, 'renewTicket'))
  },
  async listSent(_input, ctx) {
    return listSent(ctx.store, requireOpenid(ctx))
  },
  async listReceived(_input, ctx) {
    return listReceived(ctx.store, requireOpenid(ctx))
  },
})
