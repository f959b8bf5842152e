import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams, shareHandler } from '../../../test/stubs/taro'
import GiftPage from './index'

beforeEach(resetTaroStub)

const gift = (over: Record<string, unknown> = {}) => ({
  giftId: 'GF1',
  status: 'PENDING',
  from: '爱丽丝',
  message: '生日快乐！',
  face: 'http://cdn/gold',
  title: '100元礼品卡',
  amount: 10000,
  cardId: 'p',
  createdAt: Date.UTC(2026, 10, 27, 2, 0),
  expiresAt: Date.UTC(2026, 10, 28, 2, 0),
  mine: true,
  claimedByMe: false,
  count: 1,
  remaining: 1,
  claims: [],
  ...over,
})
const share = { title: '爱丽丝送你一张100元礼品卡', path: '/pages/claim/index?giftId=GF1', imageUrl: 'http://cdn/gold' }

test('the giver sees the envelope with face and blessing, 待领取 until when, and shares it into a chat', async () => {
  setRouterParams({ giftId: 'GF1' })
  cloudHandlers.set('gift', (d) => (d.action === 'get' && d.giftId === 'GF1' ? { errcode: 0, gift: gift(), share } : { errcode: 1002 }))
  render(<GiftPage />)
  expect(await screen.findByText('爱丽丝 送你一张礼品卡')).toBeTruthy()
  expect(screen.getByText('待领取')).toBeTruthy()
  expect(screen.getByText('「生日快乐！」')).toBeTruthy()
  expect(document.querySelector('img')!.getAttribute('src')).toBe('http://cdn/gold')
  expect(screen.getByText('2026-11-28 10:00 前未领取将退回给你')).toBeTruthy()
  expect(screen.getByText(/发给微信好友/)).toBeTruthy()
  // The hint names the button above it (it sits under the button).
  expect(screen.getByText('点击上方按钮或右上角「…」，把礼物发到聊天中')).toBeTruthy()
  expect(shareHandler?.()).toEqual(share)
})

test('a group gift: 发到微信群, how many wait, who claimed by name; once returned, how many came back', async () => {
  setRouterParams({ giftId: 'GF1' })
  const claims = [{ name: '大卫', claimedAt: Date.UTC(2026, 10, 27, 3, 0) }]
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ count: 3, remaining: 2, claims }), share }))
  const { unmount } = render(<GiftPage />)
  expect(await screen.findByText('爱丽丝 送大家 3 张礼品卡')).toBeTruthy()
  expect(screen.getByText('发到微信群')).toBeTruthy()
  expect(screen.getByText('还有 2 张待领取（共 3 张）')).toBeTruthy()
  expect(screen.getByText('大卫 领取了一张')).toBeTruthy()
  expect(screen.getByText('2026-11-27 11:00')).toBeTruthy()
  unmount()
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ count: 3, remaining: 0, claims, status: 'RETURNED' }) }))
  render(<GiftPage />)
  expect(await screen.findByText('2 张未被领取，已退回给你，可在「我的卡」放入卡包')).toBeTruthy()
  expect(screen.queryByText('发到微信群')).toBeNull()
})

test.each([
  ['CLAIMED', '已领取', '好友已于 2026-11-27 12:00 领取'],
  ['RETURNED', '已退回', /已退回，可在「我的卡」放入卡包/],
])('a %s gift reads %s', async (status, tag, line) => {
  setRouterParams({ giftId: 'GF1' })
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ status, claimedAt: Date.UTC(2026, 10, 27, 4, 0) }) }))
  render(<GiftPage />)
  expect(await screen.findByText(tag)).toBeTruthy()
  expect(screen.getByText(line)).toBeTruthy()
  expect(screen.queryByText(/发给微信好友/)).toBeNull()
  fireEvent.click(screen.getByText('查看我的卡'))
  expect(navigations).toEqual(['/pages/index/index'])
})

test('a gift link cut short reads 没有找到这份礼物, not 填写的内容有误, with a way on to 我的卡', async () => {
  setRouterParams({ giftId: 'GFa1527dc07a' })
  cloudHandlers.set('gift', () => ({ errcode: 1001, errmsg: 'giftId has an invalid format', field: 'giftId' }))
  render(<GiftPage />)
  expect(await screen.findByText('没有找到这份礼物')).toBeTruthy()
  expect(screen.queryByText(/填写的内容有误/)).toBeNull()
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})
