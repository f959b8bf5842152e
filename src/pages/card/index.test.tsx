import { render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, setRouterParams } from '../../../test/stubs/taro'
import CardDetail from './index'

beforeEach(resetTaroStub)

test('asks for the card named in the page query and shows it with its history', async () => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  const seen: unknown[] = []
  cloudHandlers.set('card', (data) => {
    seen.push(data)
    return {
      errcode: 0,
      card: { cardId: 'pGift', code: '42', title: 'Gift', balance: 7000, status: 'NORMAL', beginTime: 0, endTime: 0 },
      history: [{ entryId: 'e1', kind: 'issue', amount: 10000, balanceAfter: 10000, createdAt: 1 }],
    }
  })
  render(<CardDetail />)
  expect(await screen.findByText('¥70.00')).toBeTruthy()
  expect(screen.getByText('issue 100.00 → 100.00')).toBeTruthy()
  expect(seen).toEqual([{ action: 'detail', cardId: 'pGift', code: '42' }])
})

test('another person’s card shows the refusal', async () => {
  setRouterParams({ cardId: 'pGift', code: '42' })
  cloudHandlers.set('card', () => ({ errcode: 1004, errmsg: 'card pGift is not yours' }))
  render(<CardDetail />)
  expect(await screen.findByText(/card pGift is not yours/)).toBeTruthy()
})
