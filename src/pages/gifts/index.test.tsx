import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams } from '../../../test/stubs/taro'
import GiftsPage from './index'

beforeEach(resetTaroStub)

const gift = (giftId: string, status: string, over: Record<string, unknown> = {}) => ({
  giftId,
  status,
  from: '爱丽丝',
  message: '生日快乐',
  title: '100元礼品卡',
  amount: 10000,
  cardId: 'p',
  createdAt: Date.UTC(2026, 10, 27, 2, 0),
  expiresAt: 0,
  mine: true,
  claimedByMe: false,
  count: 1,
  remaining: 0,
  claims: [],
  ...over,
})

test('我送出的: each gift as 待领取 / 已领取 / 已退回; 我收到的 names the sender; a tap opens the gift', async () => {
  cloudHandlers.set('gift', (d) =>
    d.action === 'listSent'
      ? {
          errcode: 0,
          gifts: [
            gift('GF1', 'PENDING'),
            gift('GF2', 'CLAIMED'),
            gift('GF3', 'RETURNED', { count: 3, claims: [{ name: '大卫', claimedAt: 0 }] }),
          ],
        }
      : { errcode: 0, gifts: [gift('GF9', 'CLAIMED', { from: '鲍勃', mine: false, claimedByMe: true })] },
  )
  render(<GiftsPage />)
  expect(await screen.findByText('待领取')).toBeTruthy()
  expect(screen.getByText('已领取')).toBeTruthy()
  expect(screen.getByText('已退回')).toBeTruthy()
  // A group gift says how many of its cards were claimed.
  expect(screen.getByText('群礼物 · 已领 1/3 张')).toBeTruthy()
  fireEvent.click(screen.getByText('待领取'))
  expect(navigations).toEqual(['/pages/gift/index?giftId=GF1'])
  fireEvent.click(screen.getByText('我收到的'))
  expect(screen.getByText('来自 鲍勃')).toBeTruthy()
  fireEvent.click(screen.getByText('来自 鲍勃'))
  expect(navigations.at(-1)).toBe('/pages/claim/index?giftId=GF9')
})

test('empty lists say so; the received tab opens from its link', async () => {
  setRouterParams({ tab: 'received' })
  cloudHandlers.set('gift', () => ({ errcode: 0, gifts: [] }))
  render(<GiftsPage />)
  expect(await screen.findByText('还没有收到过礼物')).toBeTruthy()
  fireEvent.click(screen.getByText('我送出的'))
  expect(screen.getByText('还没有送出过礼物')).toBeTruthy()
})
