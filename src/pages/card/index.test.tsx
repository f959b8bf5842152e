import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, setRouterParams, wxHandlers } from '../../../test/stubs/taro'
import CardDetail from './index'

beforeEach(resetTaroStub)

const card = (status = 'NORMAL') => ({ cardId: 'pGift', code: '42', title: 'Gift', balance: 7000, status, beginTime: 1764000000, endTime: 1795536000 })
const history = [
  { entryId: 'spend:1', kind: 'spend', amount: -3000, balanceAfter: 7000, createdAt: 2 },
  { entryId: 'issue:1', kind: 'issue', amount: 10000, balanceAfter: 10000, createdAt: 1 },
]

test('shows the card named in the page query: balance, validity, history; opens it in the card bag', async () => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  const seen: unknown[] = []
  cloudHandlers.set('card', (data) => {
    seen.push(data)
    return { errcode: 0, card: card(), history }
  })
  const opened: unknown[] = []
  wxHandlers.openCard = (list) => void opened.push(...list)
  render(<CardDetail />)
  expect(await screen.findByText('¥70.00')).toBeTruthy()
  expect(screen.getByText('2025-11-25 – 2026-11-25')).toBeTruthy()
  expect(screen.getByText('-30.00 → ¥70.00')).toBeTruthy()
  expect(screen.getByText('Card issued')).toBeTruthy()
  expect(seen).toEqual([{ action: 'detail', cardId: 'pGift', code: '42' }])
  fireEvent.click(screen.getByText('Open in card bag'))
  expect(opened).toEqual([{ cardId: 'pGift', code: '42' }])
})

test.each([
  ['GIFTING', /being gifted/],
  ['CONSUMED', /used up/],
  ['EXPIRE', /expired/],
  ['DELETE', /removed from the card bag/],
])('a %s card is shown as such, with spending disabled', async (status, text) => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  cloudHandlers.set('card', () => ({ errcode: 0, card: card(status), history }))
  render(<CardDetail />)
  expect(await screen.findByText(text)).toBeTruthy()
  expect(screen.getByText(/Spending is disabled/)).toBeTruthy()
  expect(screen.queryByText('Open in card bag')).toBeNull()
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
  expect(await screen.findByText('¥70.00')).toBeTruthy()
  expect(seen[0]).toEqual({ action: 'decryptCode', cardId: 'pGift', encryptCode: encrypted })
  expect(seen[1]).toEqual({ action: 'detail', cardId: 'pGift', code: '42' })
})

test('another person’s card shows the refusal', async () => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  cloudHandlers.set('card', () => ({ errcode: 1004, errmsg: 'card pGift is not yours' }))
  render(<CardDetail />)
  expect(await screen.findByText(/card pGift is not yours/)).toBeTruthy()
})
