import { act, fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, triggerPullDownRefresh } from '../../../test/stubs/taro'
import type { Card } from '../../services/types'
import Index from './index'

const card: Card = { cardId: 'pGift100', code: '123456789012', title: '100 yuan gift card', balance: 10000, status: 'NORMAL', beginTime: 0, endTime: 0 }

beforeEach(() => {
  resetTaroStub()
  cloudHandlers.set('card', (data) => {
    if (data.action === 'whoami') return { errcode: 0, openid: 'oAlice', appid: 'wxmp', merchant: false }
    return { errcode: 0, cards: [] }
  })
})

test('shows loading first, then the empty state and who is signed in', async () => {
  render(<Index />)
  expect(screen.getByText('Loading…')).toBeTruthy()
  expect(await screen.findByText(/No gift cards yet/)).toBeTruthy()
  expect(screen.getByText('Signed in as oAlice')).toBeTruthy()
})

test('lists the caller’s cards with the balance in yuan and opens one on tap', async () => {
  cloudHandlers.set('card', (data) => (data.action === 'whoami' ? { errcode: 0, openid: 'oAlice', appid: 'x' } : { errcode: 0, cards: [card] }))
  render(<Index />)
  expect(await screen.findByText('¥100.00')).toBeTruthy()
  expect(screen.getByText('Active')).toBeTruthy()
  fireEvent.click(screen.getByText('100 yuan gift card'))
  expect(navigations).toEqual(['/pages/card/index?cardId=pGift100&code=123456789012'])
})

test('shows the function’s error and retries on request', async () => {
  let calls = 0
  cloudHandlers.set('card', (data) => {
    if (data.action === 'whoami') return { errcode: 0, openid: 'oAlice', appid: 'x' }
    calls++
    return calls === 1 ? { errcode: 1500, errmsg: 'internal error in card.listMine' } : { errcode: 0, cards: [card] }
  })
  render(<Index />)
  expect(await screen.findByText(/internal error in card.listMine/)).toBeTruthy()
  fireEvent.click(screen.getByText('Retry'))
  expect(await screen.findByText('¥100.00')).toBeTruthy()
})

test('pull to refresh loads again', async () => {
  let cards: Card[] = []
  cloudHandlers.set('card', (data) => (data.action === 'whoami' ? { errcode: 0, openid: 'oAlice', appid: 'x' } : { errcode: 0, cards }))
  render(<Index />)
  await screen.findByText(/No gift cards yet/)
  cards = [card]
  await act(async () => triggerPullDownRefresh())
  expect(await screen.findByText('¥100.00')).toBeTruthy()
})
