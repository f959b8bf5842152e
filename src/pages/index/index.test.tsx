import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, triggerPullDownRefresh, wxHandlers } from '../../../test/stubs/taro'
import type { Card } from '../../services/types'
import Index from './index'

const card = (over: Partial<Card> = {}): Card => ({
  cardId: 'pGift100',
  code: '123456789012',
  title: '100元礼品卡',
  balance: 10000,
  status: 'NORMAL',
  beginTime: 0,
  endTime: 0,
  backgroundPicUrl: 'http://cdn/red',
  ...over,
})

function serve(cards: Card[], pending: unknown[] = [], merchant = false) {
  cloudHandlers.set('card', (data) => {
    if (data.action === 'whoami') return { errcode: 0, openid: 'oAlice', appid: 'wxmp', merchant }
    return { errcode: 0, cards, pending }
  })
}

beforeEach(resetTaroStub)

test('loading first, then the empty state in Chinese with a way to the shop; no openid on the page', async () => {
  serve([])
  render(<Index />)
  expect(document.querySelector('.state-loading')).toBeTruthy()
  expect(await screen.findByText('还没有礼品卡')).toBeTruthy()
  expect(document.body.textContent).not.toContain('oAlice')
  fireEvent.click(screen.getByText('去选购'))
  expect(navigations).toEqual(['/pages/shop/index'])
})

test('no card at all (the only one went to a friend): the empty state still leads to 我送出的, 我收到的 and 会员卡', async () => {
  serve([])
  render(<Index />)
  await screen.findByText('还没有礼品卡')
  fireEvent.click(screen.getByText('我送出的'))
  fireEvent.click(screen.getByText('我收到的'))
  fireEvent.click(screen.getByText('会员卡'))
  await waitFor(() =>
    expect(navigations).toEqual(['/pages/gifts/index?tab=sent', '/pages/gifts/index?tab=received', '/member/pages/index/index']),
  )
})

test('我的用户编号: hidden until asked for, then the caller’s openid with what it is for', async () => {
  serve([])
  render(<Index />)
  fireEvent.click(await screen.findByText('我的用户编号'))
  expect(document.querySelector('#user-id-value')?.textContent).toBe('oAlice')
  expect(screen.getByText(/把这串编号发给商户负责人/)).toBeTruthy()
  fireEvent.click(screen.getByText('我的用户编号'))
  expect(document.body.textContent).not.toContain('oAlice')
})

test('total balance of usable cards; usable first; used-up, expired and given cards folded under 已失效', async () => {
  serve([
    card({ code: '1', balance: 3000 }),
    card({ code: '2', status: 'GIFTED', balance: 0 }),
    card({ code: '3', balance: 7000 }),
    card({ code: '4', status: 'EXPIRE', balance: 500 }),
  ])
  render(<Index />)
  expect(await screen.findByText('¥100.00', { selector: '#total-balance' })).toBeTruthy()
  expect(screen.getByText('2 张礼品卡可用', { selector: '#usable-count' })).toBeTruthy()
  const usable = Array.from(document.querySelectorAll('#usable-cards [data-code]')).map((e) => e.getAttribute('data-code'))
  expect(usable).toEqual(['3', '1'])
  expect(screen.queryByText('已赠送')).toBeNull()
  fireEvent.click(screen.getByText('已用完/已失效（2）'))
  expect(screen.getByText('已赠送')).toBeTruthy()
  expect(screen.getByText('已过期')).toBeTruthy()
  fireEvent.click(screen.getByText('¥70.00'))
  expect(navigations).toEqual(['/pages/card/index?cardId=pGift100&code=3'])
})

test('a card spent to ¥0.00 reads 已用完 under the fold and counts nowhere; coupons are counted apart from the balance (issue 28)', async () => {
  serve([
    card({ code: '1', balance: 3000 }),
    card({ code: '2', balance: 0 }),
    card({ code: '3', balance: 0, held: 2000 }),
    card({ code: '4', type: 'CASH', title: '满100减10', balance: 0, terms: { leastCost: 10000, reduceCost: 1000 } }),
  ])
  render(<Index />)
  expect(await screen.findByText('¥30.00', { selector: '#total-balance' })).toBeTruthy()
  // The held card (its money frozen by a checkout, may come back) stays usable; the spent one does not.
  expect(document.querySelector('#usable-count')?.textContent).toBe('2 张礼品卡可用 · 1 张优惠券')
  const usable = Array.from(document.querySelectorAll('#usable-cards [data-code]')).map((e) => e.getAttribute('data-code'))
  expect(usable.sort()).toEqual(['1', '3', '4'])
  expect(screen.queryByText('已用完')).toBeNull()
  fireEvent.click(screen.getByText('已用完/已失效（1）'))
  const folded = document.querySelector('#invalid-cards [data-code="2"]')
  expect(folded?.textContent).toContain('已用完')
  expect(folded?.textContent).not.toContain('可使用')
})

test('a paid card not in the card bag: 放入卡包 signs, adds and records it', async () => {
  const calls: string[] = []
  let pending = [{ orderId: 'GC1', cardId: 'pGift100', title: '100元礼品卡', price: 10000, count: 1 }]
  cloudHandlers.set('card', (d) => {
    calls.push(String(d.action))
    if (d.action === 'whoami') return { errcode: 0, openid: 'o', appid: 'x', merchant: false }
    if (d.action === 'signCardExt') return { errcode: 0, cardList: [{ cardId: 'pGift100', cardExt: '{}' }] }
    if (d.action === 'recordAdded') {
      pending = []
      return { errcode: 0, cards: [card()] }
    }
    return { errcode: 0, cards: pending.length ? [] : [card()], pending }
  })
  wxHandlers.addCard = (list) => list.map(() => ({ cardId: 'pGift100', cardExt: '{}', code: 'ENC', isSuccess: true }))
  render(<Index />)
  expect(await screen.findByText('已付款 ¥100.00 · 1 张待放入卡包')).toBeTruthy()
  fireEvent.click(screen.getByText('放入卡包'))
  expect(await screen.findByText('已放入卡包')).toBeTruthy()
  expect(calls).toEqual(expect.arrayContaining(['signCardExt', 'recordAdded']))
})

test('after an add WeChat refused, the next 放入卡包 asks for a fresh ticket; after a cancel it does not (issue 25 §2)', async () => {
  const signs: unknown[] = []
  let pending = [{ orderId: 'GC1', cardId: 'pGift100', title: '100元礼品卡', price: 10000, count: 1 }]
  cloudHandlers.set('card', (d) => {
    if (d.action === 'whoami') return { errcode: 0, openid: 'o', appid: 'x', merchant: false }
    if (d.action === 'signCardExt') {
      signs.push(d.renewTicket)
      return { errcode: 0, cardList: [{ cardId: 'pGift100', cardExt: '{}' }] }
    }
    if (d.action === 'recordAdded') {
      pending = []
      return { errcode: 0, cards: [card()] }
    }
    return { errcode: 0, cards: pending.length ? [] : [card()], pending }
  })
  const answers = ['cancel', 'invalid signature', 'ok']
  wxHandlers.addCard = (list) => {
    const a = answers.shift()
    if (a !== 'ok') throw new Error(a)
    return list.map(() => ({ cardId: 'pGift100', cardExt: '{}', code: 'ENC', isSuccess: true }))
  }
  render(<Index />)
  expect(await screen.findByText('已付款 ¥100.00 · 1 张待放入卡包')).toBeTruthy()
  // Each tap once the page takes taps again (it ignores them while an add is under way).
  for (let tap = 1; tap <= 3; tap++) {
    await waitFor(() => {
      if (signs.length < tap) fireEvent.click(screen.getByText('放入卡包'))
      expect(signs).toHaveLength(tap)
    })
  }
  expect(await screen.findByText('已放入卡包')).toBeTruthy()
  // 1st sign: fresh; 2nd (after a cancel): fresh; 3rd (after "invalid signature"): renewTicket.
  expect(signs).toEqual([undefined, undefined, true])
})

test('a failed load says so in words, without the errcode, and retries', async () => {
  let calls = 0
  cloudHandlers.set('card', (data) => {
    if (data.action === 'whoami') return { errcode: 0, openid: 'oAlice', appid: 'x', merchant: false }
    calls++
    return calls === 1 ? { errcode: 1500, errmsg: 'internal error in card.listMine' } : { errcode: 0, cards: [card()] }
  })
  render(<Index />)
  expect(await screen.findByText('服务开小差了，请稍后再试')).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/1500|card\.listMine|errcode/)
  fireEvent.click(screen.getByText('重新加载'))
  expect(await screen.findByText('¥100.00', { selector: '#total-balance' })).toBeTruthy()
})

test('pull to refresh loads again; a merchant admin sees 商户管理', async () => {
  let cards: Card[] = []
  cloudHandlers.set('card', (data) =>
    data.action === 'whoami' ? { errcode: 0, openid: 'oAlice', appid: 'x', merchant: true } : { errcode: 0, cards },
  )
  render(<Index />)
  await screen.findByText('还没有礼品卡')
  cards = [card()]
  await act(async () => triggerPullDownRefresh())
  expect(await screen.findByText('¥100.00', { selector: '#total-balance' })).toBeTruthy()
  fireEvent.click(screen.getByText('商户管理'))
  expect(navigations).toEqual(['/merchant/pages/home/index'])
})

test('a bag of more cards than a page: 加载更多 fetches the rest by nextCursor, and a refresh starts again from the first page', async () => {
  const asked: unknown[] = []
  cloudHandlers.set('card', (d) => {
    if (d.action === 'whoami') return { errcode: 0, openid: 'o', appid: 'x', merchant: false }
    asked.push(d.cursor)
    return d.cursor === undefined
      ? { errcode: 0, cards: [card({ code: '1', balance: 3000 })], pending: [], nextCursor: 'b1.sig' }
      : { errcode: 0, cards: [card({ code: '2', balance: 7000 })] }
  })
  render(<Index />)
  expect(await screen.findByText('¥30.00', { selector: '#total-balance' })).toBeTruthy()
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('¥100.00', { selector: '#total-balance' })).toBeTruthy()
  expect(screen.queryByText('加载更多')).toBeNull()
  expect(asked).toEqual([undefined, 'b1.sig'])
  await act(async () => triggerPullDownRefresh())
  expect(await screen.findByText('¥30.00', { selector: '#total-balance' })).toBeTruthy()
  expect(screen.getByText('加载更多')).toBeTruthy()
})
