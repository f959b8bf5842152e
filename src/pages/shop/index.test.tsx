import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, wxHandlers } from '../../../test/stubs/taro'
import Shop from './index'

beforeEach(resetTaroStub)

const items = [
  { cardId: 'p100', title: '100 yuan card', price: 10000, faces: ['https://x/red', 'https://x/gold'], defaultMessage: 'Happy birthday' },
  { cardId: 'p500', title: '500 yuan card', price: 50000, faces: [], defaultMessage: '' },
]

test('lists what is on sale with prices in yuan', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  render(<Shop />)
  expect(await screen.findByText('¥500.00')).toBeTruthy()
  expect(screen.getByText('100 yuan card')).toBeTruthy()
})

test('choose a face and a message, buy: order, pay, sign, add to the card bag, record', async () => {
  const calls: string[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(`card.${d.action}`)
    if (d.action === 'shop') return { errcode: 0, items }
    if (d.action === 'signCardExt') return { errcode: 0, cardList: [{ cardId: 'p100', cardExt: '{"signature":"s"}' }] }
    return { errcode: 0, cards: [{ cardId: 'p100', code: '1', title: '100 yuan card', balance: 10000, status: 'NORMAL', beginTime: 0, endTime: 0 }] }
  })
  let created: Record<string, unknown> = {}
  cloudHandlers.set('pay', (d) => {
    calls.push(`pay.${d.action}`)
    if (d.action === 'createOrder') {
      created = d
      return { errcode: 0, orderId: 'O1', payment: { package: 'prepay_id=1' } }
    }
    return { errcode: 0, order: { orderId: 'O1', status: 'ISSUED', totalFee: 10000, cards: [] } }
  })
  wxHandlers.requestPayment = () => void calls.push('wx.requestPayment')
  wxHandlers.addCard = (list) => {
    calls.push('wx.addCard')
    return list.map(() => ({ cardId: 'p100', cardExt: '{}', code: 'ENC', isSuccess: true }))
  }
  render(<Shop />)
  fireEvent.click(await screen.findByText('100 yuan card'))
  fireEvent.click(document.querySelector('[data-face="1"]')!)
  expect((screen.getByPlaceholderText('Write a blessing') as HTMLTextAreaElement).value).toBe('Happy birthday')
  fireEvent.click(screen.getByText('Buy for ¥100.00'))
  expect(await screen.findByText(/Added to your card bag: 100 yuan card ¥100.00/)).toBeTruthy()
  expect(created).toEqual({ action: 'createOrder', requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), cardId: 'p100', backgroundPicUrl: 'https://x/gold', message: 'Happy birthday' })
  expect(calls).toEqual(['card.shop', 'pay.createOrder', 'wx.requestPayment', 'pay.getOrder', 'card.signCardExt', 'wx.addCard', 'card.recordAdded'])
  fireEvent.click(screen.getByText('See my cards'))
  expect(navigations).toEqual(['/pages/index/index'])
})

test('a refused payment is shown and nothing is added', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  cloudHandlers.set('pay', () => ({ errcode: 0, orderId: 'O1', payment: {} }))
  wxHandlers.requestPayment = () => {
    throw new Error('requestPayment:fail cancel')
  }
  wxHandlers.addCard = () => {
    throw new Error('must not be called')
  }
  render(<Shop />)
  fireEvent.click(await screen.findByText('500 yuan card'))
  fireEvent.click(screen.getByText('Buy for ¥500.00'))
  expect(await screen.findByText(/requestPayment:fail cancel/)).toBeTruthy()
})

test('a double tap on Buy makes one order; a retry after a cancelled payment reuses its requestId', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  const orders: unknown[] = []
  let release: () => void = () => undefined
  cloudHandlers.set('pay', (d) => {
    if (d.action !== 'createOrder') return { errcode: 0, order: { orderId: 'O1', status: 'CREATED', totalFee: 50000, cards: [] } }
    orders.push(d.requestId)
    return { errcode: 0, orderId: 'O1', status: 'CREATED', payment: { package: 'prepay_id=1' } }
  })
  let payments = 0
  wxHandlers.requestPayment = () =>
    new Promise<void>((_, reject) => {
      payments++
      release = () => reject(new Error('requestPayment:fail cancel'))
    })
  render(<Shop />)
  fireEvent.click(await screen.findByText('500 yuan card'))
  const buy = screen.getByText('Buy for ¥500.00')
  // Two taps before React re-renders the button as disabled.
  fireEvent.click(buy)
  fireEvent.click(buy)
  await waitFor(() => expect(payments).toBe(1))
  release()
  expect(await screen.findByText(/requestPayment:fail cancel/)).toBeTruthy()
  expect(orders).toHaveLength(1)
  fireEvent.click(screen.getByText('Buy for ¥500.00'))
  await waitFor(() => expect(orders).toHaveLength(2))
  expect(orders[1]).toBe(orders[0])
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
