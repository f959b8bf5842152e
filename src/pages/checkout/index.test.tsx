import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, wxHandlers } from '../../../test/stubs/taro'
import Checkout from './index'

beforeEach(resetTaroStub)

const card = (balance: number, status = 'NORMAL', code = '1') => ({ cardId: 'a', code, title: `Card ${code}`, balance, status, beginTime: 0, endTime: 0 })

test('offers only active cards; pays 30.00 from a 100.00 card and shows 70.00', async () => {
  const spends: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    if (d.action === 'spend') {
      spends.push(d)
      return { errcode: 0, balance: 7000, entryId: 'e' }
    }
    return { errcode: 0, cards: [card(10000), card(9000, 'GIFTING', '2')] }
  })
  render(<Checkout />)
  expect(await screen.findByText('Card 1')).toBeTruthy()
  expect(screen.queryByText('Card 2')).toBeNull()
  expect(screen.getByText('¥30.00', { selector: '#total' })).toBeTruthy()
  fireEvent.click(screen.getByText('Card 1'))
  fireEvent.click(screen.getByText('Pay ¥30.00'))
  expect(await screen.findByText(/Paid. New balance ¥70.00/)).toBeTruthy()
  expect(spends).toEqual([expect.objectContaining({ cardId: 'a', code: '1', amount: 3000, orderId: expect.stringMatching(/^CK/) })])
})

test('a short balance pays the rest with WeChat Pay; if that fails the checkout is cancelled and the card credited back', async () => {
  const calls: string[] = []
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(1000)] }))
  cloudHandlers.set('pay', (d) => {
    calls.push(`pay.${d.action}`)
    if (d.action === 'startCheckout') {
      expect(d).toMatchObject({ cardId: 'a', code: '1', total: 3000 })
      return { errcode: 0, orderId: 'CO1', payment: {}, balance: 0, rest: 2000 }
    }
    return { errcode: 0, status: 'CANCELLED', balance: 1000 }
  })
  wxHandlers.requestPayment = () => {
    calls.push('wx.requestPayment')
    throw new Error('requestPayment:fail cancel')
  }
  render(<Checkout />)
  fireEvent.click(await screen.findByText('Card 1'))
  expect(screen.getByText(/remaining ¥20.00 is paid with WeChat Pay/)).toBeTruthy()
  fireEvent.click(screen.getByText('Pay ¥30.00'))
  expect(await screen.findByText(/Your gift card balance is ¥10.00 again/)).toBeTruthy()
  expect(calls).toEqual(['pay.startCheckout', 'wx.requestPayment', 'pay.cancelCheckout'])
})

test('a short balance and a completed payment: both legs shown', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(1000)] }))
  cloudHandlers.set('pay', () => ({ errcode: 0, orderId: 'CO1', payment: {}, balance: 0, rest: 2000 }))
  wxHandlers.requestPayment = () => undefined
  render(<Checkout />)
  fireEvent.click(await screen.findByText('Card 1'))
  fireEvent.click(screen.getByText('Pay ¥30.00'))
  expect(await screen.findByText(/Paid. New balance ¥0.00, ¥20.00 with WeChat Pay/)).toBeTruthy()
})
