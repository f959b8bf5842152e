import type { Card } from '../services/types'
import { bagSummary, isUsable, shownStatus } from './card-status'

const card = (over: Partial<Card>): Card => ({
  cardId: 'p',
  code: '1',
  title: 't',
  balance: 1000,
  status: 'NORMAL',
  beginTime: 0,
  endTime: 0,
  ...over,
})

test('a gift card at ¥0.00 reads 已用完 (CONSUMED) and is not usable; with money held by a checkout it still is', () => {
  expect(shownStatus(card({ balance: 0 }))).toBe('CONSUMED')
  expect(shownStatus(card({ balance: 0, type: 'GIFT_CARD' }))).toBe('CONSUMED')
  expect(isUsable(card({ balance: 0 }))).toBe(false)
  expect(shownStatus(card({ balance: 0, held: 500 }))).toBe('NORMAL')
  expect(shownStatus(card({ balance: 1 }))).toBe('NORMAL')
  expect(shownStatus(card({ balance: 0, status: 'GIFTED' }))).toBe('GIFTED')
})

test('coupons and member cards keep their own status whatever their balance', () => {
  expect(shownStatus(card({ balance: 0, type: 'CASH' }))).toBe('NORMAL')
  expect(shownStatus(card({ balance: 0, type: 'MEMBER_CARD' }))).toBe('NORMAL')
})

test('the summary: gift cards’ balance and count; coupons counted apart', () => {
  const usable = [card({ balance: 3000 }), card({ balance: 2500, code: '2' }), card({ type: 'CASH', balance: 0, code: '3' })]
  expect(bagSummary(usable)).toEqual({ balance: 5500, cards: 2, coupons: 1 })
  expect(bagSummary([])).toEqual({ balance: 0, cards: 0, coupons: 0 })
})
