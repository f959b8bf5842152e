// What makes a card spendable (spend-keys.ts): NORMAL in our record, inside its validity dates, and —
// asked on every spend — NORMAL and still the holder's in WeChat (issue 25 §1: a code given away in the
// card bag while both pushes were lost is known only to WeChat).
import { AppError, ErrCode } from '../../errors'
import type { WechatClient } from '../../wechat/client'
import { WxApiError } from '../../wechat/errors'
import type { UserCardDoc } from '../cards/user-cards'
import type { UserCardStatus } from '../../../contract/card-view'

/**
 * WeChat's refusals of card/code/get with check_consume, by the status they mean: friend-coupons.zh.txt's
 * code 错误码 table (lines 1443-1446) "40078该Code已经被删除或者转赠中", "40079卡券过期", "40099Code已经被核销",
 * "40127该Code已经被删除、置为失效或者转赠成功"; and card-api-guide.zh.txt line 386 "code未被添加或被转赠领取的情况
 * 则统一报错:invalid serial code" (40056): a code a friend accepted answers that.
 */
const REFUSAL_STATUS: Record<number, UserCardStatus> = {
  40078: 'GIFTING',
  40079: 'EXPIRE',
  40099: 'CONSUMED',
  40127: 'UNAVAILABLE',
  40056: 'GIFTED',
}

/** WeChat's answer for a code on this spend: spendable (held by `openid`), or the status that refuses it. */
export type Verdict = { ok: true; openid?: string } | { ok: false; status: UserCardStatus }

/**
 * Asks WeChat whether the code can be spent now (card/code/get with check_consume; card-api-guide.zh.txt
 * line 333: "开发者在调用核销code接口之前调用查询code接口,并在核销之前对非法状态的code(如转赠中、已删除、已核销等)
 * 做出处理"). The caller compares `openid` with its record: a custom code keeps its code when given.
 * No answer at all (WeChat down) throws: without WeChat's word a spend does not stand.
 */
export async function wechatVerdict(wx: WechatClient, cardId: string, code: string): Promise<Verdict> {
  try {
    const r = await wx.code.get({ card_id: cardId, code, check_consume: true })
    if (r.user_card_status !== 'NORMAL') return { ok: false, status: r.user_card_status }
    if (r.can_consume === false) return { ok: false, status: 'UNAVAILABLE' }
    return { ok: true, ...(r.openid ? { openid: r.openid } : {}) }
  } catch (err) {
    const status = err instanceof WxApiError ? REFUSAL_STATUS[err.errcode] : undefined
    if (status) return { ok: false, status }
    if (err instanceof WxApiError && /invalid serial code/.test(err.errmsg)) return { ok: false, status: 'GIFTED' }
    throw err
  }
}

export function refusedFor(status: string): AppError {
  return new AppError(ErrCode.CONFLICT, `the card cannot be spent: it is ${status}`)
}

/** The verdict for a card whose holder in WeChat we know: held by another openid is GIFTED. */
export function verdictFor(v: Verdict, saOpenid: string | undefined): Verdict {
  return v.ok && saOpenid && v.openid && v.openid !== saOpenid ? { ok: false, status: 'GIFTED' } : v
}

export function assertSpendable(card: UserCardDoc, nowSec: number): void {
  if (card.status !== 'NORMAL') throw refusedFor(card.status)
  if (card.beginTime && nowSec < card.beginTime) throw new AppError(ErrCode.CONFLICT, 'the card is not valid yet')
  if (card.endTime && nowSec > card.endTime) throw new AppError(ErrCode.CONFLICT, 'the card has expired')
}
