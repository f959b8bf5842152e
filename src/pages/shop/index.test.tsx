import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, wxHandlers } from '../../../test/stubs/taro'
import Shop from './index'

beforeEach(resetTaroStub)

const items = [
  { cardId: 'p100', title: '100元礼品卡', price: 10000, faces: ['https://cdn/red', 'https://cdn/gold'], defaultMessage: '祝你天天开心' },
  { cardId: 'p500', title: '500元礼品卡', price: 50000, faces: ['https://cdn/red'], defaultMessage: '' },
]

const issued = { errcode: 0, order: { orderId: 'O1', status: 'ISSUED', totalFee: 10000, cards: [] } }

/** A shop whose payment goes through and whose gift.send answers GF1; the calls to pay and gift, in order. */
function payingForAGift(): Record<string, unknown>[] {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('pay', (d) => {
    calls.push(d)
    return d.action === 'createOrder' ? { errcode: 0, orderId: 'O1', status: 'CREATED', payment: { package: 'p' } } : issued
  })
  cloudHandlers.set('gift', (d) => {
    calls.push(d)
    return { errcode: 0, giftId: 'GF1', gift: { giftId: 'GF1' }, share: { title: 't', path: '/pages/claim/index?giftId=GF1' } }
  })
  wxHandlers.requestPayment = () => undefined
  return calls
}

test('lists what is on sale in yuan; the first card is chosen, for a friend by default', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  render(<Shop />)
  expect(await screen.findByText('¥500.00')).toBeTruthy()
  expect(await screen.findByText('购买并送出 ¥100.00')).toBeTruthy()
  expect((screen.getByPlaceholderText('写一句祝福吧') as HTMLTextAreaElement).value).toBe('祝你天天开心')
})

test("the blessing field appears holding the card's blessing, not set to it once it is on the page", async () => {
  // Taro's H5 textarea (taro-textarea-core, 4.2.1) reads its inner <textarea> when its value changes,
  // and has none until it first draws, a frame or more after it is added: a value changed in between
  // logs "TypeError: Cannot read properties of undefined (reading 'value')". The page used to add the
  // field empty and fill in the first card's blessing an effect later.
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!
  const setOnPage: string[] = []
  Object.defineProperty(HTMLTextAreaElement.prototype, 'value', {
    ...setter,
    set(this: HTMLTextAreaElement, v: string) {
      if (this.isConnected) setOnPage.push(v)
      setter.set!.call(this, v)
    },
  })
  try {
    cloudHandlers.set('card', () => ({ errcode: 0, items }))
    render(<Shop />)
    await screen.findByText('购买并送出 ¥100.00')
    expect((screen.getByPlaceholderText('写一句祝福吧') as HTMLTextAreaElement).value).toBe('祝你天天开心')
    expect(setOnPage).toEqual([])
  } finally {
    Object.defineProperty(HTMLTextAreaElement.prototype, 'value', setter)
  }
})

test('for a friend: face, blessing and signature; pays, wraps the gift and opens its envelope', async () => {
  const calls = payingForAGift()
  render(<Shop />)
  await screen.findByText('¥500.00')
  fireEvent.click(document.querySelector('[data-face="1"]')!)
  fireEvent.change(screen.getByPlaceholderText('写一句祝福吧'), { target: { value: '生日快乐！' } })
  fireEvent.change(screen.getByPlaceholderText('好友看到的你的名字'), { target: { value: '爱丽丝' } })
  fireEvent.click(screen.getByText('购买并送出 ¥100.00'))
  await waitFor(() => expect(navigations).toEqual(['/pages/gift/index?giftId=GF1']))
  expect(calls[0]).toEqual({
    action: 'createOrder',
    requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    cardId: 'p100',
    backgroundPicUrl: 'https://cdn/gold',
    message: '生日快乐！',
  })
  expect(calls.at(-1)).toEqual({ action: 'send', orderId: 'O1', message: '生日快乐！', face: 'https://cdn/gold', from: '爱丽丝' })
})

test('the blessing is kept while browsing other cards', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  render(<Shop />)
  await screen.findByText('¥500.00')
  fireEvent.change(screen.getByPlaceholderText('写一句祝福吧'), { target: { value: '新年快乐' } })
  fireEvent.click(screen.getByText('¥500.00'))
  expect(screen.getByText('购买并送出 ¥500.00')).toBeTruthy()
  expect((screen.getByPlaceholderText('写一句祝福吧') as HTMLTextAreaElement).value).toBe('新年快乐')
})

test('for myself: order, pay, sign, add to the card bag, record', async () => {
  const calls: string[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(`card.${d.action}`)
    if (d.action === 'shop') return { errcode: 0, items }
    if (d.action === 'signCardExt') return { errcode: 0, cardList: [{ cardId: 'p100', cardExt: '{"signature":"s"}' }] }
    return {
      errcode: 0,
      cards: [{ cardId: 'p100', code: '1', title: '100元礼品卡', balance: 10000, status: 'NORMAL', beginTime: 0, endTime: 0 }],
    }
  })
  cloudHandlers.set('pay', (d) => {
    calls.push(`pay.${d.action}`)
    return d.action === 'createOrder' ? { errcode: 0, orderId: 'O1', payment: { package: 'prepay_id=1' } } : issued
  })
  wxHandlers.requestPayment = () => void calls.push('wx.requestPayment')
  wxHandlers.addCard = (list) => {
    calls.push('wx.addCard')
    return list.map(() => ({ cardId: 'p100', cardExt: '{}', code: 'ENC', isSuccess: true }))
  }
  render(<Shop />)
  await screen.findByText('¥500.00')
  fireEvent.click(screen.getByText('给自己买'))
  fireEvent.click(screen.getByText('立即购买 ¥100.00'))
  expect(await screen.findByText('已放入卡包：100元礼品卡 ¥100.00')).toBeTruthy()
  expect(calls).toEqual([
    'card.shop',
    'pay.createOrder',
    'wx.requestPayment',
    'pay.getOrder',
    'card.signCardExt',
    'wx.addCard',
    'card.recordAdded',
  ])
  fireEvent.click(screen.getByText('查看我的卡'))
  expect(navigations).toEqual(['/pages/index/index'])
})

test('a cancelled WeChat Pay reads 你取消了支付, never requestPayment:fail', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items }))
  cloudHandlers.set('pay', () => ({ errcode: 0, orderId: 'O1', payment: {} }))
  wxHandlers.requestPayment = () => {
    throw new Error('requestPayment:fail cancel')
  }
  render(<Shop />)
  await screen.findByText('¥500.00')
  fireEvent.click(screen.getByText('购买并送出 ¥100.00'))
  expect(await screen.findByText('你取消了支付', { selector: '#buy-error' })).toBeTruthy()
  expect(document.body.textContent).not.toContain('requestPayment')
})

test('a double tap on buy makes one order; a retry after a cancelled payment reuses its requestId', async () => {
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
  fireEvent.click(await screen.findByText('¥500.00'))
  const buy = screen.getByText('购买并送出 ¥500.00')
  // Two taps before React re-renders the button as disabled.
  fireEvent.click(buy)
  fireEvent.click(buy)
  await waitFor(() => expect(payments).toBe(1))
  release()
  expect(await screen.findByText('你取消了支付', { selector: '#buy-error' })).toBeTruthy()
  expect(orders).toHaveLength(1)
  fireEvent.click(screen.getByText('购买并送出 ¥500.00'))
  await waitFor(() => expect(orders).toHaveLength(2))
  expect(orders[1]).toBe(orders[0])
})

test('empty shelf and unreachable cloud', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items: [] }))
  const { unmount } = render(<Shop />)
  expect(await screen.findByText('暂时没有在售的礼品卡')).toBeTruthy()
  unmount()
  cloudHandlers.set('card', () => {
    throw new Error('network down')
  })
  render(<Shop />)
  expect(await screen.findByText('网络不太稳定，请稍后再试')).toBeTruthy()
})

test('a shelf with several themes: choosing a theme shows its cards', async () => {
  cloudHandlers.set('card', () => ({
    errcode: 0,
    items: [
      { ...items[0], theme: '生日快乐' },
      { ...items[1], theme: '感谢有你' },
    ],
  }))
  render(<Shop />)
  expect(await screen.findByText('选择主题')).toBeTruthy()
  expect(screen.getByText('¥100.00', { selector: '.chip-price' })).toBeTruthy()
  expect(screen.queryByText('¥500.00', { selector: '.chip-price' })).toBeNull()
  expect(screen.getByText('¥100.00', { selector: '.card-face-amount' })).toBeTruthy()
  fireEvent.click(screen.getByText('感谢有你'))
  expect(screen.getByText('¥500.00', { selector: '.chip-price' })).toBeTruthy()
  expect(screen.queryByText('¥100.00', { selector: '.chip-price' })).toBeNull()
  // The theme's first card is chosen with it: the face and the total no longer show the other theme's card.
  expect(await screen.findByText('¥500.00', { selector: '.card-face-amount' })).toBeTruthy()
  expect(document.querySelector('.chip.chip-on[data-card="p500"]')).toBeTruthy()
})

test('a card sold below what it holds: the face shows what it holds, and the page says both', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, items: [{ ...items[0], title: '新春卡', price: 8888, value: 10000 }] }))
  render(<Shop />)
  expect(await screen.findByText('¥100.00', { selector: '.card-face-amount' })).toBeTruthy()
  expect(screen.getByText('售价 ¥88.88，卡内金额 ¥100.00')).toBeTruthy()
  expect(screen.getByText('¥88.88', { selector: '.chip-price' })).toBeTruthy()
})

test('for a group: 3 cards as one gift, paid at once, wrapped with count 3 for a group chat', async () => {
  const calls = payingForAGift()
  render(<Shop />)
  await screen.findByText('¥500.00')
  expect(screen.getByText('发给一位好友；多于 1 份可发到群聊，每人领一张')).toBeTruthy()
  const plus = document.querySelector('#quantity .nut-inputnumber-add')!
  fireEvent.click(plus)
  expect(await screen.findByText('发到群聊，先到先得：前 2 位好友每人领一张')).toBeTruthy()
  fireEvent.click(document.querySelector('#quantity .nut-inputnumber-add')!)
  expect(await screen.findByText('发到群聊，先到先得：前 3 位好友每人领一张')).toBeTruthy()
  fireEvent.click(screen.getByText('购买 3 张并发到群 ¥300.00'))
  await waitFor(() => expect(navigations).toEqual(['/pages/gift/index?giftId=GF1']))
  expect(calls[0]).toMatchObject({ action: 'createOrder', cardId: 'p100', quantity: 3 })
  expect(calls.at(-1)).toMatchObject({ action: 'send', orderId: 'O1', count: 3 })
})

test('the count field: typing what is not a whole number keeps the last count, cleared is 1, past 10 is 10, everywhere on the page', async () => {
  const calls = payingForAGift()
  render(<Shop />)
  await screen.findByText('¥500.00')
  const field = document.querySelector('#quantity input') as HTMLInputElement
  fireEvent.click(document.querySelector('#quantity .nut-inputnumber-add')!)
  expect(await screen.findByText('发到群聊，先到先得：前 2 位好友每人领一张')).toBeTruthy()
  // Mid-edit, a lone '.', 'e' or '-' (NutUI reports NaN): the page stays, with the count it had.
  for (const typed of ['.', 'e', '-']) fireEvent.input(field, { target: { value: typed } })
  await waitFor(() => expect(screen.getByText('购买 2 张并发到群 ¥200.00')).toBeTruthy())
  // Cleared (NutUI reports 0): the least there can be.
  fireEvent.input(field, { target: { value: '' } })
  expect(await screen.findByText('购买并送出 ¥100.00')).toBeTruthy()
  fireEvent.input(field, { target: { value: '199' } })
  fireEvent.blur(field)
  expect(await screen.findByText('发到群聊，先到先得：前 10 位好友每人领一张')).toBeTruthy()
  fireEvent.click(screen.getByText('购买 10 张并发到群 ¥1000.00'))
  await waitFor(() => expect(calls[0]).toMatchObject({ action: 'createOrder', quantity: 10 }))
})
