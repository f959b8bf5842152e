// Member cards: join (member.join → wx.addCard → card.recordAdded), check the activation form, and
// recharge (member.recharge → wx.requestPayment → wait until the stored value is credited).
import { cardApi, memberApi } from '../services/api'
import type { Card } from '../services/types'
import { addCard, requestPayment } from '../services/wx'
import { newRequestId } from './purchase'

/** Joins: the card signed for the caller goes into the card bag and is recorded; its code is returned. */
export async function joinMemberCard(cardId: string): Promise<{ cardId: string; code: string }> {
  const { cardList } = await memberApi.join(cardId)
  const added = await addCard(cardList)
  const { cards } = await cardApi.recordAdded(added)
  const card = cards[0]
  if (!card) throw new Error('member card not recorded')
  return { cardId: card.cardId, code: card.code }
}

export interface ActivationForm {
  phone: string
  name: string
  birthday: string
}

export type FormProblem = 'phone' | 'name' | 'birthday'

/** The same rules as the server's (member.activate): what is wrong, field by field. */
export function checkActivationForm(f: ActivationForm, asks: string[], today = new Date()): FormProblem[] {
  const problems: FormProblem[] = []
  if (!/^1[3-9]\d{9}$/.test(f.phone.trim())) problems.push('phone')
  const name = f.name.trim()
  if ((asks.includes('name') || name) && (name.length < 1 || name.length > 20 || /[\d<>]/.test(name))) problems.push('name')
  const b = f.birthday.trim()
  if (asks.includes('birthday') || b) {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(b) ? Date.parse(`${b}T00:00:00Z`) : NaN
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== b || t > today.getTime() || Number(b.slice(0, 4)) < 1900)
      problems.push('birthday')
  }
  return problems
}

export type RechargeStep = 'ordering' | 'paying' | 'crediting'

/** Recharges `amount` fen; resolves once the stored value is credited (or the wait runs out: 'pending'). */
export async function recharge(
  card: { cardId: string; code: string },
  amount: number,
  onStep: (s: RechargeStep) => void,
  requestId = newRequestId(),
): Promise<'credited' | 'pending'> {
  onStep('ordering')
  const order = await memberApi.recharge({ cardId: card.cardId, code: card.code, amount, requestId })
  if (order.status === 'CREATED' && order.payment) {
    onStep('paying')
    await requestPayment(order.payment)
  }
  onStep('crediting')
  for (let i = 0; i < 10; i++) {
    const { recharge: r } = await memberApi.getRecharge(order.orderId)
    if (r.status === 'CREDITED') return 'credited'
    await new Promise((ok) => setTimeout(ok, 500))
  }
  return 'pending'
}

/**
 * Member cards whose stored value can pay at checkout (activated, with a balance), in the shape the
 * checkout's card list takes: stored value is spent like a gift card's balance (card.spend /
 * pay.startCheckout), and earns points by the card's rule.
 */
export async function payableMemberCards(): Promise<Card[]> {
  const { members } = await memberApi.mine()
  return members
    .filter((m) => m.activated && m.supplyBalance && m.balance > 0 && m.status === 'NORMAL')
    .map((m) => ({
      cardId: m.cardId,
      code: m.code,
      title: m.level ? `${m.title} · ${m.level}` : m.title,
      balance: m.balance,
      status: 'NORMAL',
      beginTime: 0,
      endTime: 0,
      ...(m.backgroundPicUrl ? { backgroundPicUrl: m.backgroundPicUrl } : {}),
    }))
}
