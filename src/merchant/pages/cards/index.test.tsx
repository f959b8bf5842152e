import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub } from '../../../../test/stubs/taro'
import CardsPage from './index'

beforeEach(resetTaroStub)

test('cards with review state in words; stock, take off sale and a delivery QR code', async () => {
  const calls: Record<string, unknown>[] = []
  let onSale = true
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'cardList':
        return {
          errcode: 0,
          cards: [
            { cardId: 'pA', title: '100元礼品卡', price: 10000, initBalance: 10000, onSale, reviewStatus: 'APPROVED', endTime: 1900000000 },
            { cardId: 'pB', title: '新卡', price: 5000, onSale: false, reviewStatus: 'PENDING' },
          ],
        }
      case 'cardOffSale':
        onSale = false
        return { errcode: 0, onSale: false }
      case 'cardStock':
        return { errcode: 0 }
      case 'qrcodeCreate':
        return { errcode: 0, url: 'http://weixin.qq.com/q/abc', ticket: 't' }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CardsPage />)
  expect(await screen.findByText('100元礼品卡')).toBeTruthy()
  expect(screen.getByText('已通过')).toBeTruthy()
  expect(screen.getByText('审核中')).toBeTruthy()
  expect(screen.getByText(/有效期至 2030-03-18/)).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/APPROVED|PENDING/)
  fireEvent.click(screen.getAllByText('停售')[0]!)
  // One tap asks first, naming the card and what stopping it means; nothing is sent until confirmed.
  expect(await screen.findByText('停售后，顾客在小程序里将买不到「100元礼品卡」，已售出的卡照常使用。')).toBeTruthy()
  expect(calls.some((c) => c.action === 'cardOffSale')).toBe(false)
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('已停售')).toBeTruthy()
  // A card off sale says how it goes back on sale.
  await waitFor(() => expect(document.querySelectorAll('.off-sale-hint')).toHaveLength(2))
  expect(document.querySelector('.off-sale-hint')!.textContent).toBe('已停售：在「货架」中编辑并保存含有这张卡的货架，即可恢复在售。')
  expect(calls.find((c) => c.action === 'cardOffSale')).toEqual({ action: 'cardOffSale', cardId: 'pA' })
  fireEvent.change(screen.getAllByPlaceholderText('库存变化（正数增加，负数减少）')[0]!, { target: { value: '-20' } })
  fireEvent.click(screen.getAllByText('调整库存')[0]!)
  expect(await screen.findByText('库存已更新')).toBeTruthy()
  expect(calls.find((c) => c.action === 'cardStock')).toEqual({ action: 'cardStock', cardId: 'pA', delta: -20 })
  fireEvent.click(screen.getAllByText('投放二维码')[0]!)
  expect(await screen.findByText('顾客用微信扫码即可领取')).toBeTruthy()
  expect(document.querySelectorAll('#delivery-qr .code-dark').length).toBeGreaterThan(50)
  fireEvent.click(screen.getByText('新建礼品卡'))
  expect(navigations).toEqual(['/merchant/pages/card-edit/index'])
})

test('a card WeChat’s review refused shows 审核未通过 with the reason and leads to editing it', async () => {
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'cardList':
        return {
          errcode: 0,
          cards: [
            { cardId: 'pR', title: '新卡', price: 5000, onSale: false, reviewStatus: 'REJECTED', reviewReason: '卡券标题含有违规内容' },
          ],
        }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CardsPage />)
  expect(await screen.findByText('审核未通过：卡券标题含有违规内容')).toBeTruthy()
  expect(screen.getByText('审核未通过')).toBeTruthy()
  fireEvent.click(screen.getByText('修改并重新提交审核'))
  expect(navigations).toEqual(['/merchant/pages/card-edit/index?cardId=pR'])
})

test('the stock form says why a change cannot be made, naming the field: as it is typed, and when WeChat has too little', async () => {
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'cardList':
        return { errcode: 0, cards: [{ cardId: 'pA', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED' }] }
      case 'cardStock':
        return {
          errcode: 1001,
          errmsg: 'delta must not reduce the stock by more than the 3 left',
          field: 'delta',
          reason: 'STOCK_TOO_LOW',
          stock: 3,
        }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CardsPage />)
  const input = await screen.findByPlaceholderText('库存变化（正数增加，负数减少）')
  const rule = '「库存变化」须为不等于 0 的整数，一次最多增减 1 亿份，例如 20 或 -5'
  for (const typed of ['abc', '0', '1.5', '200000000']) {
    fireEvent.change(input, { target: { value: typed } })
    expect(screen.getByText(rule)).toBeTruthy()
    fireEvent.click(screen.getByText('调整库存'))
  }
  expect(calls.some((c) => c.action === 'cardStock')).toBe(false)
  fireEvent.change(input, { target: { value: '-5' } })
  expect(screen.queryByText(rule)).toBeNull()
  fireEvent.click(screen.getByText('调整库存'))
  const why = '「库存变化」减少的数量超过了现有库存：现有 3 份，最多只能减少 3 份'
  // under the field (and in the toast) until the merchant edits it
  expect((await screen.findAllByText(why)).some((el) => el.classList.contains('stock-error'))).toBe(true)
  expect(calls.find((c) => c.action === 'cardStock')).toEqual({ action: 'cardStock', cardId: 'pA', delta: -5 })
  fireEvent.change(input, { target: { value: '-3' } })
  expect(document.querySelector('.stock-error')).toBeNull()
})

test('on a phone the date is one word and the card’s actions are one row', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardList')
      return {
        errcode: 0,
        cards: [{ cardId: 'pA', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED', endTime: 1900000000 }],
      }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<CardsPage />)
  // The muted line breaks anywhere (break-all, for codes): the date sits in an element that never breaks.
  expect((await screen.findByText('有效期至 2030-03-18')).classList.contains('nowrap')).toBe(true)
  const actions = screen.getByText('编辑').closest('.row-actions')!
  expect(Array.from(actions.querySelectorAll('button'), (b) => b.textContent)).toEqual(['编辑', '停售', '投放二维码'])
})

test('the stock WeChat holds is shown for the card asked about, and asked again after a change', async () => {
  let stock = 80
  const gets: unknown[] = []
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'cardList':
        return {
          errcode: 0,
          cards: [
            { cardId: 'pA', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED' },
            { cardId: 'pB', title: '新卡', price: 5000, onSale: true, reviewStatus: 'APPROVED' },
          ],
        }
      case 'cardGet':
        gets.push(d.cardId)
        // card/get's answer, as WeChat gives it: the stock is the card's own section's base_info.sku.quantity.
        return d.cardId === 'pA'
          ? {
              errcode: 0,
              card: { card_type: 'GENERAL_CARD', general_card: { sub_card_type: 'GIFT_CARD', base_info: { sku: { quantity: stock } } } },
            }
          : { errcode: 0, card: { card_type: 'GENERAL_CARD', general_card: { base_info: {} } } }
      case 'cardStock':
        stock += d.delta as number
        return { errcode: 0 }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CardsPage />)
  expect(await screen.findByText('100元礼品卡')).toBeTruthy()
  expect(gets).toEqual([])
  fireEvent.click(screen.getAllByText('查看库存')[0]!)
  expect(await screen.findByText('现有库存 80 份')).toBeTruthy()
  expect(gets).toEqual(['pA'])
  fireEvent.change(screen.getAllByPlaceholderText('库存变化（正数增加，负数减少）')[0]!, { target: { value: '-20' } })
  fireEvent.click(screen.getAllByText('调整库存')[0]!)
  expect(await screen.findByText('现有库存 60 份')).toBeTruthy()
  expect(gets).toEqual(['pA', 'pA'])
  fireEvent.click(screen.getByText('查看库存'))
  expect(await screen.findByText('微信没有返回库存，请稍后再查')).toBeTruthy()
})

test('a double tap on 调整库存 changes the stock once', async () => {
  const changes: unknown[] = []
  let answer: (v: unknown) => void = () => undefined
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'cardList':
        return { errcode: 0, cards: [{ cardId: 'pA', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED' }] }
      case 'cardStock':
        changes.push(d.delta)
        // WeChat answers only after both taps.
        return new Promise((resolve) => (answer = () => resolve({ errcode: 0 })))
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CardsPage />)
  fireEvent.change(await screen.findByPlaceholderText('库存变化（正数增加，负数减少）'), { target: { value: '5' } })
  const button = screen.getByText('调整库存')
  fireEvent.click(button)
  fireEvent.click(button)
  await waitFor(() => expect(changes).toEqual([5]))
  answer(undefined)
  expect(await screen.findByText('库存已更新')).toBeTruthy()
  expect(changes).toEqual([5])
})
