import { render, screen } from '@testing-library/react'
import type { Card } from '../../services/types'
import { CardTile } from './index'

const base: Card = { cardId: 'p', code: '1', title: 'Gift', balance: 7000, status: 'NORMAL', beginTime: 0, endTime: 0 }

test.each([
  ['NORMAL', 'Active'],
  ['GIFTING', 'Being gifted'],
  ['CONSUMED', 'Used up'],
  ['EXPIRE', 'Expired'],
  ['DELETE', 'Deleted'],
] as const)('status %s reads as %s', (status, label) => {
  render(<CardTile card={{ ...base, status }} />)
  expect(screen.getByText(label)).toBeTruthy()
  expect(screen.getByText('¥70.00')).toBeTruthy()
})
