import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams, wxHandlers } from '../../../test/stubs/taro'
import CardDetail from './index'

beforeEach(resetTaroStub)

const card = (status = 'NORMAL') => ({
  cardId: 'pGift',
  code: '800000000042',
  title: '100元礼品卡',
  balance: 7000,
  status,
  beginTime: 1764000000,
  endTime: 1795536000,
  backgroundPicUrl: 'http://cdn/gold',
  message: '生日快乐',
  giftFrom: '爱丽丝',
})
const history = [
  {
    entryId: 'spend:1',
    kind: 'spend',
    amount: -3000,
    balanceAfter: 7000,
    orderId: 'CK123',
    description: '拿铁×1',
    createdAt: Date.UTC(2026, 10, 27, 2, 5),
  },
  {
    entryId: 'issue:1',
    kind: 'issue',
    amount: 10000,
    balanceAfter: 10000,
    orderId: 'GC9',
    description: 'card issued',
    createdAt: Date.UTC(2026, 10, 26, 16, 30),
  },
]
const info = { notice: '使用时出示礼品卡', description: '可在门店使用', servicePhone: '400-820-8820' }

test('face, balance, validity in Beijing time, the code as barcode and QR, notes, phone, history with time and order number', async () => {
  setRouterParams({ cardId: 'pGift', code: '800000000042' })
  const seen: unknown[] = []
  cloudHandlers.set('card', (data) => {
    seen.push(data)
    return { errcode: 0, card: card(), history, total: 2, info }
  })
  const opened: unknown[] = []
  wxHandlers.openCard = (list) => void opened.push(...list)
  render(<CardDetail />)
  expect(await screen.findByText('¥70.00', { selector: '#balance' })).toBeTruthy()
  expect(document.querySelector('img')!.getAttribute('src')).toBe('http://cdn/gold')
  expect(screen.getByText('2025-11-25 至 2026-11-25')).toBeTruthy()
  expect(screen.getByText('8000 0000 0042', { selector: '#card-number' })).toBeTruthy()
  expect(document.querySelectorAll('.barcode .code-dark').length).toBeGreaterThan(20)
  expect(document.querySelectorAll('.qrcode .qr-row').length).toBeGreaterThan(20)
  expect(screen.getByText(/爱丽丝 的祝福/)).toBeTruthy()
  expect(screen.getByText('使用时出示礼品卡')).toBeTruthy()
  expect(screen.getByText('400-820-8820')).toBeTruthy()
  expect(screen.getByText('消费')).toBeTruthy()
  expect(screen.getByText('2026-11-27 10:05')).toBeTruthy()
  expect(screen.getByText('2026-11-27 00:30')).toBeTruthy()
  expect(screen.getByText('礼品卡开卡')).toBeTruthy()
  expect(screen.getByText('订单号 CK123')).toBeTruthy()
  expect(seen).toEqual([{ action: 'detail', cardId: 'pGift', code: '800000000042' }])
  fireEvent.click(screen.getByText('在微信卡包中查看'))
  expect(opened).toEqual([{ cardId: 'pGift', code: '800000000042' }])
})

test('history is paged: 加载更多 asks card.history from where the page ends', async () => {
  setRouterParams({ cardId: 'pGift', code: '800000000042' })
  const seen: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    seen.push(d)
    if (d.action === 'history')
      return { errcode: 0, total: 3, entries: [{ entryId: 'adjust:1', kind: 'adjust', amount: 100, balanceAfter: 100, createdAt: 0 }] }
    return { errcode: 0, card: card(), history, total: 3, info: {} }
  })
  render(<CardDetail />)
  fireEvent.click(await screen.findByText('加载更多'))
  expect(await screen.findByText('余额调整')).toBeTruthy()
  expect(seen.at(-1)).toEqual({ action: 'history', cardId: 'pGift', code: '800000000042', offset: 2, limit: 20 })
  expect(screen.getByText('没有更多了')).toBeTruthy()
})

test.each([
  ['GIFTING', '这张卡正在赠送给好友，暂不能使用'],
  ['CONSUMED', '这张卡的余额已用完'],
  ['EXPIRE', '这张卡已过期'],
  ['GIFTED', '这张卡已赠送给好友'],
])('a %s card says so and shows no code to a cashier', async (status, text) => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  cloudHandlers.set('card', () => ({ errcode: 0, card: card(status), history }))
  render(<CardDetail />)
  expect(await screen.findByText(text)).toBeTruthy()
  expect(document.querySelector('.barcode')).toBeNull()
  expect(screen.queryByText('在微信卡包中查看')).toBeNull()
})

test('the jump protocol: encrypt_code is decoded once and decrypted by the server, then the card shown', async () => {
  const encrypted = 'ab+c/d=='
  setRouterParams({ card_id: 'pGift', encrypt_code: encodeURIComponent(encrypted), openid: 'oSA' })
  const seen: Record<string, unknown>[] = []
  cloudHandlers.set('card', (data) => {
    seen.push(data)
    return data.action === 'decryptCode' ? { errcode: 0, card: card() } : { errcode: 0, card: card(), history }
  })
  render(<CardDetail />)
  expect(await screen.findByText('¥70.00', { selector: '#balance' })).toBeTruthy()
  expect(seen[0]).toEqual({ action: 'decryptCode', cardId: 'pGift', encryptCode: encrypted })
  expect(seen[1]).toEqual({ action: 'detail', cardId: 'pGift', code: '800000000042' })
})

test('another person’s card: a sentence, not "card.detail … is not yours (errcode 1004)"', async () => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  cloudHandlers.set('card', () => ({ errcode: 1004, errmsg: 'card pGift is not yours' }))
  render(<CardDetail />)
  expect(await screen.findByText('这不是你的卡或订单')).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/not yours|1004/)
  // Not a dead end: besides 重新加载, a way on to 我的卡.
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})

test('送给好友 on a card that can still be given opens it in the card bag and says where WeChat’s 赠送 is; absent otherwise', async () => {
  setRouterParams({ cardId: 'pGift', code: '800000000042' })
  let canGive = true
  cloudHandlers.set('card', () => ({ errcode: 0, card: card(), history, total: 2, info: {}, canGive }))
  const opened: unknown[] = []
  wxHandlers.openCard = (list) => void opened.push(...list)
  const { unmount } = render(<CardDetail />)
  fireEvent.click(await screen.findByText('送给好友'))
  expect(await screen.findByText(/已在微信卡包中打开这张卡：点「赠送」选择好友/)).toBeTruthy()
  expect(opened).toEqual([{ cardId: 'pGift', code: '800000000042' }])
  unmount()
  canGive = false
  render(<CardDetail />)
  expect(await screen.findByText('在微信卡包中查看')).toBeTruthy()
  expect(screen.queryByText('送给好友')).toBeNull()
})

test('a card claimed from a gift: its first line reads 来自 爱丽丝 的礼物, with no order number of the giver', async () => {
  setRouterParams({ cardId: 'pGift', code: '800000000042' })
  const received = { entryId: 'issue:1', kind: 'issue', amount: 10000, balanceAfter: 10000, giftFrom: '爱丽丝', createdAt: 0 }
  cloudHandlers.set('card', () => ({ errcode: 0, card: card(), history: [received], total: 1, info: {} }))
  render(<CardDetail />)
  expect(await screen.findByText('来自 爱丽丝 的礼物', { selector: '#history *' })).toBeTruthy()
  expect(screen.queryByText('购卡充值')).toBeNull()
  expect(screen.queryByText(/礼品卡开卡|订单号/)).toBeNull()
})

test('a counter redemption in the history names no order: its key (R:…) is the cashier’s, not an order number', async () => {
  setRouterParams({ cardId: 'pGift', code: '800000000042' })
  const redeemed = {
    entryId: 'redeem:RDmxd7nsjh-pt4qh97vj7',
    kind: 'spend',
    amount: -3050,
    balanceAfter: 6950,
    orderId: 'R:RDmxd7nsjh-pt4qh97vj7',
    createdAt: Date.UTC(2026, 10, 27, 1, 0),
  }
  cloudHandlers.set('card', () => ({ errcode: 0, card: card(), history: [redeemed, ...history], total: 3, info }))
  render(<CardDetail />)
  expect(await screen.findByText('订单号 CK123')).toBeTruthy()
  expect(screen.getByText('-¥30.50')).toBeTruthy()
  expect(screen.queryByText(/订单号 R:/)).toBeNull()
})

test('a link cut short or naming no card reads 没有找到这张卡, not 「卡券」不能为空 or 没有找到相关内容', async () => {
  setRouterParams({})
  cloudHandlers.set('card', () => ({ errcode: 1001, errmsg: 'cardId must be a non-empty string', field: 'cardId' }))
  const { unmount } = render(<CardDetail />)
  expect(await screen.findByText('没有找到这张卡')).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/不能为空|cardId/)
  unmount()
  setRouterParams({ cardId: 'xyz', code: '123' })
  cloudHandlers.set('card', () => ({ errcode: 1005, errmsg: 'no card xyz with that code' }))
  render(<CardDetail />)
  expect(await screen.findByText('没有找到这张卡')).toBeTruthy()
  expect(screen.queryByText('没有找到相关内容')).toBeNull()
  fireEvent.click(screen.getByText('查看我的卡'))
  await waitFor(() => expect(navigations).toEqual(['/pages/index/index']))
})
