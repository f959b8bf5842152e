import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams } from '../../../test/stubs/taro'
import OrderDetail from './index'

beforeEach(resetTaroStub)

// gift-card-api §14.2: "the jump brings in order_id and openid in the GET parameter", e.g.
// https://mp.weixin.qq.com/?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w
test('a cell jump with order_id and openid shows that order', async () => {
  setRouterParams({ order_id: 'Z2y2rY4UxUZYitvVGA', openid: 'oAAAAAKe1ri5AAaAiB50-Ak6Vs1w' })
  const seen: unknown[] = []
  cloudHandlers.set('card', (d) => {
    seen.push(d)
    return {
      errcode: 0,
      order: {
        orderId: 'Z2y2rY4UxUZYitvVGA',
        state: 'ACCEPTED',
        totalPrice: 10000,
        createTime: 1,
        isChatRoom: false,
        cards: [{ cardId: 'p100', code: '42', price: 10000, title: '100元礼品卡', balance: 7000, status: 'NORMAL' }],
      },
    }
  })
  render(<OrderDetail />)
  expect(await screen.findByText('订单 Z2y2rY4UxUZYitvVGA')).toBeTruthy()
  expect(screen.getByText('已领取')).toBeTruthy()
  expect(screen.getByText('卡号 42 · 面值 ¥100.00 · 余额 ¥70.00')).toBeTruthy()
  expect(seen).toEqual([{ action: 'shelfOrder', orderId: 'Z2y2rY4UxUZYitvVGA', openid: 'oAAAAAKe1ri5AAaAiB50-Ak6Vs1w' }])
})

test('a link without order_id says so instead of calling the cloud', async () => {
  setRouterParams({})
  render(<OrderDetail />)
  expect(await screen.findByText('链接中缺少订单号，请从订单页重新打开')).toBeTruthy()
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})

test('an order that is not the caller’s shows the refusal', async () => {
  setRouterParams({ order_id: 'Zother' })
  cloudHandlers.set('card', () => ({ errcode: 1005, errmsg: 'no order Zother of yours' }))
  render(<OrderDetail />)
  // In words, never the errmsg or the errcode; what was not found, and a way on (retrying will not find it).
  expect(await screen.findByText('没有找到这笔订单')).toBeTruthy()
  expect(screen.queryByText(/Zother|1005/)).toBeNull()
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})
