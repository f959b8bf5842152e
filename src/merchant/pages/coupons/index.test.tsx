import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub } from '../../../../test/stubs/taro'
import CouponsPage from './index'

beforeEach(resetTaroStub)

test('the coupons in words; one put in the 领券中心, a friend coupon sent to buy stock, a QR code to deliver', async () => {
  const calls: Record<string, unknown>[] = []
  let claimable = false
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'couponList':
        return {
          errcode: 0,
          coupons: [
            {
              cardId: 'pCASH',
              type: 'CASH',
              title: '满百减十',
              terms: { leastCost: 10000, reduceCost: 1000 },
              friend: false,
              claimable,
              endTime: 1900000000,
            },
            {
              cardId: 'pFRIEND',
              type: 'GIFT',
              title: '咖啡1杯',
              terms: { gift: '咖啡1杯', friend: true },
              friend: true,
              claimable: false,
              endTime: 0,
            },
          ],
        }
      case 'claimableSet':
        claimable = d.claimable as boolean
        return { errcode: 0, cardId: d.cardId, claimable, channel: 'mp_claim' }
      case 'qrcodeCreate':
        return { errcode: 0, url: 'http://weixin.qq.com/q/c', ticket: 't' }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CouponsPage />)
  expect(await screen.findByText('满百减十')).toBeTruthy()
  expect(screen.getByText(/减 ¥10 · 满 ¥100 · 有效期至 2030-03-18/)).toBeTruthy()
  expect(screen.getByText('未放入领券中心')).toBeTruthy()
  expect(screen.getByText('朋友的券')).toBeTruthy()
  fireEvent.click(screen.getByText('放入领券中心'))
  expect(await screen.findByText('已放入领券中心')).toBeTruthy()
  expect(await screen.findByText('在领券中心')).toBeTruthy()
  expect(calls.find((c) => c.action === 'claimableSet')).toEqual({ action: 'claimableSet', cardId: 'pCASH', claimable: true })
  // A friend coupon is not offered in the 领券中心: its stock is bought with 券点.
  fireEvent.click(screen.getByText('用券点兑换库存'))
  expect(navigations).toContain('/merchant/pages/coins/index?cardId=pFRIEND')
  fireEvent.click(screen.getAllByText('生成领取二维码')[0]!)
  expect(await screen.findByText('顾客用微信扫码即可领取')).toBeTruthy()
  fireEvent.click(screen.getByText('新建优惠券'))
  expect(navigations).toContain('/merchant/pages/coupon-edit/index')
})
