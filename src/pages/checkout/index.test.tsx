import { render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../test/stubs/taro'
import Checkout from './index'

beforeEach(resetTaroStub)

test('offers only active cards to pay with', async () => {
  cloudHandlers.set('card', () => ({
    errcode: 0,
    cards: [
      { cardId: 'a', code: '1', title: 'Active one', balance: 5000, status: 'NORMAL', beginTime: 0, endTime: 0 },
      { cardId: 'b', code: '2', title: 'Gifted one', balance: 9000, status: 'GIFTING', beginTime: 0, endTime: 0 },
    ],
  }))
  render(<Checkout />)
  expect(await screen.findByText('Active one')).toBeTruthy()
  expect(screen.queryByText('Gifted one')).toBeNull()
})
