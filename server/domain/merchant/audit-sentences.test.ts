// The audit log's sentences (issue 28), entries written before facts were kept included: a card id is
// told as its title and kind from the catalogue, a person's openid as a name, a flag as words.
import { sentenceOf } from './audit-sentences'

const nameOf = (openid: string | undefined) => (openid === 'oBob' ? '王小波' : '顾客·7F3A')
const at = 1764200000000
const coupon = { title: '满100减20', kind: 'coupon' as const }

test.each([
  // Written before issue 28: no facts, the kind and title from the catalogue.
  [{ action: 'cardCreate', target: 'pCASH' }, coupon, '新建优惠券「满100减20」'],
  [{ action: 'cardCreate', target: 'pMEM' }, { title: '星河会员卡', kind: 'memberCard' as const }, '新建会员卡「星河会员卡」'],
  [{ action: 'claimableSet', target: 'pCASH', reason: 'claimable true' }, coupon, '优惠券「满100减20」放入领券中心'],
  [{ action: 'claimableSet', target: 'pCASH', reason: 'claimable false' }, coupon, '优惠券「满100减20」从领券中心撤下'],
  [{ action: 'staffSet', target: 'oBob', reason: 'role staff' }, undefined, '设 王小波 为店员'],
  [{ action: 'staffSet', target: 'oBob', reason: 'role null' }, undefined, '取消 王小波 的员工权限'],
  [
    { action: 'cardFreeze', target: 'pGIFT:800000001234', reason: '挂失' },
    { title: '中秋礼品卡', kind: 'giftCard' as const },
    '冻结礼品卡「中秋礼品卡」（尾号1234），原因：挂失',
  ],
  // Written since: the facts the action knew.
  [{ action: 'cardCreate', target: 'pNEW', facts: { title: '满100减20', kind: 'coupon' as const } }, undefined, '新建优惠券「满100减20」'],
  [{ action: 'cardStock', target: 'pCASH', reason: 'stock -5', facts: { count: -5 } }, coupon, '优惠券「满100减20」库存减少 5 份'],
  [{ action: 'orderRefund', target: 'MP1', reason: '买错了', facts: { amount: 20000 } }, undefined, '订单 MP1 退款 ¥200.00，原因：买错了'],
  [
    { action: 'cardAdjust', target: 'pGIFT:800000001234', reason: '-150 fen: 补偿', facts: { amount: -150 } },
    { title: '中秋礼品卡', kind: 'giftCard' as const },
    '调整礼品卡「中秋礼品卡」（尾号1234）余额 -¥1.50，原因：补偿',
  ],
  [{ action: 'staffAccept', target: 'oBob', facts: { person: 'oBob', role: 'admin' } }, undefined, '王小波 扫码加入，成为管理员'],
  [{ action: 'imageUpload', target: 'https://cdn/x.png' }, undefined, '上传图片'],
  [{ action: 'someFutureAction', target: 'x' }, undefined, '其他操作'],
])('%j told as a sentence', (entry, card, sentence) => {
  expect(sentenceOf({ at, openid: 'oCarol', ...entry }, card, nameOf)).toBe(sentence)
})
