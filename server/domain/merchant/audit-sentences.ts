// The audit log as the console reads it (issue 28): one sentence in Chinese per entry about titles and
// amounts (新建优惠券「满100减20」, 退款 ¥200.00), the people by name (people.ts), a picture as a picture.
// Entries written before their facts were kept are told from their target: a card id becomes the
// card's title and kind from our catalogue, a person's openid a name. No answer carries an openid.
import type { AuditView } from '../../../contract/audit-view'
import { formatFen } from '../../../contract/money'
import { Collections } from '../../store/collections'
import { where, type Store, type StoredDoc } from '../../store/port'
import type { PageKey, PageRequest } from '../../store/pages'
import { namesOf, type NameOf } from '../cards/people'
import { listAudit, type AuditEntry, type AuditFacts } from './audit'

type Kind = NonNullable<AuditFacts['kind']>
interface Card {
  title: string
  kind: Kind
}

const KIND_NAME: Record<Kind, string> = { giftCard: '礼品卡', coupon: '优惠券', memberCard: '会员卡', shelf: '货架' }
const ROLE_NAME: Record<string, string> = { admin: '管理员', staff: '店员' }

/** Actions whose target is a card id, or `cardId:code`. */
const CARD_TARGETS = new Set([
  'cardCreate',
  'cardUpdate',
  'cardStock',
  'cardAdjust',
  'cardFreeze',
  'cardOffSale',
  'claimableSet',
  'redeem',
  'coinsPrice',
  'coinsConfirm',
  'memberCardCreate',
  'memberCardUpdate',
  'memberFormSet',
  'memberAdjust',
  'memberSetLevel',
])
/** Actions whose target is a person (an openid in entries written before facts). */
const PERSON_TARGETS = new Set(['staffSet', 'staffAccept'])

const cardIdOf = (e: AuditEntry) => (CARD_TARGETS.has(e.action) ? (e.target.split(':')[0] ?? '') : '')
/** A card's code as the console shows it: its last four digits. */
const codeTail = (e: AuditEntry) => {
  const code = e.target.split(':')[1]
  return code ? `（尾号${code.slice(-4)}）` : ''
}
const yuan = (fen: number) => `¥${formatFen(fen)}`
const signed = (fen: number) => `${fen > 0 ? '+' : '-'}${yuan(Math.abs(fen))}`
const quote = (t: string | undefined) => (t ? `「${t}」` : '')

/**
 * What a card being created tells its log entry (merchant.cardCreate, memberCardCreate): its title, its
 * kind (a member card, a gift card, else a coupon of one of WeChat's coupon types) and its face.
 */
export function cardFacts(card: unknown): AuditFacts {
  const c = (card ?? {}) as Record<string, unknown>
  const type = typeof c.card_type === 'string' ? c.card_type : ''
  const body = (c[type.toLowerCase()] ?? {}) as {
    sub_card_type?: string
    background_pic_url?: string
    base_info?: { title?: string; logo_url?: string }
  }
  const kind: Kind = type === 'MEMBER_CARD' ? 'memberCard' : body.sub_card_type === 'GIFT_CARD' ? 'giftCard' : 'coupon'
  const image = body.background_pic_url ?? body.base_info?.logo_url
  return { kind, ...(body.base_info?.title ? { title: body.base_info.title } : {}), ...(image ? { image } : {}) }
}

/** Our catalogue's titles and kinds of the cards these entries name: three queries. */
async function cardsOf(store: Store, ids: string[]): Promise<Map<string, Card>> {
  const out = new Map<string, Card>()
  if (!ids.length) return out
  const q = (c: string) => store.find<StoredDoc & { title?: string }>(c, { _id: where.in(ids) }, { limit: ids.length })
  const [gifts, coupons, members] = await Promise.all([q(Collections.giftCards), q(Collections.coupons), q(Collections.memberCards)])
  for (const [docs, kind] of [
    [gifts, 'giftCard'],
    [coupons, 'coupon'],
    [members, 'memberCard'],
  ] as const)
    for (const d of docs) out.set(d._id, { title: d.title ?? '', kind })
  return out
}

/** The reason the merchant typed, after the sentence. */
const because = (reason: string | undefined) => (reason ? `，原因：${reason}` : '')

/** One entry's sentence. */
export function sentenceOf(e: AuditEntry, card: Card | undefined, nameOf: NameOf): string {
  const f = e.facts ?? {}
  const kind = f.kind ?? card?.kind
  const title = quote(f.title ?? card?.title)
  const what = `${kind ? KIND_NAME[kind] : '卡券'}${title}`
  switch (e.action) {
    case 'cardCreate':
    case 'memberCardCreate':
      return `新建${e.action === 'memberCardCreate' ? '会员卡' + title : what}`
    case 'cardUpdate':
    case 'memberCardUpdate':
      return `修改${e.action === 'memberCardUpdate' ? '会员卡' + title : what}`
    case 'cardStock':
      return f.count !== undefined ? `${what}库存${f.count >= 0 ? '增加' : '减少'} ${Math.abs(f.count)} 份` : `修改${what}的库存`
    case 'cardAdjust':
      // The entry's reason is `<fen> fen: <the merchant's words>`.
      return `调整${what}${codeTail(e)}余额${f.amount !== undefined ? ` ${signed(f.amount)}` : ''}${because(e.reason?.replace(/^-?\d+ fen: /, ''))}`
    case 'cardFreeze':
      return `冻结${what}${codeTail(e)}${because(e.reason)}`
    case 'cardOffSale':
      return `${what}停售`
    case 'claimableSet':
      return e.reason?.startsWith('claimable false') ? `${what}从领券中心撤下` : `${what}放入领券中心`
    case 'redeem':
      return `核销${what}${codeTail(e)}${f.amount !== undefined ? ` ${yuan(f.amount)}` : ''}${f.location ? `，地点：${f.location}` : ''}`
    case 'coinsActivate':
      return '开通券点账户'
    case 'coinsPrice':
      return `为${what}询价${f.count !== undefined ? ` ${f.count} 份` : ''}`
    case 'coinsConfirm':
      return `${what}增加库存${f.count !== undefined ? ` ${f.count} 份` : ''}`
    case 'coinsRecharge':
      return `充值券点${f.count !== undefined ? ` ${f.count} 个` : ''}`
    case 'memberFormSet':
      return `设置会员卡${title}的开卡表单`
    case 'memberAdjust':
      // The entry's reason is `points <n>, fen <n>: <the merchant's words>`.
      return `调整会员卡${title}${codeTail(e)}的积分或储值${because(e.reason?.replace(/^points .*?: /, ''))}`
    case 'memberSetLevel':
      return `设置会员卡${title}${codeTail(e)}的会员等级`
    case 'payGiftRuleAdd':
      return '新建支付即会员规则'
    case 'payGiftRuleDelete':
      return '删除支付即会员规则'
    case 'shelfCreate':
      return `新建货架${quote(f.title)}`
    case 'shelfUpdate':
      return `修改货架${quote(f.title)}`
    case 'shelfTakedown':
      return e.target === 'all' ? '下架全部货架' : `下架货架${quote(f.title)}`
    case 'qrcodeCreate':
      return `生成投放二维码${title ? `：${what}` : ''}`
    case 'imageUpload':
      return '上传图片'
    case 'orderRefund':
      return `订单 ${e.target} 退款${f.amount !== undefined ? ` ${yuan(f.amount)}` : ''}${because(e.reason)}`
    case 'orderReconcile':
      return '对账货架订单'
    case 'staffSet': {
      const who = nameOf(f.person ?? e.target)
      const role = f.role !== undefined ? f.role : (e.reason?.replace(/^role /, '') ?? '')
      return role && ROLE_NAME[role] ? `设 ${who} 为${ROLE_NAME[role]}` : `取消 ${who} 的员工权限`
    }
    case 'staffInvite':
      return `生成${ROLE_NAME[f.role ?? 'staff'] ?? '店员'}邀请（10 分钟内有效）`
    case 'staffAccept':
      return `${nameOf(f.person ?? e.target)} 扫码加入，成为${ROLE_NAME[f.role ?? 'staff'] ?? '店员'}`
    case 'whitelistSet':
      return '设置测试白名单'
    case 'invoiceSet':
      return '设置开票信息'
    case 'payWhitelistAdd':
      return '开通礼品卡支付'
    case 'submchBind':
      return '绑定子商户'
    case 'wxaSet':
      return '设置货架的小程序'
    default:
      return '其他操作'
  }
}

/** A page of the log as the console reads it. */
export async function auditPage(store: Store, page: PageRequest): Promise<{ entries: AuditView[]; total: number; next?: PageKey }> {
  const { entries, total, next } = await listAudit(store, page)
  const people = entries.flatMap((e) => [e.openid, e.facts?.person ?? (PERSON_TARGETS.has(e.action) ? e.target : undefined)])
  const [nameOf, cards] = await Promise.all([namesOf(store, people), cardsOf(store, [...new Set(entries.map(cardIdOf).filter(Boolean))])])
  const views = entries.map((e): AuditView => {
    const image = e.facts?.image ?? (e.action === 'imageUpload' ? e.target : undefined)
    return {
      at: e.at,
      action: e.action,
      by: nameOf(e.openid),
      text: sentenceOf(e, cards.get(cardIdOf(e)), nameOf),
      ...(image ? { image } : {}),
      target: PERSON_TARGETS.has(e.action) ? nameOf(e.facts?.person ?? e.target) : e.target,
      ...(e.reason ? { reason: e.reason } : {}),
    }
  })
  return { entries: views, total, ...(next ? { next } : {}) }
}
