import { parseCron } from './cron'

const at = (iso: string) => new Date(iso)

test('every five minutes on the minute', () => {
  const c = parseCron('0 */5 * * * * *')
  expect(c.matches(at('2026-11-24T10:05:00'))).toBe(true)
  expect(c.matches(at('2026-11-24T10:05:01'))).toBe(false)
  expect(c.matches(at('2026-11-24T10:06:00'))).toBe(false)
})

test('lists, ranges, names', () => {
  const c = parseCron('30 0 2,14 * * MON-FRI *')
  expect(c.matches(at('2026-11-24T14:00:30'))).toBe(true) // a Tuesday
  expect(c.matches(at('2026-11-29T14:00:30'))).toBe(false) // a Sunday
  expect(parseCron('0 0 0 1 JAN * *').matches(at('2027-01-01T00:00:00'))).toBe(true)
})

test('malformed expressions are refused with the reason', () => {
  expect(() => parseCron('0 */5 * * * *')).toThrow(/7 cron fields/)
  expect(() => parseCron('0 61 * * * * *')).toThrow(/minute: 61/)
  expect(() => parseCron('0 0 0 1 * MON *')).toThrow(/may not both be set/)
  expect(() => parseCron('0 */0 * * * * *')).toThrow(/bad step/)
})
