// gift: giving paid cards to a friend through a chat, or to a group chat (count > 1). Thin: read the caller from the context,
// validate input, call server/domain/gifts.
import { claimGift, getGift, listReceived, listSent, sendGift } from '../../server/domain/giftcards/gifts'
import { createHandler, requireOpenid } from '../../server/platform/handler'
import { gift as giftActions } from '../../contract/actions/gift'
import { clock } from '../../server/clock'

/** The share card a chat shows: WeChat cuts the title at about 30 characters. A group gift says how many, first come first served. */
function shareOf(gift: { giftId: string; from: string; title: string; face?: string; count: number }) {
  const title = gift.count > 1 ? `${gift.from}送大家${gift.count}张${gift.title}，先到先得` : `${gift.from}送你一张${gift.title}`
  return {
    title: title.slice(0, 30),
    path: `/pages/claim/index?giftId=${gift.giftId}`,
    ...(gift.face ? { imageUrl: gift.face } : {}),
  }
}

export const main = createHandler('gift', giftActions, {
  async send(input, ctx) {
    const { gift } = await sendGift(ctx.store, requireOpenid(ctx), input)
    return { giftId: gift.giftId, gift, share: shareOf(gift) }
  },
  async get(input, ctx) {
    const { gift } = await getGift(ctx.store, requireOpenid(ctx), input.giftId)
    return { gift, ...(gift.mine && gift.status === 'PENDING' ? { share: shareOf(gift) } : {}) }
  },
  async claim(input, ctx) {
    return claimGift(ctx.store, ctx.wx(), requireOpenid(ctx), input.giftId, clock.now(), input.renewTicket)
  },
  async listSent(_input, ctx) {
    return listSent(ctx.store, requireOpenid(ctx))
  },
  async listReceived(_input, ctx) {
    return listReceived(ctx.store, requireOpenid(ctx))
  },
})
