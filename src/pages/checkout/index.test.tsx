import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, storage, wxHandlers } from '../../../test/stubs/taro'
import Checkout from './index'
import { orderedAtOf } from '../../flows/checkout'

beforeEach(resetTaroStub)

const card = (balance: number, status = 'NORMAL', code = '1') => ({
  cardId: 'a',
  code,
  title: `礼品卡${code}`,
  balance,
  status,
  beginTime: 0,
  endTime: 0,
})

/** A 满 leastCost 减 reduceCost coupon (fen) of card `cpn`, offered beside a ¥100 gift card. */
function offerCashCoupon(code: string, title: string, leastCost: number, reduceCost: number) {
  const coupon = { ...card(0, 'NORMAL', code), cardId: 'cpn', title, type: 'CASH', terms: { leastCost, reduceCost } }
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [coupon, { ...card(10000), type: 'GIFT_CARD' }] }))
}

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
  expect(spends).toEqual([
    expect.objectContaining({ cardId: 'a', code: '1', amount: 4000, orderId: expect.stringMatching(/^CK/), description: '拿铁×1、可颂×1' }),
  ])
  // orderedAt: when pay was pressed, read back from the checkout id (the same on every retry of it).
  const sent = spends[0] as { orderId: string; orderedAt: number }
  expect(sent.orderedAt).toBe(orderedAtOf(sent.orderId))
  expect(Math.abs(sent.orderedAt - Date.now())).toBeLessThan(60_000)
})

test('the spend carries the card’s hint; refused (spent elsewhere meanwhile), the list is read again and the split uses the balance now', async () => {
  const spends: Record<string, unknown>[] = []
  let balance = 5000
  cloudHandlers.set('card', (d) => {
    if (d.action === 'spend') {
      spends.push(d)
      balance = 3000
      return { errcode: 1006, errmsg: 'insufficient balance: 3000 fen, 4000 fen needed' }
    }
    return { errcode: 0, cards: [{ ...card(balance), spendHint: `hint-${balance}` }] }
  })
  render(<Checkout />)
  await choose('礼品卡1')
  expect(screen.getByText('¥40.00', { selector: '#split-card' })).toBeTruthy()
  fireEvent.click(screen.getByText('确认支付 ¥40.00'))
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('礼品卡余额不足')).toBeTruthy()
  expect(spends).toEqual([expect.objectContaining({ amount: 4000, seen: 'hint-5000' })])
  // The card still picked, as the list shows it now: 30.00 on the card, 10.00 for WeChat Pay.
  await waitFor(() => expect(screen.getByText('¥30.00', { selector: '#split-card' })).toBeTruthy())
  expect(screen.getByText('¥10.00', { selector: '#split-wechat' })).toBeTruthy()
})

test('the picked card spent to nothing elsewhere: after the refusal the page no longer offers or splits with it', async () => {
  let balance = 5000
  cloudHandlers.set('card', (d) => {
    if (d.action === 'spend') {
      balance = 0
      return { errcode: 1006, errmsg: 'insufficient balance: 0 fen, 4000 fen needed' }
    }
    return { errcode: 0, cards: [card(balance), card(2000, 'NORMAL', '2')] }
  })
  render(<Checkout />)
  await choose('礼品卡1')
  fireEvent.click(screen.getByText('确认支付 ¥40.00'))
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('礼品卡余额不足')).toBeTruthy()
  await waitFor(() => expect(screen.queryByText('礼品卡1')).toBeNull())
  expect(document.querySelector('#split')).toBeNull()
  expect(screen.getByText('礼品卡2')).toBeTruthy()
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

test('a coupon, then a gift card that covers the rest (issue 28): no WeChat Pay sheet, the discount kept', async () => {
  const started: Record<string, unknown>[] = []
  offerCashCoupon('C1', '满30减5', 3000, 500)
  cloudHandlers.set('pay', (d) => {
    started.push(d)
    // Paid at once by the server: no payment to present.
    return { errcode: 0, orderId: 'COCK1', balance: 6500, rest: 0, discount: 500 }
  })
  let sheets = 0
  wxHandlers.requestPayment = () => void sheets++
  render(<Checkout />)
  // Coupons above the gift cards: the section names both, and the gift cards have their own line.
  expect(await screen.findByText('选择优惠券和礼品卡')).toBeTruthy()
  expect(screen.queryByText('选择礼品卡支付')).toBeNull()
  expect(screen.getByText('选择礼品卡', { selector: '#gift-cards-label' })).toBeTruthy()
  await choose('满30减5')
  await choose('礼品卡1')
  expect(screen.getByText('-¥5.00', { selector: '#split-discount' })).toBeTruthy()
  expect(screen.getByText('¥35.00', { selector: '#split-card' })).toBeTruthy()
  expect(screen.getByText('¥0.00', { selector: '#split-wechat' })).toBeTruthy()
  fireEvent.click(screen.getByText('确认支付 ¥35.00'))
  expect(screen.getByText('优惠券抵扣 ¥5.00，礼品卡支付 ¥35.00')).toBeTruthy()
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('支付成功')).toBeTruthy()
  expect(screen.getByText('优惠券抵扣 ¥5.00', { selector: '#paid-discount' })).toBeTruthy()
  expect(screen.getByText('礼品卡余额 ¥65.00')).toBeTruthy()
  expect(sheets).toBe(0)
  expect(started).toEqual([
    expect.objectContaining({ action: 'startCheckout', coupon: { cardId: 'cpn', code: 'C1' }, cardId: 'a', code: '1', total: 4000 }),
  ])
})

test('a coupon worth the whole order or more says to redeem it at the counter, and cannot be paid with', async () => {
  const started: Record<string, unknown>[] = []
  offerCashCoupon('C2', '满10减100', 1000, 10000)
  cloudHandlers.set('pay', (d) => {
    started.push(d)
    return { errcode: 1006, errmsg: 'the coupon covers the whole total: redeem it at the counter instead' }
  })
  render(<Checkout />)
  await choose('满10减100')
  expect(screen.getAllByText('券额不低于订单金额，请到店核销').length).toBeGreaterThan(0)
  expect(screen.getByText('券额不低于订单金额，请到店核销', { selector: '#split-discount' })).toBeTruthy()
  expect(screen.queryByText('确认支付 ¥0.00')).toBeNull()
  const pay = document.querySelector('#pay-button, .btn-block.nut-button-primary') as HTMLElement | null
  if (pay) fireEvent.click(pay)
  expect(started).toEqual([])
})

test('a coupon the order does not reach says why in the same words in the list and on the split line', async () => {
  offerCashCoupon('C3', '满100减10', 10000, 1000)
  render(<Checkout />)
  await choose('满100减10')
  await choose('礼品卡1')
  expect(screen.getByText('满 ¥100 可用', { selector: '#split-discount' })).toBeTruthy()
  expect(screen.getAllByText('满 ¥100 可用')).toHaveLength(2)
})

test('no usable card: the empty state says so', async () => {
  cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(0, 'CONSUMED')] }))
  render(<Checkout />)
  expect(await screen.findByText('没有可用的礼品卡')).toBeTruthy()
})

describe('a checkout left during the WeChat Pay sheet (issue 25 §7)', () => {
  const payment = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'MD5', paySign: 'S' }
  function serveOpen(status: 'CREATED' | 'PAID' | 'CANCELLED') {
    const calls: Record<string, unknown>[] = []
    cloudHandlers.set('card', () => ({ errcode: 0, cards: [{ ...card(0), held: 4700 }] }))
    cloudHandlers.set('pay', (d) => {
      calls.push(d)
      if (d.action === 'checkoutStatus')
        return {
          errcode: 0,
          status,
          held: status === 'CREATED' ? 4700 : 0,
          ...(status === 'PAID' ? { paidByCard: 4700 } : {}),
          rest: 5300,
          expiresAt: Date.now() + 600_000,
          ...(status === 'CREATED' ? { payment } : {}),
        }
      if (d.action === 'cancelCheckout') return { errcode: 0, status: 'CANCELLED', balance: 4700 }
      return { errcode: 1001, errmsg: `unexpected ${String(d.action)}` }
    })
    return calls
  }

  test('a pay that was under way when the page went away is remembered; the reloaded page offers 继续支付, which presents the same payment', async () => {
    storage.set('openCheckout', 'CKleft1')
    const calls = serveOpen('CREATED')
    const presented: unknown[] = []
    wxHandlers.requestPayment = (p) => void presented.push(p)
    render(<Checkout />)
    expect(await screen.findByText('有一笔支付尚未完成')).toBeTruthy()
    expect(screen.getByText('礼品卡已冻结 ¥47.00，还需微信支付 ¥53.00')).toBeTruthy()
    // Only the earlier checkout: no new order (the default 拿铁 and 可颂, ¥40.00) beside it.
    expect(screen.queryByText('拿铁')).toBeNull()
    fireEvent.click(screen.getByText('继续支付'))
    expect(await screen.findByText('支付成功')).toBeTruthy()
    expect(screen.getByText('礼品卡支付 ¥47.00')).toBeTruthy()
    expect(screen.queryByText('拿铁')).toBeNull()
    // 再来一单: a new order on this page.
    fireEvent.click(screen.getByText('再来一单'))
    expect(await screen.findByText('拿铁')).toBeTruthy()
    expect(presented).toEqual([payment])
    expect(calls.map((c) => c.action)).toEqual(['checkoutStatus'])
    expect(storage.has('openCheckout')).toBe(false)
  })

  test('取消支付 cancels it: the held value is back on the card and the page forgets it', async () => {
    storage.set('openCheckout', 'CKleft2')
    const calls = serveOpen('CREATED')
    render(<Checkout />)
    fireEvent.click(await screen.findByText('取消支付'))
    expect(await screen.findByText('微信支付未完成，礼品卡已退回，余额 ¥47.00')).toBeTruthy()
    expect(calls.map((c) => [c.action, c.checkoutId])).toEqual([
      ['checkoutStatus', 'CKleft2'],
      ['cancelCheckout', 'CKleft2'],
    ])
    expect(storage.has('openCheckout')).toBe(false)
  })

  test('paid while the page was away: it says so; one that ended unpaid is forgotten and the page is as new', async () => {
    storage.set('openCheckout', 'CKleft3')
    serveOpen('PAID')
    const { unmount } = render(<Checkout />)
    expect(await screen.findByText('支付成功')).toBeTruthy()
    // Not under this page's default order (拿铁, 可颂): that is not what was paid.
    expect(screen.queryByText('拿铁')).toBeNull()
    // Both shares: the card's (final now) and WeChat Pay's.
    expect(screen.getByText('礼品卡支付 ¥47.00')).toBeTruthy()
    expect(screen.getByText('微信支付 ¥53.00')).toBeTruthy()
    unmount()
    storage.set('openCheckout', 'CKleft4')
    serveOpen('CANCELLED')
    render(<Checkout />)
    expect(await screen.findByText('选择礼品卡支付')).toBeTruthy()
    await waitFor(() => expect(storage.has('openCheckout')).toBe(false))
    expect(screen.queryByText('有一笔支付尚未完成')).toBeNull()
  })

  test('a new checkout is remembered while its WeChat Pay sheet is open', async () => {
    let seen: unknown
    cloudHandlers.set('card', () => ({ errcode: 0, cards: [card(1000)] }))
    cloudHandlers.set('pay', (d) =>
      d.action === 'startCheckout' ? { errcode: 0, orderId: 'CO1', payment, balance: 0, rest: 3000, discount: 0 } : { errcode: 0 },
    )
    wxHandlers.requestPayment = () => void (seen = storage.get('openCheckout'))
    render(<Checkout />)
    await choose('礼品卡1')
    fireEvent.click(screen.getByText('确认支付 ¥40.00'))
    fireEvent.click(screen.getByText('确定'))
    expect(await screen.findByText('支付成功')).toBeTruthy()
    expect(seen).toMatch(/^CK/)
    expect(storage.has('openCheckout')).toBe(false)
  })
})
