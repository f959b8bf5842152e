import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import MerchantHome from './index'

beforeEach(resetTaroStub)

test('admins see cards, shelves and orders in Chinese, and can refund', async () => {
  const refunded: unknown[] = []
  let state = 'PAY_DONE'
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'overview': return { errcode: 0, cards: 2, shelves: 1, orders: 1 }
      case 'cardList': return { errcode: 0, cards: [{ cardId: 'p100', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED' }] }
      case 'shelfList': return { errcode: 0, shelves: [{ pageId: 'pg', title: '礼品卡商城', link: 'https://mp.weixin.qq.com/bizmall/giftcard?page_id=pg', maintain: false }] }
      case 'orderList': return { errcode: 0, total: 1, orders: [{ orderId: 'O1', channel: 'shelf', state, totalPrice: 10000, cards: [{ cardId: 'p100', code: '123', price: 10000 }] }] }
      case 'orderRefund':
        refunded.push(d.orderId)
        state = 'REFUNDED'
        return { errcode: 0, state: 'REFUNDED' }
      default: return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<MerchantHome />)
  expect(await screen.findByText('礼品卡 2 种 · 货架 1 个 · 订单 1 笔')).toBeTruthy()
  expect(screen.getByText('¥100.00 · 在售 · 已通过')).toBeTruthy()
  fireEvent.click(screen.getByText('退款'))
  expect(await screen.findByText('已退款')).toBeTruthy()
  expect(refunded).toEqual(['O1'])
})

test('a person who is not an admin reads a sentence, not MERCHANT_ADMIN_OPENIDS', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 1004, errmsg: 'only MERCHANT_ADMIN_OPENIDS may do this' }))
  render(<MerchantHome />)
  expect(await screen.findByText('你没有商户管理权限')).toBeTruthy()
  expect(document.body.textContent).not.toContain('MERCHANT_ADMIN_OPENIDS')
})
