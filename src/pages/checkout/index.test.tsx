import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, wxHandlers } from '../../../test/stubs/taro'
import Checkout from './index'

beforeEach(resetTaroStub)

const card = (balance: number, status = 'NORMAL', code = '1') => ({ cardId: 'a', code, title: `礼品卡${code}`, balance, status, beginTime: 0, endTime: 0 })

/** The default order is a latte (28.00) and a croissant (12.00): 40.00. */
async function choose(title: string) {
  fireEvent.click(await screen.findByText(title))
}

test('the merchant’s menu with quantities; offers only usable cards; confirms and pays 40.00 from a 100.00 card', async () => {
  const spends: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    if (d.action === 'spend') {
      spends.push(d)
      return { errcode: 0, balance: 6000, entryId: 'e' }
    }
    return { errcode: 0, cards: [card(10000), card(9000, 'GIFTING', '2')] }
  })
  render(<Checkout />)
  expect(screen.getByText('拿铁')).toBeTruthy()
  expect(screen.getByText('¥40.00', { selector: '#total' })).toBeTruthy()
  await choose('礼品卡1')
  expect(screen.queryByText('礼品卡2')).toBeNull()
  expect(screen.getByText('¥40.00', { selector: '#split-card' })).toBeTruthy()
  expect(screen.getByText('¥0.00', { selector: '#split-wechat' })).toBeTruthy()
  fireEvent.click(screen.getByText('确认支付 ¥40.00'))
  expect(screen.getByText('礼品卡支付 ¥40.00')).toBeTruthy()
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('支付成功')).toBeTruthy()
  expect(screen.getByText('礼品卡余额 ¥60.00')).toBeTruthy()
  expect(spends).toEqual([expect.objectContaining({ cardId: 'a', code: '1', amount: 4000, orderId: expect.stringMatching(/^CK/), description: '拿铁×1、可颂×1' })])
})

test('a short balance: the card covers 10.00 and WeChat Pay 30.00; a cancelled WeChat Pay is credited back and retried on the same page', async () => {
  const calls: string[] = []
  const checkoutIds: unknown[] = []
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(1000)] }))
  cloudHandlers.set('pay', (d) => {
    calls.push(`pay.${d.action}`)
    if (d.action === 'startCheckout') {
      checkoutIds.push(d.checkoutId)
      expect(d).toMatchObject({ cardId: 'a', code: '1', total: 4000 })
      return { errcode: 0, orderId: 'CO1', payment: {}, balance: 0, rest: 3000 }
    }
    return { errcode: 0, status: 'CANCELLED', balance: 1000 }
  })
  let cancel = true
  wxHandlers.requestPayment = () => {
    calls.push('wx.requestPayment')
    if (cancel) throw new Error('requestPayment:fail cancel')
  }
  render(<Checkout />)
  await choose('礼品卡1')
  expect(screen.getByText('¥10.00', { selector: '#split-card' })).toBeTruthy()
  expect(screen.getByText('¥30.00', { selector: '#split-wechat' })).toBeTruthy()
  fireEvent.click(screen.getByText('确认支付 ¥40.00'))
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('微信支付未完成，礼品卡已退回，余额 ¥10.00')).toBeTruthy()
  expect(calls).toEqual(['pay.startCheckout', 'wx.requestPayment', 'pay.cancelCheckout'])
  cancel = false
  fireEvent.click(screen.getByText('重新支付'))
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('支付成功')).toBeTruthy()
  expect(screen.getByText('微信支付 ¥30.00')).toBeTruthy()
  expect(checkoutIds).toHaveLength(2)
  expect(checkoutIds[1]).not.toBe(checkoutIds[0])
})

test('no usable card: the empty state says so', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(0, 'CONSUMED')] }))
  render(<Checkout />)
  expect(await screen.findByText('没有可用的礼品卡')).toBeTruthy()
})
