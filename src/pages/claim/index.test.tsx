import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, setRouterParams, wxHandlers } from '../../../test/stubs/taro'
import ClaimPage from './index'

beforeEach(() => {
  resetTaroStub()
  setRouterParams({ giftId: 'GF1' })
})

const gift = (over: Record<string, unknown> = {}) => ({
  giftId: 'GF1',
  status: 'PENDING',
  from: '爱丽丝',
  message: '生日快乐！',
  face: 'http://cdn/gold',
  title: '100元礼品卡',
  amount: 10000,
  cardId: 'p',
  createdAt: 0,
  expiresAt: 1,
  mine: false,
  claimedByMe: false,
  ...over,
})

test('the friend sees sender, blessing, face and amount, and claims it into the card bag: claim → addCard → recordAdded', async () => {
  const calls: string[] = []
  cloudHandlers.set('gift', (d) => {
    calls.push(`gift.${d.action}`)
    return d.action === 'get' ? { errcode: 0, gift: gift() } : { errcode: 0, giftId: 'GF1', cardList: [{ cardId: 'p', cardExt: '{}' }] }
  })
  cloudHandlers.set('card', (d) => {
    calls.push(`card.${d.action}`)
    return {
      errcode: 0,
      cards: [{ cardId: 'p', code: '1', title: '100元礼品卡', balance: 10000, status: 'NORMAL', beginTime: 0, endTime: 0 }],
    }
  })
  wxHandlers.addCard = (list) => {
    calls.push('wx.addCard')
    return list.map(() => ({ cardId: 'p', cardExt: '{}', code: 'ENC', isSuccess: true }))
  }
  render(<ClaimPage />)
  expect(await screen.findByText('爱丽丝 送你一张礼品卡')).toBeTruthy()
  expect(screen.getByText('「生日快乐！」')).toBeTruthy()
  expect(screen.getByText('¥100.00')).toBeTruthy()
  expect(document.querySelector('img')!.getAttribute('src')).toBe('http://cdn/gold')
  fireEvent.click(screen.getByText('领取到卡包'))
  expect(await screen.findByText(/已领取，礼品卡已放入你的卡包/)).toBeTruthy()
  expect(calls).toEqual(['gift.get', 'gift.claim', 'wx.addCard', 'card.recordAdded'])
})

test.each([
  ['GIFT_TAKEN', 1006, '这份礼物已被其他人领取'],
  ['GIFT_RETURNED', 1006, '这份礼物超过 24 小时未领取，已退回给送礼人'],
  ['GIFT_OWN', 1004, '这是你送出的礼物，发给好友领取吧'],
])('a refused claim (%s) is explained in words, never with its errcode', async (reason, errcode, text) => {
  cloudHandlers.set('gift', (d) =>
    d.action === 'get' ? { errcode: 0, gift: gift() } : { errcode, errmsg: `gift GF1 refused: ${reason}`, reason },
  )
  render(<ClaimPage />)
  fireEvent.click(await screen.findByText('领取到卡包'))
  expect(await screen.findByText(text, { selector: '#claim-error' })).toBeTruthy()
  expect(document.body.textContent).not.toMatch(new RegExp(`${errcode}|${reason}`))
})

test('a gift already returned or taken shows why instead of a claim button; the giver sees their own gift', async () => {
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ status: 'RETURNED' }) }))
  const { unmount } = render(<ClaimPage />)
  expect(await screen.findByText('这份礼物已过期，已退回给送礼人')).toBeTruthy()
  expect(screen.queryByText('领取到卡包')).toBeNull()
  unmount()
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ mine: true }) }))
  render(<ClaimPage />)
  expect(await screen.findByText(/这是你送出的礼物/)).toBeTruthy()
  expect(screen.queryByText('领取到卡包')).toBeNull()
})

test('an unknown gift link', async () => {
  cloudHandlers.set('gift', () => ({ errcode: 1005, errmsg: 'no gift GF1', reason: 'GIFT_NOT_FOUND' }))
  render(<ClaimPage />)
  expect(await screen.findByText('没有找到这份礼物')).toBeTruthy()
})

test('claimed but the add sheet was closed: 放入卡包 claims again and adds the card', async () => {
  let added = false
  cloudHandlers.set('gift', (d) =>
    d.action === 'get'
      ? { errcode: 0, gift: gift({ status: 'CLAIMED', claimedByMe: true, added }) }
      : { errcode: 0, giftId: 'GF1', cardList: [{ cardId: 'p', cardExt: '{}' }] },
  )
  cloudHandlers.set('card', () => {
    added = true
    return { errcode: 0, cards: [] }
  })
  wxHandlers.addCard = (list) => list.map(() => ({ cardId: 'p', cardExt: '{}', code: 'ENC', isSuccess: true }))
  render(<ClaimPage />)
  fireEvent.click(await screen.findByText('放入卡包'))
  expect(await screen.findByText(/已领取，礼品卡已放入你的卡包/)).toBeTruthy()
  expect(added).toBe(true)
})
