import { beijingDate, beijingDateTime, beijingTime } from './time'

test('Beijing time, whatever the phone’s zone: 16:30 UTC is 00:30 the next day in Beijing', () => {
  const ms = Date.UTC(2026, 10, 27, 16, 30)
  expect(beijingDateTime(ms)).toBe('2026-11-28 00:30')
  expect(beijingTime(ms)).toBe('00:30')
  expect(beijingDate(ms / 1000)).toBe('2026-11-28')
  expect(beijingDate(0)).toBe('—')
})
