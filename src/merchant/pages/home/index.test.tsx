import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub } from '../../../../test/stubs/taro'
import { salesChart } from '../../sales-chart'
import MerchantHome from './index'

beforeEach(resetTaroStub)

const dashboard = (days: number) => ({
  errcode: 0,
  days,
  sales: [
    { date: '2026-11-26', channel: 'mp', amount: 10000, orders: 1 },
    { date: '2026-11-27', channel: 'shelf', amount: 50000, orders: 2 },
  ],
  redeemed: 2500,
  liability: 57500,
  liveCards: 3,
  claimed: 4,
  members: 1,
  cube: true,
})

test('an admin sees the dashboard in yuan, figures by channel and by day, and the console menu', async () => {
  const asked: number[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'dashboard') {
      asked.push(d.days as number)
      return dashboard(d.days as number)
    }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<MerchantHome />)
  expect(await screen.findByText('¥600.00')).toBeTruthy()
  expect(screen.getByText('3 笔')).toBeTruthy()
  expect(screen.getByText('¥25.00')).toBeTruthy()
  expect(screen.getByText('¥575.00')).toBeTruthy()
  expect(screen.getByText('3 张礼品卡仍可使用')).toBeTruthy()
  expect(screen.getByText('¥100.00 · 1 笔')).toBeTruthy()
  expect(screen.getByText('¥500.00 · 2 笔')).toBeTruthy()
  // Sales by day per channel: the text rendering of the chart's figures (no canvas in this renderer).
  const days = Array.from(document.querySelectorAll('.sales-day')).map((el) => el.textContent)
  expect(days).toEqual(['11-26小程序 ¥100.00¥100.00', '11-27货架 ¥500.00¥500.00'])
  await waitFor(() => expect(document.querySelector('.sales-chart')?.getAttribute('data-drawn')).toBe('none'))
  fireEvent.click(screen.getByText('近 30 天'))
  expect(await screen.findByText('¥600.00')).toBeTruthy()
  expect(asked).toEqual([7, 30])
  fireEvent.click(screen.getByText('订单'))
  expect(navigations).toEqual(['/merchant/pages/orders/index'])
})

test('member recharges count in a sales figure of their own and in the total; the cube’s day of lag is said (#28)', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'dashboard') return { ...dashboard(7), rechargeSales: 5000, salesWithRecharges: 65000 }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<MerchantHome />)
  expect(await screen.findByText('含会员充值共 ¥650.00')).toBeTruthy()
  expect(document.querySelector('#stat-recharged')?.textContent).toBe('会员充值¥50.00')
  expect(document.querySelector('#cube-late')?.textContent).toBe('领取数与新增会员来自微信数据统计，今天的领取和加入可能要到次日才计入。')
})

test('staff see the counter note and no admin menu or figures', async () => {
  cloudHandlers.set('merchant', (d) => (d.action === 'whoami' ? { errcode: 0, role: 'staff' } : { errcode: 1004, errmsg: 'admins only' }))
  render(<MerchantHome />)
  expect(await screen.findByText(/你是店员/)).toBeTruthy()
  expect(screen.queryByText('经营概况')).toBeNull()
  expect(screen.queryByText('订单')).toBeNull()
})

test('a consumer gets a plain no-access page with a way back, never the setting’s name', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 0, role: null }))
  render(<MerchantHome />)
  expect(await screen.findByText('你没有商户管理权限')).toBeTruthy()
  expect(screen.getByText('返回首页')).toBeTruthy()
  expect(document.body.textContent).not.toContain('MERCHANT_ADMIN_OPENIDS')
})

test('the WeChat data cube missing is said in words', async () => {
  cloudHandlers.set('merchant', (d) =>
    d.action === 'whoami' ? { errcode: 0, role: 'admin' } : { ...dashboard(7), cube: false, sales: [] },
  )
  render(<MerchantHome />)
  expect(await screen.findByText('微信数据暂时无法获取，领取数和会员数未计入')).toBeTruthy()
  expect(screen.getByText('这段时间还没有销售')).toBeTruthy()
})

test('the chart is given sales by day per channel in fen, oldest day first, the same figures as its text', () => {
  const figures = salesChart([
    { date: '2026-11-27', channel: 'shelf', amount: 50000, orders: 2 },
    { date: '2026-11-26', channel: 'mp', amount: 10000, orders: 1 },
    { date: '2026-11-27', channel: 'mp', amount: 2000, orders: 1 },
    { date: '2026-11-27', channel: 'checkout', amount: 0, orders: 0 },
  ])
  expect(figures).toEqual({
    categories: ['11-26', '11-27'],
    series: [
      { channel: 'mp', data: [10000, 2000] },
      { channel: 'shelf', data: [0, 50000] },
    ],
    totals: [10000, 52000],
  })
})

test('gift cards are counted as gift cards; member cards and coupons under their own names', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'dashboard')
      return {
        ...dashboard(7),
        liability: 62500,
        liveCards: 3,
        live: { giftCards: { count: 3, balance: 57500 }, memberCards: { count: 2, balance: 5000 }, coupons: { count: 4, balance: 0 } },
        claimed: 4,
        couponsClaimed: 6,
        members: 2,
      }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<MerchantHome />)
  expect(await screen.findByText('¥625.00')).toBeTruthy()
  expect(document.querySelector('#stat-liability')?.textContent).toBe(
    '未使用余额¥625.00礼品卡 3 张，余额 ¥575.00会员卡 2 张，储值 ¥50.00未使用的优惠券 4 张',
  )
  expect(document.querySelector('#stat-claimed')?.textContent).toBe('礼品卡领取4')
  expect(document.querySelector('#stat-coupons-claimed')?.textContent).toBe('优惠券领取6')
  expect(document.querySelector('#stat-members')?.textContent).toBe('新增会员2')
})
