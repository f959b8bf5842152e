// What makes a card spendable, shared by both spend paths (spending.ts, spend-keys.ts): NORMAL as
// recently confirmed with WeChat, inside its validity dates.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import type { UserCardDoc, UserCardStatus } from '../cards/user-cards'
import { clock } from '../../clock'

/** How long our view of a code's status is trusted before asking WeChat again. */
export const STATUS_STALE_MS = 10 * 60_000

const STATUS_BY_ERRCODE: Record<number, UserCardStatus> = { 40099: 'CONSUMED', 40127: 'UNAVAILABLE', 40079: 'EXPIRE' }

/** The card's status, asking WeChat (card/code/get check_consume) when ours is stale; records what it learnt. */
export async function confirmStatus(store: Store, wx: WechatClient, card: UserCardDoc): Promise<UserCardStatus> {
  if (clock.now() - card.checkedAt < STATUS_STALE_MS) return card.status
  try {
    const res = await wx.code.get({ card_id: card.cardId, code: card.code, check_consume: true })
    await store.update(Collections.userCards, card._id, { status: res.user_card_status, checkedAt: clock.now() })
    return res.user_card_status
  } catch (err) {
    const guess = err instanceof WxApiError ? STATUS_BY_ERRCODE[err.errcode] : undefined
    if (!guess) throw err
    // check_consume refused it; 40127 covers several states, so read the exact one.
    const exact = await wx.code.get({ card_id: card.cardId, code: card.code }).then(
      (r) => r.user_card_status,
      () => guess,
    )
    await store.update(Collections.userCards, card._id, { status: exact, checkedAt: clock.now() })
    return exact
  }
}

export function assertSpendable(card: UserCardDoc, nowSec: number): void {
  if (card.status !== 'NORMAL') throw new AppError(ErrCode.CONFLICT, `the card cannot be spent: it is ${card.status}`)
  if (card.beginTime && nowSec < card.beginTime) throw new AppError(ErrCode.CONFLICT, 'the card is not valid yet')
  if (card.endTime && nowSec > card.endTime) throw new AppError(ErrCode.CONFLICT, 'the card has expired')
}
