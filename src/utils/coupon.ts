// How a coupon reads to a person: 减 ¥10 / 满 ¥100, 8.5 折, 兑换 音乐木盒一个 … (strings in zh-CN.ts).
import type { CouponTerms } from '../../contract/card-rules'
import type { Card, CardType } from '../services/types'
import { t } from '../strings'
import { yuan } from './money'

/** ¥10 rather than ¥10.00 when the amount is whole yuan. */
export function shortYuan(fen: number): string {
  return yuan(fen).replace(/\.00$/, '')
}

export const isCoupon = (type: CardType | undefined): boolean => !!type && type !== 'GIFT_CARD' && type !== 'MEMBER_CARD'

/** The big line on the coupon (减 ¥10, 8.5 折, 兑换 …) and its condition (满 ¥100, 无门槛). */
export function couponLines(type: CardType | undefined, terms: CouponTerms = {}): { main: string; condition?: string } {
  switch (type) {
    case 'CASH':
      return {
        main: t.coupon.cashOff(shortYuan(terms.reduceCost ?? 0)),
        condition: terms.leastCost ? t.coupon.cashLeast(shortYuan(terms.leastCost)) : t.coupon.noThreshold,
      }
    case 'DISCOUNT': {
      // discount is the percentage off ("填30就是七折"): 15 → 8.5 折.
      const tenths = 100 - (terms.discount ?? 0)
      return { main: t.coupon.discount(tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)) }
    }
    case 'GIFT':
      return { main: t.coupon.gift(terms.gift ?? '') }
    case 'GROUPON':
      return { main: t.coupon.groupon(terms.dealDetail ?? '') }
    case 'GENERAL_COUPON':
      return { main: t.coupon.general(terms.defaultDetail ?? '') }
    default:
      return { main: '' }
  }
}

/** 2026-12-31 from Unix seconds (China time). */
export function dateOf(sec: number): string {
  return new Date(sec * 1000 + 8 * 3600_000).toISOString().slice(0, 10)
}

/** Coupons that take money off an order (CASH, DISCOUNT) and are usable now. */
export function checkoutCoupons(cards: Card[]): Card[] {
  return cards.filter((c) => c.status === 'NORMAL' && (c.type === 'CASH' || c.type === 'DISCOUNT'))
}
