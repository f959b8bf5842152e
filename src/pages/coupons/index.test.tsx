import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, wxHandlers } from '../../../test/stubs/taro'
import CouponsPage from './index'

beforeEach(resetTaroStub)

test('领券中心 lists free coupons as they read (减 ¥10 · 满 ¥100, 8.5 折) and claims one with one requestId per tap sequence', async () => {
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(d)
    if (d.action === 'claimables')
      return {
        errcode: 0,
        items: [
          { cardId: 'pCASH', type: 'CASH', title: '满100减10', terms: { leastCost: 10000, reduceCost: 1000 }, getLimit: 50, fixedTerm: 30 },
          { cardId: 'pDISC', type: 'DISCOUNT', title: '8.5折券', terms: { discount: 15 }, getLimit: 1 },
        ],
      }
    if (d.action === 'claim')
      return calls.filter((c) => c.action === 'claim').length === 1
        ? { errcode: 1502, errmsg: 'upstream' }
        : { errcode: 0, cardList: [{ cardId: d.cardId, cardExt: '{}' }] }
    return { errcode: 0, cards: [] }
  })
  wxHandlers.addCard = (list) => list.map((c) => ({ ...(c as object), code: 'ENC', isSuccess: true }))
  render(<CouponsPage />)
  expect(await screen.findByText('减 ¥10')).toBeTruthy()
  expect(screen.getByText('代金券 · 满 ¥100 · 领取后 30 天内有效')).toBeTruthy()
  expect(screen.getByText('8.5 折')).toBeTruthy()
  expect(screen.getByText('每人限领 1 张')).toBeTruthy()
  // The first claim fails upstream; the retry uses the same requestId (one claim, never two).
  fireEvent.click(screen.getAllByText('领取')[0]!)
  expect(await screen.findByText('微信暂时无法处理，请稍后再试')).toBeTruthy()
  fireEvent.click(screen.getAllByText('领取')[0]!)
  expect(await screen.findByText('已放入卡包')).toBeTruthy()
  const claims = calls.filter((c) => c.action === 'claim')
  expect(claims).toHaveLength(2)
  expect(claims[0]!.requestId).toBe(claims[1]!.requestId)
  expect(calls.some((c) => c.action === 'recordAdded')).toBe(true)
})

test('a coupon claimed up to its limit says 已领取 and offers no claim; after a claim the list is asked again', async () => {
  let claimed = 0
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(d)
    if (d.action === 'claimables')
      return {
        errcode: 0,
        items: [{ cardId: 'pDISC', type: 'DISCOUNT', title: '8.5折券', terms: { discount: 15 }, getLimit: 1, claimed }],
      }
    if (d.action === 'claim') {
      claimed++
      return { errcode: 0, cardList: [{ cardId: d.cardId, cardExt: '{}' }] }
    }
    return { errcode: 0, cards: [] }
  })
  wxHandlers.addCard = (list) => list.map((c) => ({ ...(c as object), code: 'ENC', isSuccess: true }))
  render(<CouponsPage />)
  expect(await screen.findByText('每人限领 1 张')).toBeTruthy()
  fireEvent.click(screen.getByText('领取'))
  expect(await screen.findByText('已领 1/1 张')).toBeTruthy()
  expect(screen.getByText('已领取', { selector: 'button, button *' })).toBeTruthy()
  expect(screen.queryByText('领取')).toBeNull()
  expect(calls.filter((c) => c.action === 'claimables')).toHaveLength(2)
})
