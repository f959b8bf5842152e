import { render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../test/stubs/taro'
import Shop from './index'

beforeEach(resetTaroStub)

test('lists what is on sale with prices in yuan', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items: [{ cardId: 'p100', title: '100 yuan card', price: 10000 }, { cardId: 'p500', title: '500 yuan card', price: 50000 }] }))
  render(<Shop />)
  expect(await screen.findByText('¥500.00')).toBeTruthy()
  expect(screen.getByText('100 yuan card')).toBeTruthy()
})

test('empty shelf and unreachable cloud', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items: [] }))
  const { unmount } = render(<Shop />)
  expect(await screen.findByText('Nothing on sale yet.')).toBeTruthy()
  unmount()
  cloudHandlers.set('card', () => {
    throw new Error('network down')
  })
  render(<Shop />)
  expect(await screen.findByText(/could not reach the cloud function: network down/)).toBeTruthy()
})
