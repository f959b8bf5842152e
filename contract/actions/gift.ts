// The gift function's actions (docs/functions-api.md, gift): giving a paid card to a friend in a chat.
import * as v from 'valibot'
import type { Gift } from '../gift'
import { defineActions } from './define'
import { ID, int, NONE, RENEW_TICKET, str, typed } from './fields'
import { MAX_QUANTITY } from './pay'
import { cardToAdd, share } from './views'

/** Gift ids are random (the link is the only thing a friend has): GF + 24 hex digits. */
export const GIFT_ID = /^GF[0-9a-f]{24}$/
const giftId = str({ max: 26, pattern: GIFT_ID })
const gifts = v.object({ gifts: v.array(typed<Gift>()) })

export const gift = defineActions('gift', {
  send: {
    input: v.object({
      orderId: str({ max: 64, pattern: ID }),
      message: v.optional(str({ max: 100 })),
      face: v.optional(str({ max: 512, pattern: /^https?:\/\// })),
      from: v.optional(str({ max: 12 })),
      // a group gift (issue 28): N of the order's cards as one gift, claimed one each by the first N friends
      count: v.optional(int({ min: 1, max: MAX_QUANTITY })),
    }),
    answer: v.object({ giftId: v.string(), gift: typed<Gift>(), share }),
  },
  get: { input: v.object({ giftId }), answer: v.object({ gift: typed<Gift>(), share: v.optional(share) }) },
  claim: {
    input: v.object({ giftId, renewTicket: RENEW_TICKET }),
    answer: v.object({ giftId: v.string(), cardList: v.array(cardToAdd) }),
  },
  listSent: { input: NONE, answer: gifts },
  listReceived: { input: NONE, answer: gifts },
})
