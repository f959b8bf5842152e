// What the sync (balance-sync.ts) sends for a member card: card/membercard/updateuser with the FULL
// points and stored value (never add_bonus/add_balance: a retried add would count twice), the level in
// custom_field_value1 when the card shows levels there, and the last change's line in the history.
// WeChat answers result_bonus / result_balance, which must equal what we sent.
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { WechatClient } from '../../wechat/client'
import type { MemberUpdateUserRequest } from '../../wechat/member-card'
import { memberCardDef } from '../catalog/member-cards'
import type { PointsEntryDoc } from '../ledgers/member-points'
import { formatFen } from '../../../contract/money'
import { toMemberView, type MemberDoc } from '../cards/member-records'
import type { UserCardDoc } from '../cards/user-cards'

function balanceLine(last: { kind: string; amount: number } | undefined, balance: number): string {
  if (!last) return `余额${formatFen(balance)}元`
  const yuan = formatFen(Math.abs(last.amount))
  switch (last.kind) {
    case 'recharge':
      return `充值${yuan}元`
    case 'spend':
      return `消费${yuan}元`
    case 'reversal':
      return `退回${yuan}元`
    case 'adjust':
      return `${last.amount >= 0 ? '调增' : '调减'}${yuan}元`
    default:
      return `余额${formatFen(balance)}元`
  }
}

function bonusLine(last: PointsEntryDoc | undefined, bonus: number): string {
  if (!last) return `积分${bonus}`
  const n = Math.abs(last.amount)
  switch (last.kind) {
    case 'activate':
      return `开卡送${n}积分`
    case 'earn':
      return `消费得${n}积分`
    case 'adjust':
      return `${last.amount >= 0 ? '调增' : '调减'}${n}积分`
    default:
      return `积分${bonus}`
  }
}

export async function pushMemberValues(store: Store, wx: WechatClient, card: UserCardDoc): Promise<void> {
  const [def, m, [lastMoney], [lastPoints]] = await Promise.all([
    memberCardDef(store, card.cardId),
    store.get<MemberDoc>(Collections.members, card._id),
    store.find<{ _id: string; kind: string; amount: number }>(
      Collections.ledger,
      { card: card._id },
      { orderBy: { field: 'version', direction: 'desc' }, limit: 1 },
    ),
    store.find<PointsEntryDoc>(
      Collections.pointsLedger,
      { card: card._id },
      { orderBy: { field: 'version', direction: 'desc' }, limit: 1 },
    ),
  ])
  const bonus = card.bonus ?? 0
  const req: MemberUpdateUserRequest = { card_id: card.cardId, code: card.code }
  // WeChat refuses points on a card without supply_bonus and stored value without supply_balance.
  if (def?.supplyBonus) Object.assign(req, { bonus, record_bonus: bonusLine(lastPoints, bonus) })
  if (def?.supplyBalance) Object.assign(req, { balance: card.balance, record_balance: balanceLine(lastMoney, card.balance) })
  const level = def?.levels.length ? toMemberView(def, card, m).level : ''
  if (level) req.custom_field_value1 = level
  if (req.bonus === undefined && req.balance === undefined && !req.custom_field_value1) return
  const res = await wx.memberCard.memberCardUpdateUser(req)
  if (req.bonus !== undefined && res.result_bonus !== bonus)
    throw new Error(`WeChat shows ${res.result_bonus} points after setting ${bonus}`)
  if (req.balance !== undefined && res.result_balance !== card.balance)
    throw new Error(`WeChat shows ${res.result_balance} fen after setting ${card.balance}`)
}
