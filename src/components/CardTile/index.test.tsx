import { render, screen } from '@testing-library/react'
import type { Card } from '../../services/types'
import { CardTile } from './index'

const base: Card = {
  cardId: 'p',
  code: '1',
  title: '100元礼品卡',
  balance: 7000,
  status: 'NORMAL',
  beginTime: 0,
  endTime: 0,
  backgroundPicUrl: 'http://cdn/face.png',
}

test.each([
  ['NORMAL', '可使用'],
  ['GIFTING', '赠送中'],
  ['CONSUMED', '已用完'],
  ['EXPIRE', '已过期'],
  ['GIFTED', '已赠送'],
  ['DELETE', '已移出卡包'],
] as const)('status %s reads as %s, with the face and the balance in yuan', (status, label) => {
  render(<CardTile card={{ ...base, status }} />)
  expect(screen.getByText(label)).toBeTruthy()
  expect(screen.getByText('¥70.00')).toBeTruthy()
  expect(document.querySelector('img')!.getAttribute('src')).toBe('http://cdn/face.png')
})

test('a card received as a gift names its giver', () => {
  render(<CardTile card={{ ...base, giftFrom: '爱丽丝' }} />)
  expect(screen.getByText('来自 爱丽丝 的礼物')).toBeTruthy()
})

test('value an unfinished checkout holds reads as 冻结 beside the balance left (issue 25 §7)', () => {
  render(<CardTile card={{ ...base, balance: 0, held: 4700 }} />)
  expect(screen.getByText('¥0.00')).toBeTruthy()
  expect(screen.getByText('冻结 ¥47.00（支付中）')).toBeTruthy()
})
