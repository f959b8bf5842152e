// Paying at the merchant's checkout with a gift card that does not cover the order: the card pays what
// it holds, WeChat Pay the rest. The first WeChat Pay is cancelled (the person closes the sheet): the
// card is credited back, and paying again on the same page goes through. Also the merchant's page.
import { expect, test } from '@playwright/test'
import { agree, bag, buyInShop, e2eStack, openAs, snap, tap, visible, visibleCss } from './browser'

const stack = e2eStack()

test('a split payment, a cancelled WeChat Pay retried without reloading, and the new balance', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥100.00', forMe: true, shot: '30-checkout' })
  await expect(visible(page, /已放入卡包/)).toBeVisible({ timeout: 30_000 })
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  // The default order is 拿铁 + 可颂 (¥40.00); three more lattes make ¥124.00.
  const latte = visibleCss(page, '[data-item="latte"]')
  for (let i = 0; i < 3; i++) await latte.locator('.nut-inputnumber-icon').last().click()
  await expect(visibleCss(page, '#total')).toHaveText('¥124.00')
  await visibleCss(page, '#cards .card-tile').click()
  await expect(visibleCss(page, '#split-card')).toHaveText('¥100.00')
  await expect(visibleCss(page, '#split-wechat')).toHaveText('¥24.00')
  await snap(page, '31-checkout-split')

  // The person closes WeChat Pay's sheet: the client answers requestPayment:fail cancel.
  await page.route(
    '**/__preview/wx/requestPayment',
    (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ errMsg: 'requestPayment:fail cancel' }) }),
    { times: 1 },
  )
  await tap(page, '确认支付 ¥124.00')
  await expect(visible(page, '礼品卡支付 ¥100.00，微信支付 ¥24.00')).toBeVisible()
  await snap(page, '32-checkout-confirm')
  await tap(page, '确定')
  await expect(visible(page, '微信支付未完成，礼品卡已退回，余额 ¥100.00')).toBeVisible({ timeout: 20_000 })
  await snap(page, '33-checkout-cancelled')
  expect((await agree(stack(), 'alice')).map((c) => c.balance)).toEqual([10000])

  await tap(page, '重新支付')
  await tap(page, '确定')
  await expect(visible(page, '支付成功')).toBeVisible({ timeout: 20_000 })
  // Two checkouts were started, the cancelled one and this one: the card was charged once.
  await expect(visible(page, '礼品卡余额 ¥0.00')).toBeVisible()
  await expect(visible(page, '微信支付 ¥24.00')).toBeVisible()
  await snap(page, '34-checkout-paid')
  await stack().wechat.platform.settle()
  expect((await bag(stack(), 'alice')).map((c) => c.balance)).toEqual([0])
})

test('carol, the demo merchant, opens 商户管理 from her home page', async ({ page }) => {
  await openAs(page, stack(), 'carol', '/pages/index/index')
  await tap(page, '商户管理')
  // The console home: its menu and the dashboard (the checkout above is a sale of the checkout channel).
  await expect(visible(page, '操作记录')).toBeVisible()
  await expect(visibleCss(page, '#stat-sales')).toContainText('¥124.00')
  await snap(page, '35-merchant')
})
