import { fireEvent, render, screen } from '@testing-library/react'
import { RETIRED_COUPONS_NOTICE } from '../../../../contract/coupon-notice'
import { cloudHandlers, resetTaroStub, setRouterParams, wxHandlers } from '../../../../test/stubs/taro'
import CouponEditPage from './index'

beforeEach(resetTaroStub)

const type = (field: string, value: string) =>
  fireEvent.change(document.querySelector(`#field-${field} input, #field-${field} textarea`)!, { target: { value } })
const label = (field: string) => document.querySelector(`#field-${field} .field-label`)!.textContent

function merchant(extra: (d: Record<string, unknown>) => unknown = () => ({ errcode: 0 })) {
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'imageUpload') return { errcode: 0, url: 'https://mmbiz.qpic.cn/logo' }
    return extra(d)
  })
  return calls
}

async function fillCommon() {
  wxHandlers.chooseImage = () => ({ tempFilePaths: ['wxfile://tmp/logo.png'] })
  type('title', '满百减十')
  type('brandName', '星河咖啡')
  type('description', '到店出示使用')
  fireEvent.click(screen.getByText('上传图片'))
  expect(await screen.findByText('已上传')).toBeTruthy()
}

test('before anything is sent: the retired-coupons notice, the required fields marked, a bad discount refused as typed in the contract’s words', async () => {
  const calls = merchant()
  render(<CouponEditPage />)
  await screen.findByText('券的类型')
  expect(document.querySelector('#retired-notice')!.textContent).toContain(RETIRED_COUPONS_NOTICE)
  // Marked before the merchant submits: the amount off is required, the threshold is not.
  expect(label('reduceCost')).toBe('减免金额（元）必填')
  expect(label('leastCost')).toBe('起用金额（元，不填为无门槛）')
  fireEvent.click(screen.getByText('折扣券'))
  type('discount', '100')
  // contract/card-rules.ts: "discount … 折扣券专用,表示打折额度(百分比)。填30就是七折。" (1–99)
  expect(screen.getByText('折扣须为 1 到 99 的整数，填 30 即七折')).toBeTruthy()
  type('discount', '30')
  expect(screen.queryByText('折扣须为 1 到 99 的整数，填 30 即七折')).toBeNull()
  type('title', '一个名字特别特别长的折扣券')
  expect(screen.getByText('最多 9 个汉字')).toBeTruthy()
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('请先修改标红的内容')).toBeTruthy()
  expect(calls.filter((c) => c.action === 'cardCreate')).toEqual([])
})

test('a 代金券 is created as card/create wants it, then put in the 领券中心 and given a QR code; the server’s notice is shown', async () => {
  const calls = merchant((d) => {
    if (d.action === 'cardCreate') return { errcode: 0, cardId: 'pCASH', notice: RETIRED_COUPONS_NOTICE }
    if (d.action === 'claimableSet') return { errcode: 0, cardId: 'pCASH', claimable: true, channel: 'mp_claim' }
    if (d.action === 'qrcodeCreate') return { errcode: 0, url: 'http://weixin.qq.com/q/coupon', ticket: 't' }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<CouponEditPage />)
  await screen.findByText('券的类型')
  type('reduceCost', '10')
  type('leastCost', '100')
  await fillCommon()
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('券已创建，审核通过后可以：')).toBeTruthy()
  const card = calls.find((c) => c.action === 'cardCreate')!.card as {
    card_type: string
    cash: Record<string, unknown> & { base_info: Record<string, unknown> }
  }
  expect(card.card_type).toBe('CASH')
  expect(card.cash).toMatchObject({
    reduce_cost: 1000,
    least_cost: 10000,
    base_info: { title: '满百减十', brand_name: '星河咖啡', logo_url: 'https://mmbiz.qpic.cn/logo', sku: { quantity: 1000 } },
  })
  expect(document.querySelector('#retired-notice')!.textContent).toContain(RETIRED_COUPONS_NOTICE)
  fireEvent.click(screen.getByText('放入领券中心'))
  expect(await screen.findByText('已放入领券中心')).toBeTruthy()
  expect(calls.find((c) => c.action === 'claimableSet')).toEqual({ action: 'claimableSet', cardId: 'pCASH', claimable: true })
  fireEvent.click(screen.getByText('生成领取二维码'))
  expect(await screen.findByText('顾客用微信扫码即可领取')).toBeTruthy()
  expect(document.querySelector('#delivery-qr')).toBeTruthy()
})

test('WeChat’s 45103 refusal is shown in the function’s own words, and the form stays to try again', async () => {
  const refusal = `微信拒绝了接口 card/create（errcode 45103）：${RETIRED_COUPONS_NOTICE}请改用礼品卡或会员卡，或在公众平台后台确认账号是否仍有该权限，并停用依赖该接口的功能。`
  merchant((d) => (d.action === 'cardCreate' ? { errcode: 1502, errmsg: refusal, reason: 'WECHAT_ADVICE' } : { errcode: 0 }))
  render(<CouponEditPage />)
  await screen.findByText('券的类型')
  fireEvent.click(screen.getByText('团购券'))
  type('dealDetail', '双人套餐')
  await fillCommon()
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText(refusal)).toBeTruthy()
  expect(screen.getByText('提交审核')).toBeTruthy()
})

test('a friend coupon asks for a store and no stock, and lasts at most 90 days (friend-coupons.zh.txt)', async () => {
  const calls = merchant((d) =>
    d.action === 'cardCreate' ? { errcode: 0, cardId: 'pFRIEND', notice: RETIRED_COUPONS_NOTICE } : { errcode: 0 },
  )
  render(<CouponEditPage />)
  await screen.findByText('券的类型')
  fireEvent.click(screen.getByText('普通券'))
  expect(document.querySelector('#field-quantity')).toBeNull()
  expect(label('locationId')).toBe('适用门店编号必填')
  type('reduceCost', '0')
  expect(screen.getByText('减免金额须为整分，朋友的券不能为 0')).toBeTruthy()
  type('reduceCost', '5')
  type('endDate', new Date(Date.now() + 8 * 3600_000 + 120 * 86400_000).toISOString().slice(0, 10))
  expect(screen.getByText('朋友的券有效期最长 90 天')).toBeTruthy()
  type('endDate', new Date(Date.now() + 8 * 3600_000 + 60 * 86400_000).toISOString().slice(0, 10))
  type('locationId', '123456')
  wxHandlers.chooseImage = () => ({ tempFilePaths: ['wxfile://tmp/logo.png'] })
  type('brandName', '星河咖啡')
  type('description', '到店出示使用')
  fireEvent.click(screen.getByText('上传图片'))
  await screen.findByText('已上传')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('朋友的券只能在门店扫码领取，不能放入领券中心')).toBeTruthy()
  const card = calls.find((c) => c.action === 'cardCreate')!.card as {
    cash: { advanced_info: Record<string, unknown>; base_info: Record<string, unknown> }
  }
  expect(card.cash.advanced_info.share_friends).toBe(true)
  expect(card.cash.base_info).toMatchObject({ location_id_list: [123456], can_share: false, can_give_friend: false })
  expect(card.cash.base_info.sku).toBeUndefined()
  // The picture went as a file marked with wx.cloud.CDN: the function gets its temporary URL, not base64.
  expect(calls.filter((c) => c.action === 'imageUpload')).toEqual([
    { action: 'imageUpload', name: 'logo.png', contentUrl: `https://tmp.cdn.test/${encodeURIComponent('wxfile://tmp/logo.png')}` },
  ])
})

test('editing a coupon sends the changed texts under its type through card/update', async () => {
  setRouterParams({ cardId: 'pD', type: 'DISCOUNT' })
  const calls = merchant((d) =>
    d.action === 'cardUpdate'
      ? { errcode: 0, send_check: true }
      : d.action === 'couponList'
        ? { errcode: 0, coupons: [] }
        : { errcode: 1002, errmsg: 'unknown' },
  )
  render(<CouponEditPage />)
  await screen.findByText('使用说明')
  // Not refused: no reason above the fields.
  expect(document.querySelector('#review-refused')).toBeNull()
  type('notice', '请出示给店员一二三四五六七八九十壹')
  expect(screen.getByText('最多 16 个汉字')).toBeTruthy()
  type('notice', '请出示给店员')
  // The fields start empty: each says that empty leaves the coupon's text as it is.
  expect(screen.getAllByPlaceholderText('不修改请留空')).toHaveLength(2)
  // A double tap is one card/update (each sends the coupon back to review).
  fireEvent.click(screen.getByText('提交审核'))
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('已保存，卡券已重新提交审核')).toBeTruthy()
  expect(calls.filter((c) => c.action === 'cardUpdate')).toHaveLength(1)
  expect(calls.find((c) => c.action === 'cardUpdate')!.update).toEqual({
    card_id: 'pD',
    discount: { base_info: { notice: '请出示给店员' } },
  })
})

test('editing a coupon WeChat’s review refused shows the reason above the fields to fix', async () => {
  setRouterParams({ cardId: 'pR', type: 'CASH' })
  merchant((d) =>
    d.action === 'couponList'
      ? {
          errcode: 0,
          coupons: [
            {
              cardId: 'pR',
              type: 'CASH',
              title: '满百减十',
              terms: { leastCost: 10000, reduceCost: 1000 },
              friend: false,
              claimable: false,
              endTime: 1900000000,
              reviewStatus: 'REJECTED',
              reviewReason: '优惠券门槛填写不规范',
            },
          ],
        }
      : { errcode: 1002, errmsg: 'unknown' },
  )
  render(<CouponEditPage />)
  expect(await screen.findByText('审核未通过：优惠券门槛填写不规范')).toBeTruthy()
  expect(screen.getByText('按审核意见修改后保存，卡券将重新提交微信审核。')).toBeTruthy()
})
