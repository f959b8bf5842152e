// A CASH coupon as the merchant creates it (card/create), and a person claiming one in the Mini Program
// (card.claim → wx.addCard → card.recordAdded): what the 买单 journeys of issue 28 start from.
import type { Stack } from '../../emulator/stack'
import { person, type Json } from './stack'

/** The body of card/create for 满 leastCost 减 reduceCost (fen), valid 30 days from the claim. */
export function cashCoupon(title: string, leastCost: number, reduceCost: number, extra: Json = {}): Json {
  return {
    card_type: 'CASH',
    cash: {
      least_cost: leastCost,
      reduce_cost: reduceCost,
      base_info: {
        logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
        brand_name: '示例咖啡',
        code_type: 'CODE_TYPE_QRCODE',
        color: 'Color010',
        title,
        notice: '结账时使用',
        description: '不可与其他优惠同享',
        date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
        sku: { quantity: 1000 },
        ...extra,
      },
    },
  }
}

/** `name` claims the coupon and puts it in the card bag; answers the card as card.recordAdded records it. */
export async function claimCoupon(stack: Stack, name: string, cardId: string, requestId: string): Promise<Json> {
  const p = person(stack, name)
  const claimed = await p.fn('card', { action: 'claim', cardId, requestId })
  if (claimed.errcode !== 0) throw new Error(`claim: ${claimed.errmsg}`)
  const added = await p.emu('/__emu/client/addCard', { user: name, cardList: claimed.cardList })
  return (await p.fn('card', { action: 'recordAdded', cardList: added.json.cardList })).cards[0] as Json
}

/** A coupon of card-api-guide.zh.txt's shape for merchant.cardCreate: base_info common to every type, and the type's own fields. */
export function couponCard(type: string, fields: Json, base: Json = {}): Json {
  return {
    card_type: type,
    [type.toLowerCase()]: {
      base_info: {
        logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
        brand_name: '微信餐厅',
        code_type: 'CODE_TYPE_QRCODE',
        title: '满100减10',
        color: 'Color010',
        notice: '使用时向服务员出示此券',
        description: '不可与其他优惠同享',
        date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
        sku: { quantity: 100 },
        ...base,
      },
      ...fields,
    },
  }
}
