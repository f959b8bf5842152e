import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import MerchantHome from './index'

beforeEach(resetTaroStub)

test('admins see cards, shelves and orders with their cards, and can refund', async () => {
  const refunded: unknown[] = []
  let state = 'ACCEPTED'
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'overview': return { errcode: 0, cards: 2, shelves: 1, orders: 1 }
      case 'cardList': return { errcode: 0, cards: [{ cardId: 'p100', title: '100 yuan card', price: 10000, onSale: true, reviewStatus: 'APPROVED' }] }
      case 'shelfList': return { errcode: 0, shelves: [{ pageId: 'pg', title: 'Gift shop', link: 'https://mp.weixin.qq.com/bizmall/giftcard?page_id=pg', maintain: false }] }
      case 'orderList': return { errcode: 0, total: 1, orders: [{ orderId: 'O1', channel: 'shelf', state, totalPrice: 10000, cards: [{ cardId: 'p100', code: '123', price: 10000 }] }] }
      case 'orderRefund':
        refunded.push(d.orderId)
        state = 'REFUNDED'
        return { errcode: 0, state: 'REFUNDED' }
      default: return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<MerchantHome />)
  expect(await screen.findByText('Gift cards: 2 · Shelves: 1 · Orders: 1')).toBeTruthy()
  expect(screen.getByText('p100 #123 ¥100.00')).toBeTruthy()
  fireEvent.click(screen.getByText('Refund'))
  expect(await screen.findByText('Order O1 refunded')).toBeTruthy()
  expect(refunded).toEqual(['O1'])
  expect(await screen.findByText('货架 · ¥100.00 · REFUNDED')).toBeTruthy()
})

test('everyone else sees the refusal', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 1004, errmsg: 'merchant operations are allowed only for openids in MERCHANT_ADMIN_OPENIDS' }))
  render(<MerchantHome />)
  expect(await screen.findByText(/only for openids in MERCHANT_ADMIN_OPENIDS/)).toBeTruthy()
})
