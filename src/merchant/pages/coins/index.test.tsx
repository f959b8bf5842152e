import { fireEvent, render, screen } from '@testing-library/react'
import { RETIRED_COUPONS_NOTICE } from '../../../../contract/coupon-notice'
import { cloudHandlers, resetTaroStub, setRouterParams } from '../../../../test/stubs/taro'
import CoinsPage from './index'

beforeEach(resetTaroStub)

const type = (field: string, value: string) => fireEvent.change(document.querySelector(`#field-${field} input`)!, { target: { value } })

function merchant() {
  const calls: Record<string, unknown>[] = []
  let account = { freeCoin: 0, payCoin: 0, totalCoin: 0 }
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'coins':
        return { errcode: 0, ...account }
      case 'coinsActivate':
        account = { freeCoin: 200, payCoin: 0, totalCoin: 200 }
        return { errcode: 0, reward: 200, ...account, notice: RETIRED_COUPONS_NOTICE }
      case 'couponList':
        return {
          errcode: 0,
          coupons: [
            { cardId: 'pCASH', type: 'CASH', title: '满百减十', terms: {}, friend: false, claimable: true, endTime: 0 },
            { cardId: 'pFRIEND', type: 'CASH', title: '5元代金券', terms: { friend: true }, friend: true, claimable: false, endTime: 0 },
          ],
        }
      case 'coinsPrice':
        return { errcode: 0, orderId: 'Q1', price: '20', freeCoin: '20', payCoin: '0', expiresAt: 0, notice: RETIRED_COUPONS_NOTICE }
      case 'coinsConfirm':
        account = { freeCoin: 180, payCoin: 0, totalCoin: 180 }
        return { errcode: 0, orderId: 'Q1', cardId: 'pFRIEND', quantity: 100, status: 'CONFIRMED', notice: RETIRED_COUPONS_NOTICE }
      case 'coinsRecharge':
        return { errcode: 0, orderId: 'R1', qrcodeUrl: 'weixin://wxpay/bizpayurl?pr=abc', notice: RETIRED_COUPONS_NOTICE }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  return calls
}

test('券点: the notice, activation, a price quote for a friend coupon confirmed once, a recharge QR code', async () => {
  setRouterParams({ cardId: 'pFRIEND' })
  const calls = merchant()
  render(<CoinsPage />)
  expect(await screen.findByText('券点余额')).toBeTruthy()
  expect(document.querySelector('#retired-notice')!.textContent).toContain(RETIRED_COUPONS_NOTICE)
  fireEvent.click(screen.getByText('开通券点账户（送 200 免费券点）'))
  expect(await screen.findByText('已开通，获赠 200 券点')).toBeTruthy()
  expect(document.querySelector('#coin-balance')!.textContent).toContain('200')
  // Only friend coupons are offered for stock; the ordinary one is not.
  expect(document.querySelector('#friend-cards')!.textContent).toBe('5元代金券')
  type('quantity', '0')
  expect(screen.getByText('请填写 0 到 1 亿之间的整数')).toBeTruthy()
  type('quantity', '100')
  fireEvent.click(screen.getByText('查询价格'))
  expect(await screen.findByText('兑换 100 张需要 20 券点')).toBeTruthy()
  const confirm = screen.getByText('确认兑换')
  fireEvent.click(confirm)
  fireEvent.click(confirm)
  expect(await screen.findByText('已兑换，库存增加 100 张')).toBeTruthy()
  expect(calls.filter((c) => c.action === 'coinsConfirm')).toEqual([
    { action: 'coinsConfirm', cardId: 'pFRIEND', orderId: 'Q1', quantity: 100 },
  ])
  expect(await screen.findAllByText('180')).toHaveLength(2)
  type('coinCount', '50')
  fireEvent.click(screen.getByText('生成付款二维码'))
  expect(await screen.findByText('请用微信扫码付款，付款后券点到账')).toBeTruthy()
  expect(calls.find((c) => c.action === 'coinsRecharge')).toEqual({ action: 'coinsRecharge', coinCount: 50 })
})

test('an account without the permission reads the 45103 refusal in the function’s words', async () => {
  const refusal = `微信拒绝了接口 card/pay/getcoinsinfo（errcode 45103）：${RETIRED_COUPONS_NOTICE}`
  cloudHandlers.set('merchant', (d) =>
    d.action === 'whoami'
      ? { errcode: 0, role: 'admin' }
      : d.action === 'coins'
        ? { errcode: 1502, errmsg: refusal, reason: 'WECHAT_ADVICE' }
        : { errcode: 0, coupons: [] },
  )
  render(<CoinsPage />)
  expect(await screen.findByText(refusal)).toBeTruthy()
  expect(screen.getByText('还没有朋友的券，请先新建一张')).toBeTruthy()
})
