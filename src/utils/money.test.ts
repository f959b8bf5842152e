import { formatYuan, yuan } from './money'

test('fen to yuan, exactly', () => {
  expect(formatYuan(10000)).toBe('100.00')
  expect(formatYuan(7001)).toBe('70.01')
  expect(formatYuan(5)).toBe('0.05')
  expect(formatYuan(0)).toBe('0.00')
  expect(formatYuan(-3050)).toBe('-30.50')
})

test('refuses non-integers rather than rounding money', () => {
  expect(() => formatYuan(10.5)).toThrow(RangeError)
  expect(() => formatYuan(Number.NaN)).toThrow(RangeError)
})

test('prices read as ¥12.34', () => {
  expect(yuan(1234)).toBe('¥12.34')
  expect(yuan(-3050)).toBe('-¥30.50')
})
