import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import RedeemPage, { fenOf } from './index'

beforeEach(resetTaroStub)

const check = (over: Record<string, unknown> = {}) => ({
  cardId: 'pGIFT',
  code: '800000000001',
  type: 'GIFT_CARD',
  title: '100元礼品卡',
  terms: { balance: 10000 },
  balance: 10000,
  status: 'NORMAL',
  usable: true,
  beginTime: 0,
  endTime: 0,
  ...over,
})

test('yuan typed by the cashier become whole fen', () => {
  expect([fenOf('12.5'), fenOf('30'), fenOf('0.01'), fenOf('0'), fenOf('1.234'), fenOf('abc'), fenOf('-3')]).toEqual([
    1250,
    3000,
    1,
    undefined,
    undefined,
    undefined,
    undefined,
  ])
})

test('a gift card: check, type the amount, confirm once; a double tap redeems once under one key', async () => {
  const redeems: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'redeemCheck') return { errcode: 0, check: check() }
    redeems.push(d)
    return { errcode: 0, status: 'DONE', type: 'GIFT_CARD', balance: 7000 }
  })
  render(<RedeemPage />)
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '800000000001' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('可以核销')).toBeTruthy()
  expect(screen.getByText('¥100.00')).toBeTruthy()
  fireEvent.click(screen.getByText('确认核销'))
  expect(await screen.findByText('请输入正确的金额')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '30' } })
  fireEvent.click(screen.getByText('确认核销'))
  expect(await screen.findByText('从「100元礼品卡」扣减 ¥30.00，扣减后不可撤销')).toBeTruthy()
  fireEvent.click(screen.getByText('确定'))
  fireEvent.click(screen.getByText('确定'))
  expect(await screen.findByText('核销成功：「100元礼品卡」（尾号 0001）扣减 ¥30.00，余额 ¥70.00')).toBeTruthy()
  expect(redeems).toHaveLength(1)
  expect(redeems[0]).toMatchObject({ code: '800000000001', cardId: 'pGIFT', amount: 3000 })
  expect(String(redeems[0]!.key)).toMatch(/^RD/)
})

test('a used coupon says why it cannot be redeemed, in words', async () => {
  cloudHandlers.set('merchant', () => ({
    errcode: 0,
    check: check({
      type: 'CASH',
      title: '满100减10',
      terms: { leastCost: 10000, reduceCost: 1000 },
      status: 'CONSUMED',
      usable: false,
      reason: 'x',
    }),
  }))
  render(<RedeemPage />)
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '3' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('不可核销：已使用')).toBeTruthy()
  expect(screen.getByText('减 ¥10')).toBeTruthy()
  expect(screen.queryByText('确认核销')).toBeNull()
})

test("two cashiers at once: the one who lost reads 已被核销, by whom and when, not a checkout's words", async () => {
  const at = Date.UTC(2026, 11, 6, 2, 3)
  let redeemed = false
  cloudHandlers.set('merchant', (d) => {
    const coupon = check({ type: 'GIFT', title: '兑换咖啡', terms: { gift: '咖啡一杯' } })
    if (d.action === 'redeemCheck')
      return {
        errcode: 0,
        check: redeemed ? { ...coupon, status: 'CONSUMED', usable: false, reason: '已被核销', redeemed: { by: '王小波', at } } : coupon,
      }
    redeemed = true
    return { errcode: 1006, errmsg: 'the code was already redeemed at the counter', reason: 'ALREADY_REDEEMED' }
  })
  render(<RedeemPage />)
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '800000000001' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('可以核销')).toBeTruthy()
  fireEvent.click(screen.getByText('确认核销'))
  fireEvent.click(await screen.findByText('确定'))
  const said = '已被王小波于 2026-12-06 10:03 核销'
  expect(await screen.findByText(`不可核销：${said}`)).toBeTruthy()
  expect(screen.getAllByText(said).length).toBeGreaterThan(0)
})

/** The cashier looks a code up as typed, and the page says it can be redeemed. */
async function lookUp(code: string) {
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: code } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('可以核销')).toBeTruthy()
}

/** 确认核销 with the amount typed, then 确定 in its dialog. */
async function confirmRedeem() {
  fireEvent.click(screen.getByText('确认核销', { selector: '.nut-button-children' }))
  fireEvent.click((await screen.findAllByText('确定')).at(-1)!)
}

test('more than the card holds: said before the confirmation, and nothing is sent', async () => {
  const redeems: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'redeemCheck') return { errcode: 0, check: check({ balance: 3000, terms: { balance: 3000 } }) }
    redeems.push(d)
    return { errcode: 0, status: 'DONE', type: 'GIFT_CARD', balance: 0 }
  })
  render(<RedeemPage />)
  await lookUp('800000000001')
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '30.01' } })
  fireEvent.click(screen.getByText('确认核销'))
  expect(await screen.findByText('扣减金额超过卡内余额 ¥30.00')).toBeTruthy()
  expect(screen.queryByText(/扣减后不可撤销/)).toBeNull()
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '30' } })
  fireEvent.click(screen.getByText('确认核销'))
  expect(await screen.findByText('从「100元礼品卡」扣减 ¥30.00，扣减后不可撤销')).toBeTruthy()
  expect(redeems).toEqual([])
})

test('too much asked (spent elsewhere since the look-up): refused, and the corrected amount is a new redemption (a new key), not the old one again', async () => {
  const redeems: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    // The look-up showed ¥100.00; by the time of the debit the card holds ¥69.50.
    if (d.action === 'redeemCheck') return { errcode: 0, check: check() }
    redeems.push(d)
    if (d.amount === 7000) return { errcode: 1006, errmsg: 'insufficient balance: 6950 fen, 7000 fen needed' }
    return { errcode: 0, status: 'DONE', type: 'GIFT_CARD', balance: 5950 }
  })
  render(<RedeemPage />)
  // As the customer's card page shows the code: in groups of four.
  await lookUp('8000 0000 0001')
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '70' } })
  await confirmRedeem()
  expect(await screen.findByText('礼品卡余额不足')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '10' } })
  await confirmRedeem()
  expect(await screen.findByText('核销成功：「100元礼品卡」（尾号 0001）扣减 ¥10.00，余额 ¥59.50')).toBeTruthy()
  expect(redeems.map((r) => r.amount)).toEqual([7000, 1000])
  expect(redeems[1]!.key).not.toBe(redeems[0]!.key)
})

test('an error that may have redeemed (busy): the retry uses the same key', async () => {
  const redeems: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'redeemCheck') return { errcode: 0, check: check() }
    redeems.push(d)
    if (redeems.length === 1) return { errcode: 1503, errmsg: 'the card is busy, try again' }
    return { errcode: 0, status: 'DONE', type: 'GIFT_CARD', balance: 9000 }
  })
  render(<RedeemPage />)
  await lookUp('800000000001')
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '10' } })
  for (const _ of [1, 2]) {
    await confirmRedeem()
    await screen.findByText(redeems.length === 1 ? /稍后|繁忙|再试/ : /核销成功/)
  }
  expect(redeems).toHaveLength(2)
  expect(redeems[1]!.key).toBe(redeems[0]!.key)
})

test('the code field takes the row’s width on a phone, not its content’s', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 0, role: 'staff' }))
  render(<RedeemPage />)
  const input = await screen.findByPlaceholderText('扫码或输入券码')
  expect(input.classList.contains('grow')).toBe(true)
})

test('a code no card has: says the code was not found, so the cashier checks what was typed', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'redeemCheck') return { errcode: 1005, errmsg: 'code: no card has this code (invalid serial code)' }
    return { errcode: 0, role: 'staff' }
  })
  render(<RedeemPage />)
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '12345' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('没有找到这个券码或卡号，请核对后重新输入')).toBeTruthy()
  expect(screen.queryByText('确认核销')).toBeNull()
})

test('another code typed over the one looked up: its result goes, so 确认核销 cannot debit the card looked up before', async () => {
  const redeems: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'redeemCheck') return { errcode: 0, check: check() }
    redeems.push(d)
    return { errcode: 0, status: 'DONE', type: 'GIFT_CARD', balance: 7000 }
  })
  render(<RedeemPage />)
  await lookUp('8000 0000 0001')
  fireEvent.change(screen.getByPlaceholderText('输入金额'), { target: { value: '30' } })
  // The same code, typed again with its spaces: still the card looked up.
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '8000-0000-0001' } })
  expect(screen.getByText('可以核销')).toBeTruthy()
  // The next customer's code: nothing to confirm until it is looked up.
  fireEvent.change(screen.getByPlaceholderText('扫码或输入券码'), { target: { value: '800000000002' } })
  expect(screen.queryByText('可以核销')).toBeNull()
  expect(screen.queryByText('确认核销')).toBeNull()
  expect(screen.queryByPlaceholderText('输入金额')).toBeNull()
  expect(redeems).toEqual([])
})
