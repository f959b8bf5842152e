// contract/money.ts checkoutLegs: the coupon first, then the card for what is left, WeChat Pay the remainder
// (issue 28). One rule for the checkout page's split and pay.startCheckout's legs; every fen accounted for.
import { checkoutLegs } from '../../contract/money'

test('the coupon comes off first, then the card pays what it holds of the rest, WeChat Pay what remains', () => {
  expect(checkoutLegs(12000, 1000, 5000)).toEqual({ discount: 1000, card: 5000, wechat: 6000 })
  expect(checkoutLegs(30000, 1000, 10000)).toEqual({ discount: 1000, card: 10000, wechat: 19000 })
})

test('a card that covers the rest after the coupon leaves nothing for WeChat Pay (no WeChat Pay order)', () => {
  expect(checkoutLegs(10500, 1000, 10000)).toEqual({ discount: 1000, card: 9500, wechat: 0 })
  expect(checkoutLegs(10000, 1000, 9000)).toEqual({ discount: 1000, card: 9000, wechat: 0 })
})

test('without a coupon or a card; never a negative leg', () => {
  expect(checkoutLegs(4000, 0, 10000)).toEqual({ discount: 0, card: 4000, wechat: 0 })
  expect(checkoutLegs(4000, 500, 0)).toEqual({ discount: 500, card: 0, wechat: 3500 })
  expect(checkoutLegs(4000, 0, -5)).toEqual({ discount: 0, card: 0, wechat: 4000 })
  expect(checkoutLegs(300, 500, 100)).toEqual({ discount: 300, card: 0, wechat: 0 })
})

test('the legs always add up to the total, to the fen', () => {
  for (const [total, discount, balance] of [
    [1, 0, 0],
    [9999, 1499, 3333],
    [100_000_000, 1, 99_999_998],
    [8500, 1275, 7225],
  ] as const) {
    const l = checkoutLegs(total, discount, balance)
    expect(l.discount + l.card + l.wechat).toBe(total)
  }
})
