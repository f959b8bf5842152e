import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import OrdersPage from './index'

beforeEach(resetTaroStub)

type Call = Record<string, unknown>

/** The merchant function as the orders page meets it: an admin, and the page's three actions answered. */
function answerAsMerchant(a: { list: (d: Call) => Call; detail: () => Call; refund: (d: Call) => Call }) {
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'orderList':
        return a.list(d)
      case 'orderDetail':
        return a.detail()
      case 'orderRefund':
        return a.refund(d)
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
}

/** Chooses a date in one of the date filters' pickers (components/DateInput). */
function pickDate(id: string, date: string) {
  const input = document.querySelector<HTMLInputElement>(`[data-taro="Picker"]:has(#${id}) input`)!
  fireEvent.change(input, { target: { value: date } })
}

test('orders are searched and filtered; the detail shows cards and ledgers; a refund needs a confirmation and a reason', async () => {
  const lists: Record<string, unknown>[] = []
  const refunds: Record<string, unknown>[] = []
  let state = 'ISSUED'
  answerAsMerchant({
    list: (d) => {
      lists.push(d)
      return {
        errcode: 0,
        total: 1,
        orders: [
          {
            orderId: 'MP123',
            channel: 'mp',
            state,
            totalPrice: 20000,
            buyer: '顾客A1B2',
            cards: [{ cardId: 'pA', price: 20000 }],
            at: 1764200000000,
          },
        ],
      }
    },
    detail: () => ({
      errcode: 0,
      order: {
        orderId: 'MP123',
        channel: 'mp',
        state,
        totalPrice: 20000,
        buyer: '顾客A1B2',
        cards: [],
        at: 1764200000000,
        ...(state === 'REFUNDED' ? { refundReason: '顾客买错面额' } : {}),
      },
      cards: [
        {
          cardId: 'pA',
          code: '800000000001',
          title: '中秋礼品卡',
          status: state === 'REFUNDED' ? 'UNAVAILABLE' : 'NORMAL',
          balance: state === 'REFUNDED' ? 0 : 20000,
          entries: [{ entryId: 'e1', kind: 'issue', amount: 20000, balanceAfter: 20000, createdAt: 1764200000000 }],
        },
      ],
    }),
    refund: (d) => {
      refunds.push(d)
      state = 'REFUNDED'
      return { errcode: 0, orderId: 'MP123', status: 'REFUNDED', refundFee: 20000, refundNo: 'RFMP123', channel: 'mp' }
    },
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP123')).toBeTruthy()
  expect(screen.getByText('¥200.00')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('订单号、卡号或买家'), { target: { value: '800000000001' } })
  pickDate('order-since', '2026-11-01')
  fireEvent.click(screen.getByText('搜索'))
  await screen.findByText('订单号 MP123')
  fireEvent.click(screen.getByText('已退款'))
  fireEvent.click(screen.getByText('货架'))
  await screen.findByText('订单号 MP123')
  expect(lists.at(-1)).toEqual({
    action: 'orderList',
    q: '800000000001',
    since: Date.parse('2026-11-01T00:00:00+08:00'),
    state: 'REFUNDED',
    channel: 'shelf',
    limit: 20,
  })

  fireEvent.click(screen.getByText('订单号 MP123'))
  expect(await screen.findByText('中秋礼品卡 · 800000000001')).toBeTruthy()
  expect(screen.getByText(/^开卡 · /)).toBeTruthy()
  fireEvent.click(screen.getAllByText('退款')[0]!)
  expect(await screen.findByText('将退款 ¥200.00，卡内余额作废，此操作不能撤销。')).toBeTruthy()
  // Without a reason nothing is refunded.
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('请填写退款原因')).toBeTruthy()
  expect(refunds).toEqual([])
  fireEvent.click(screen.getAllByText('退款')[0]!)
  fireEvent.change(document.querySelector('#refund-dialog textarea')!, { target: { value: '顾客买错面额' } })
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('退款原因：顾客买错面额')).toBeTruthy()
  expect(refunds).toEqual([{ action: 'orderRefund', orderId: 'MP123', reason: '顾客买错面额' }])
})

test('a refund WeChat Pay is still processing shows 退款中; one it failed shows 退款失败 with advice and 重试, which asks again and shows the result', async () => {
  let refundStatus: 'REFUNDING' | 'REFUND_FAILED' | 'REFUNDED' = 'REFUND_FAILED'
  const refunds: Record<string, unknown>[] = []
  const row = () => ({
    orderId: 'MP777',
    channel: 'mp',
    state: refundStatus,
    refundStatus,
    refundFee: 6000,
    ...(refundStatus === 'REFUND_FAILED' ? { refundError: 'REFUNDCLOSE' } : {}),
    totalPrice: 10000,
    buyer: '顾客C3D4',
    cards: [],
    at: 1764200000000,
  })
  answerAsMerchant({
    list: () => ({ errcode: 0, total: 1, orders: [row()] }),
    detail: () => ({ errcode: 0, order: { ...row(), refundReason: '顾客申请' }, cards: [] }),
    refund: (d) => {
      refunds.push(d)
      refundStatus = 'REFUNDING'
      return { errcode: 0, orderId: 'MP777', status: 'REFUNDING', refundFee: 6000, refundNo: 'RFMP777', channel: 'mp' }
    },
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP777')).toBeTruthy()
  expect(screen.getAllByText('退款失败').length).toBeGreaterThan(0)
  fireEvent.click(screen.getByText('订单号 MP777'))
  expect(
    await screen.findByText(/退款失败：微信支付关闭了这笔退款，多为商户可用余额不足：请到微信支付商户平台充值后点「重试」。/),
  ).toBeTruthy()
  expect(screen.getByText('重试沿用原退款单号和金额，不会重复退款。')).toBeTruthy()
  // No second refund of another amount is offered while one is on record: only the retry.
  expect(screen.queryByText('退款')).toBeNull()
  fireEvent.click(screen.getByText('重试'))
  expect(await screen.findByText('已提交退款，微信支付处理中')).toBeTruthy()
  expect(refunds).toEqual([{ action: 'orderRefund', orderId: 'MP777', reason: '顾客申请' }])
  expect(await screen.findByText(/退款中 · 微信支付正在处理这笔退款/)).toBeTruthy()
  expect(screen.queryByText('重试')).toBeNull()
})

test("more orders on request by the list's nextCursor, for the filter shown, until the list ends", async () => {
  const lists: Record<string, unknown>[] = []
  const row = (orderId: string) => ({
    orderId,
    channel: 'mp',
    state: 'ISSUED',
    totalPrice: 10000,
    buyer: '顾客A1B2',
    cards: [],
    at: 1764200000000,
  })
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    lists.push(d)
    return d.cursor === undefined
      ? { errcode: 0, total: 2, orders: [row('MP1')], nextCursor: 'k1.sig' }
      : { errcode: 0, total: 2, orders: [row('MP2')] }
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP1')).toBeTruthy()
  fireEvent.click(screen.getByText('已发卡'))
  await screen.findByText('订单号 MP1')
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('订单号 MP2')).toBeTruthy()
  expect(screen.getByText('订单号 MP1')).toBeTruthy()
  expect(lists.at(-1)).toEqual({ action: 'orderList', state: 'ISSUED', limit: 20, cursor: 'k1.sig' })
  expect(screen.queryByText('加载更多')).toBeNull()
})

test('a row is tagged with what became of its cards, and shows the buyer by alias (#28)', async () => {
  const row = (orderId: string, cardState: string) => ({
    orderId,
    channel: 'mp',
    state: 'ISSUED',
    cardState,
    totalPrice: 10000,
    buyer: '顾客A1B2',
    cards: [{ cardId: 'pA', price: 10000 }],
    at: 1764200000000,
  })
  answerAsMerchant({
    list: () => ({ errcode: 0, total: 3, orders: [row('MP1', 'CLAIMED'), row('MP2', 'GIFTED'), row('MP3', 'USED_UP')] }),
    detail: () => ({ errcode: 1005, errmsg: 'no' }),
    refund: () => ({ errcode: 1002, errmsg: 'no' }),
  })
  render(<OrdersPage />)
  expect(await screen.findByText('订单号 MP1')).toBeTruthy()
  const tags = Array.from(document.querySelectorAll('.order-row')).map((r) => r.querySelector('.nut-tag')?.textContent)
  expect(tags).toEqual(['已领取', '已赠送', '已用完'])
  expect(screen.getAllByText(/买家 顾客A1B2/)).toHaveLength(3)
})

test('a 买单 order shows its original total, coupon and legs, and is refunded with each part named (#28)', async () => {
  let refunded = false
  const refunds: Record<string, unknown>[] = []
  const order = () => ({
    orderId: 'COSHOP1',
    channel: 'checkout',
    state: refunded ? 'REFUNDING' : 'PAID',
    cardState: refunded ? 'REFUNDING' : 'PAID',
    ...(refunded ? { refundStatus: 'REFUNDING', refundFee: 4000 } : {}),
    totalPrice: 4000,
    buyer: '顾客A1B2',
    cards: [],
    at: 1764200000000,
    originalTotal: 15000,
    coupon: { cardId: 'pCASH', title: '满100减10', discount: 1000, status: refunded ? 'RESTORED' : 'USED' },
    legs: [
      { kind: 'wxpay', amount: 4000, state: refunded ? 'REFUNDING' : 'PAID' },
      { kind: 'giftcard', amount: 10000, cardId: 'pGIFT', title: '100元礼品卡', codeTail: '0001', state: refunded ? 'CREDITED' : 'PAID' },
    ],
  })
  answerAsMerchant({
    list: () => ({ errcode: 0, total: 1, orders: [order()] }),
    detail: () => ({ errcode: 0, order: order(), cards: [] }),
    refund: (d) => {
      refunds.push(d)
      refunded = true
      return { errcode: 0, orderId: 'COSHOP1', status: 'REFUNDING', refundFee: 4000, refundNo: 'RFCOSHOP1', channel: 'checkout' }
    },
  })
  render(<OrdersPage />)
  fireEvent.click(await screen.findByText('订单号 COSHOP1'))
  const parts = await screen.findByText('订单原价')
  expect(parts.closest('#checkout-parts')?.textContent).toBe(
    '订单原价¥150.00优惠券「满100减10」抵扣-¥10.00微信支付¥40.00100元礼品卡 尾号 0001¥100.00',
  )
  fireEvent.click(screen.getAllByText('退款')[0]!)
  expect(
    await screen.findByText('微信支付的 ¥40.00 原路退回，礼品卡支付的 ¥100.00 退回卡内，优惠券恢复可用。此操作不能撤销。'),
  ).toBeTruthy()
  fireEvent.change(document.querySelector('#refund-dialog textarea')!, { target: { value: '顾客退单' } })
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('已提交退款，微信支付处理中')).toBeTruthy()
  expect(refunds).toEqual([{ action: 'orderRefund', orderId: 'COSHOP1', reason: '顾客退单' }])
  expect((await screen.findByText(/已恢复可用/)).closest('#checkout-parts')?.textContent).toBe(
    '订单原价¥150.00优惠券「满100减10」抵扣 · 已恢复可用-¥10.00微信支付 · 退款中¥40.00100元礼品卡 尾号 0001 · 已退回卡内¥100.00',
  )
  // Asked once: no refund button any more (the closed dialog keeps its own).
  expect(screen.queryAllByText('退款').filter((el) => !el.closest('.nut-dialog'))).toEqual([])
})

test('a card partly spent: the refund dialog says what the refund gives back, not what was paid; once refunded, the detail says it too', async () => {
  let state = 'ISSUED'
  const row = () => ({
    orderId: 'MP888',
    channel: 'mp',
    state,
    ...(state === 'REFUNDED' ? { refundStatus: 'REFUNDED', refundFee: 6950 } : {}),
    totalPrice: 10000,
    buyer: '顾客E5F6',
    cards: [],
    at: 1764200000000,
  })
  answerAsMerchant({
    list: () => ({ errcode: 0, total: 1, orders: [row()] }),
    detail: () => ({ errcode: 0, order: row(), cards: [], ...(state === 'ISSUED' ? { refundPreview: 6950 } : {}) }),
    refund: () => {
      state = 'REFUNDED'
      return { errcode: 0, orderId: 'MP888', status: 'REFUNDED', refundFee: 6950, refundNo: 'RFMP888', channel: 'mp' }
    },
  })
  render(<OrdersPage />)
  fireEvent.click(await screen.findByText('订单号 MP888'))
  fireEvent.click((await screen.findAllByText('退款'))[0]!)
  expect(
    await screen.findByText('将退款 ¥69.50（实付 ¥100.00，已用部分不退，未用余额按售价折算），卡内余额作废，此操作不能撤销。'),
  ).toBeTruthy()
  fireEvent.change(document.querySelector('#refund-dialog textarea')!, { target: { value: '顾客不要了' } })
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  expect(await screen.findByText('退款金额 ¥69.50')).toBeTruthy()
})

test('a card code typed as the card page shows it (spaces) or with dashes is searched as its digits; dates come from the picker and can be cleared', async () => {
  const lists: Call[] = []
  answerAsMerchant({
    list: (d) => {
      lists.push(d)
      return { errcode: 0, total: 0, orders: [] }
    },
    detail: () => ({ errcode: 1005, errmsg: 'no order' }),
    refund: () => ({ errcode: 1002, errmsg: 'unknown' }),
  })
  render(<OrdersPage />)
  await screen.findByText('没有符合条件的订单')
  const search = async (typed: string) => {
    fireEvent.change(screen.getByPlaceholderText('订单号、卡号或买家'), { target: { value: typed } })
    const before = lists.length
    fireEvent.click(screen.getByText('搜索'))
    await waitFor(() => expect(lists.length).toBe(before + 1))
    return lists.at(-1)!.q
  }
  expect(await search(' 7156 6316 2806 ')).toBe('715663162806')
  expect(await search('7156-6316-2806')).toBe('715663162806')
  expect(await search('GC97C81B 1FBAFFF3')).toBe('GC97C81B1FBAFFF3')
  expect(await search('顾客·0E7C')).toBe('顾客·0E7C')
  // The dates: chosen in the picker, applied at once (no typed 2026/12/01 silently ignored).
  expect(document.querySelector('#order-since')?.closest('[data-taro="Picker"]')).toBeTruthy()
  expect(screen.queryByText('不限日期')).toBeNull()
  pickDate('order-until', '2026-12-07')
  await waitFor(() => expect(lists.at(-1)).toMatchObject({ until: Date.parse('2026-12-08T00:00:00+08:00') }))
  expect(screen.getByText('2026-12-07')).toBeTruthy()
  fireEvent.click(screen.getByText('不限日期'))
  await waitFor(() => expect(lists.at(-1)!.until).toBeUndefined())
  expect(screen.getByText('结束日期')).toBeTruthy()
  expect(screen.queryByText('不限日期')).toBeNull()
})
