import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import OrdersPage from './index'

beforeEach(resetTaroStub)

test('orders are searched and filtered; the detail shows cards and ledgers; a refund needs a confirmation and a reason', async () => {
  const lists: Record<string, unknown>[] = []
  const refunds: Record<string, unknown>[] = []
  let state = 'ISSUED'
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami': return { errcode: 0, role: 'admin' }
      case 'orderList':
        lists.push(d)
        return { errcode: 0, total: 1, orders: [{ orderId: 'MP123', channel: 'mp', state, totalPrice: 20000, buyer: 'oAliceOpenid000001', cards: [{ cardId: 'pA', price: 20000 }], at: 1764200000000 }] }
      case 'orderDetail':
        return { errcode: 0, order: { orderId: 'MP123', channel: 'mp', state, totalPrice: 20000, buyer: 'oAliceOpenid000001', cards: [], at: 1764200000000, ...(state === 'REFUNDED' ? { refundReason: '顾客买错面额' } : {}) }, cards: [{ cardId: 'pA', code: '800000000001', title: '中秋礼品卡', status: state === 'REFUNDED' ? 'UNAVAILABLE' : 'NORMAL', balance: state === 'REFUNDED' ? 0 : 20000, entries: [{ entryId: 'e1', kind: 'issue', amount: 20000, balanceAfter: 20000, createdAt: 1764200000000 }] }] }
      case 'orderRefund':
        refunds.push(d)
        state = 'REFUNDED'
        return { errcode: 0, state: 'REFUNDED' }
      default: return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP123')).toBeTruthy()
  expect(screen.getByText('¥200.00')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('订单号、卡号或买家'), { target: { value: '800000000001' } })
  fireEvent.change(screen.getByPlaceholderText('开始日期'), { target: { value: '2026-11-01' } })
  fireEvent.click(screen.getByText('搜索'))
  await screen.findByText('订单号 MP123')
  fireEvent.click(screen.getByText('已退款'))
  fireEvent.click(screen.getByText('货架'))
  await screen.findByText('订单号 MP123')
  expect(lists.at(-1)).toEqual({ action: 'orderList', q: '800000000001', since: Date.parse('2026-11-01T00:00:00+08:00'), state: 'REFUNDED', channel: 'shelf', limit: 20 })

  fireEvent.click(screen.getByText('订单号 MP123'))
  expect(await screen.findByText('中秋礼品卡 · 800000000001')).toBeTruthy()
  expect(screen.getByText(/^开卡 · /)).toBeTruthy()
  fireEvent.click(screen.getAllByText('退款')[0]!)
  expect(await screen.findByText('将退款 ¥200.00，卡内余额作废，此操作不能撤销。')).toBeTruthy()
  // Without a reason nothing is refunded.
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('请填写退款原因')).toBeTruthy()
  expect(refunds).toEqual([])
  fireEvent.click(screen.getAllByText('退款')[0]!)
  fireEvent.change(document.querySelector('#refund-dialog textarea')!, { target: { value: '顾客买错面额' } })
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('退款原因：顾客买错面额')).toBeTruthy()
  expect(refunds).toEqual([{ action: 'orderRefund', orderId: 'MP123', reason: '顾客买错面额' }])
})

test('more orders on request by the list\'s nextCursor, for the filter shown, until the list ends', async () => {
  const lists: Record<string, unknown>[] = []
  const row = (orderId: string) => ({ orderId, channel: 'mp', state: 'ISSUED', totalPrice: 10000, buyer: 'oAliceOpenid000001', cards: [], at: 1764200000000 })
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    lists.push(d)
    return d.cursor === undefined ? { errcode: 0, total: 2, orders: [row('MP1')], nextCursor: 'k1.sig' } : { errcode: 0, total: 2, orders: [row('MP2')] }
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP1')).toBeTruthy()
  fireEvent.click(screen.getByText('已发卡'))
  await screen.findByText('订单号 MP1')
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('订单号 MP2')).toBeTruthy()
  expect(screen.getByText('订单号 MP1')).toBeTruthy()
  expect(lists.at(-1)).toEqual({ action: 'orderList', state: 'ISSUED', limit: 20, cursor: 'k1.sig' })
  expect(screen.queryByText('加载更多')).toBeNull()
})
