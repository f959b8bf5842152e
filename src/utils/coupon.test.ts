import { checkoutCoupons, couponLines, shortYuan } from './coupon'

test('a coupon reads as what it offers: 减 ¥10 · 满 ¥100, 无门槛, 8.5 折, 7 折, 兑换 …', () => {
  expect(couponLines('CASH', { leastCost: 10000, reduceCost: 1000 })).toEqual({ main: '减 ¥10', condition: '满 ¥100' })
  expect(couponLines('CASH', { leastCost: 0, reduceCost: 550 })).toEqual({ main: '减 ¥5.50', condition: '无门槛' })
  // discount is the percentage off: "填30就是七折".
  expect(couponLines('DISCOUNT', { discount: 15 }).main).toBe('8.5 折')
  expect(couponLines('DISCOUNT', { discount: 30 }).main).toBe('7 折')
  expect(couponLines('GIFT', { gift: '音乐木盒一个' }).main).toBe('兑换 音乐木盒一个')
  expect(couponLines('GROUPON', { dealDetail: '双人套餐' }).main).toBe('团购 双人套餐')
  expect(couponLines('GENERAL_COUPON', { defaultDetail: '饮品第二杯半价' }).main).toBe('优惠 饮品第二杯半价')
  expect(shortYuan(12345)).toBe('¥123.45')
})

test('only usable CASH and DISCOUNT coupons are offered at checkout', () => {
  const base = { code: '1', title: 't', balance: 0, beginTime: 0, endTime: 0 }
  const cards = [
    { ...base, cardId: 'a', type: 'CASH' as const, status: 'NORMAL' as const },
    { ...base, cardId: 'b', type: 'DISCOUNT' as const, status: 'CONSUMED' as const },
    { ...base, cardId: 'c', type: 'GIFT' as const, status: 'NORMAL' as const },
    { ...base, cardId: 'd', type: 'GIFT_CARD' as const, status: 'NORMAL' as const, balance: 100 },
  ]
  expect(checkoutCoupons(cards).map((c) => c.cardId)).toEqual(['a'])
})
