import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams, wxHandlers } from '../../../test/stubs/taro'
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
  count: 1,
  remaining: 1,
  claims: [],
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
  // …and the gift read again, so that a group gift's record names this claim.
  await waitFor(() => expect(calls).toEqual(['gift.get', 'gift.claim', 'wx.addCard', 'card.recordAdded', 'gift.get']))
})

test.each([
  ['GIFT_TAKEN', 1006, '这份礼物已被其他人领取'],
  ['GIFT_ALL_CLAIMED', 1006, '来晚了，这份礼物已被领完'],
  ['GIFT_RETURNED', 1006, '这份礼物超过 24 小时未领取，已退回给送礼人'],
])('a lost race (%s) reads one sentence, once, with a button to go on; never its errcode', async (reason, errcode, text) => {
  // The gift read again after the refusal says it is over too: still one sentence, not two.
  let refused = false
  cloudHandlers.set('gift', (d) => {
    if (d.action === 'claim') {
      refused = true
      return { errcode, errmsg: `gift GF1 refused: ${reason}`, reason }
    }
    return { errcode: 0, gift: gift(refused ? { status: reason === 'GIFT_RETURNED' ? 'RETURNED' : 'CLAIMED', remaining: 0 } : {}) }
  })
  render(<ClaimPage />)
  fireEvent.click(await screen.findByText('领取到卡包'))
  expect(await screen.findByText(text, { selector: '#not-claimable' })).toBeTruthy()
  expect(document.body.textContent!.split(text)).toHaveLength(2)
  expect(document.querySelector('#claim-error')).toBeNull()
  expect(screen.queryByText('领取到卡包')).toBeNull()
  fireEvent.click(screen.getByText('去选购一张礼品卡'))
  expect(document.body.textContent).not.toMatch(new RegExp(`${errcode}|${reason}`))
})

test('a refusal that is not the end (the giver’s own gift, seen as a friend’s) keeps the claim button and says why', async () => {
  cloudHandlers.set('gift', (d) =>
    d.action === 'get' ? { errcode: 0, gift: gift() } : { errcode: 1004, errmsg: 'gift GF1 is your own', reason: 'GIFT_OWN' },
  )
  render(<ClaimPage />)
  fireEvent.click(await screen.findByText('领取到卡包'))
  expect(await screen.findByText('这是你送出的礼物，发给好友领取吧', { selector: '#claim-error' })).toBeTruthy()
  expect(screen.getByText('领取到卡包')).toBeTruthy()
})

test('a group gift: 送大家 N 张, how many are left, who claimed by name; the one too late is told all are claimed', async () => {
  const claims = [
    { name: '大卫', claimedAt: 0 },
    { name: '好友3F2A', claimedAt: 1 },
  ]
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ count: 3, remaining: 1, claims }) }))
  const { unmount } = render(<ClaimPage />)
  expect(await screen.findByText('爱丽丝 送大家 3 张礼品卡')).toBeTruthy()
  expect(screen.getByText('还剩 1 张，先到先得，每人限领一张')).toBeTruthy()
  expect(screen.getByText('大卫 领取了一张')).toBeTruthy()
  unmount()
  cloudHandlers.set('gift', () => ({
    errcode: 0,
    gift: gift({ count: 3, remaining: 0, status: 'CLAIMED', claims: [...claims, claims[0]] }),
  }))
  render(<ClaimPage />)
  expect(await screen.findByText('来晚了，这份礼物已被领完', { selector: '#not-claimable' })).toBeTruthy()
  expect(screen.getByText('去选购一张礼品卡')).toBeTruthy()
})

test('a gift already returned or taken shows why instead of a claim button; the giver sees their own gift', async () => {
  cloudHandlers.set('gift', () => ({ errcode: 0, gift: gift({ status: 'RETURNED' }) }))
  const { unmount } = render(<ClaimPage />)
  expect(await screen.findByText('这份礼物已过期，已退回给送礼人')).toBeTruthy()
  expect(screen.queryByText('领取到卡包')).toBeNull()
  unmount()
  // The giver opening her own link sees its state (待领取, sharing), not 你收到一份礼物.
  cloudHandlers.set('gift', () => ({
    errcode: 0,
    gift: gift({ mine: true }),
    share: { title: 't', path: '/pages/claim/index?giftId=GF1' },
  }))
  render(<ClaimPage />)
  expect(await screen.findByText('待领取')).toBeTruthy()
  expect(screen.getByText('发给微信好友')).toBeTruthy()
  expect(screen.getByText('点击上方按钮或右上角「…」，把礼物发到聊天中')).toBeTruthy()
  expect(screen.queryByText('你收到一份礼物')).toBeNull()
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

test('a link cut short (a gift id the function refuses as malformed) says the gift was not found, not 填写的内容有误', async () => {
  setRouterParams({ giftId: 'GF1%' })
  cloudHandlers.set('gift', () => ({ errcode: 1001, errmsg: 'giftId has an invalid format', field: 'giftId' }))
  render(<ClaimPage />)
  expect(await screen.findByText('没有找到这份礼物')).toBeTruthy()
  expect(screen.queryByText(/填写的内容有误/)).toBeNull()
  // Not a dead end: besides 重新加载, a way on to 我的卡.
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})

test('a group gift this friend already claimed into the card bag reads 已领取 when opened again, not 放入卡包, while others may still claim', async () => {
  // The gift stays PENDING (one card left for someone else); this friend's own claim is done.
  cloudHandlers.set('gift', () => ({
    errcode: 0,
    gift: gift({ count: 2, remaining: 1, claimedByMe: true, added: true, claims: [{ name: '好友C148', claimedAt: 0 }] }),
  }))
  render(<ClaimPage />)
  expect(await screen.findByText(/已领取，礼品卡已放入你的卡包/)).toBeTruthy()
  expect(screen.queryByText('放入卡包')).toBeNull()
  expect(screen.queryByText('领取到卡包')).toBeNull()
  expect(screen.getByText('查看我的卡')).toBeTruthy()
})
