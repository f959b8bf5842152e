import { render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import MerchantHome from './index'

beforeEach(resetTaroStub)

test('admins see the overview; others see the refusal', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 0, cards: 2, shelves: 1, orders: 7 }))
  const { unmount } = render(<MerchantHome />)
  expect(await screen.findByText('Orders: 7')).toBeTruthy()
  unmount()
  cloudHandlers.set('merchant', () => ({ errcode: 1004, errmsg: 'merchant operations are allowed only for openids in MERCHANT_ADMIN_OPENIDS' }))
  render(<MerchantHome />)
  expect(await screen.findByText(/only for openids in MERCHANT_ADMIN_OPENIDS/)).toBeTruthy()
})
