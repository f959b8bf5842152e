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
              reviewStatus: 'APPROVED',
            },
            {
              cardId: 'pFRIEND',
              type: 'GIFT',
              title: '咖啡1杯',
              terms: { gift: '咖啡1杯', friend: true },
              friend: true,
              claimable: false,
              endTime: 0,
              reviewStatus: 'PENDING',
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
  // WeChat's review in words on each coupon, never its status names.
  expect(screen.getByText('已通过')).toBeTruthy()
  expect(screen.getByText('审核中')).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/APPROVED|PENDING/)
  expect(document.querySelector('.review-refused')).toBeNull()
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

test('a coupon WeChat’s review refused shows 审核未通过 with the reason, and 编辑 leads to resubmitting it', async () => {
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'couponList':
        return {
          errcode: 0,
          coupons: [
            {
              cardId: 'pREFUSED',
              type: 'DISCOUNT',
              title: '八五折券',
              terms: { discount: 15 },
              friend: false,
              claimable: false,
              endTime: 1900000000,
              reviewStatus: 'REJECTED',
              reviewReason: '优惠券门槛填写不规范',
            },
            // A record from before reviews were kept has no reviewStatus: it reads 审核中, as the functions answer.
            { cardId: 'pOLD', type: 'CASH', title: '旧券', terms: { reduceCost: 500 }, friend: false, claimable: false, endTime: 0 },
          ],
        }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<CouponsPage />)
  expect(await screen.findByText('审核未通过：优惠券门槛填写不规范')).toBeTruthy()
  expect(screen.getByText('审核未通过')).toBeTruthy()
  expect(screen.getByText('审核中')).toBeTruthy()
  const refused = document.querySelector('[data-card="pREFUSED"]')!
  expect(refused.querySelector('.review-refused')!.textContent).toBe('审核未通过：优惠券门槛填写不规范')
  expect(document.querySelector('[data-card="pOLD"] .review-refused')).toBeNull()
  fireEvent.click(screen.getAllByText('编辑')[0]!)
  expect(navigations).toEqual(['/merchant/pages/coupon-edit/index?cardId=pREFUSED&type=DISCOUNT'])
})
