// The whole coupon business from the console (#28), in a phone-sized H5 preview: carol reads the notice
// about WeChat's retired coupons, types a 折扣券 of 100% off and is told why as she types, then creates a
// 满 ¥100 减 ¥10 代金券 with an uploaded logo and puts it in the 领券中心; alice claims it there. Carol
// then creates a member card with a second level.
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ROOT } from '../../emulator/stack'
import { e2eStack, openAs, snap, tap, uploadPicture, visible, visibleCss } from './browser'

const stack = e2eStack()
const LOGO = join(ROOT, 'emulator', 'assets', 'faces', 'demo-face-blue.jpg')

async function fill(page: Page, field: string, value: string) {
  await visibleCss(page, `#field-${field} input, #field-${field} textarea`).fill(value)
}

const upload = (page: Page, field: string) => uploadPicture(page, field, LOGO)

test('carol creates a 代金券 from the console and offers it; alice claims it; carol creates a member card', async ({ page }) => {
  await openAs(page, stack(), 'carol', '/merchant/pages/home/index')
  await page
    .locator('.menu-item')
    .filter({ hasText: /^优惠券$/, visible: true })
    .first()
    .click()
  await tap(page, '新建优惠券')
  await expect(visibleCss(page, '#retired-notice')).toContainText('错误码 45103')
  await tap(page, '折扣券')
  await fill(page, 'discount', '100')
  await expect(visible(page, '折扣须为 1 到 99 的整数，填 30 即七折')).toBeVisible()
  await snap(page, '90-console-coupon-refused-as-typed')

  await tap(page, '代金券')
  await fill(page, 'reduceCost', '10')
  await fill(page, 'leastCost', '100')
  await fill(page, 'title', '满100减10')
  await fill(page, 'brandName', '示例咖啡')
  await fill(page, 'description', '到店出示，不与其他优惠同享')
  await upload(page, 'logoUrl')
  await snap(page, '91-console-coupon-form')
  await tap(page, '提交审核')
  await expect(visible(page, '券已创建，审核通过后可以：')).toBeVisible()
  await tap(page, '放入领券中心')
  await expect(visible(page, '已放入领券中心')).toBeVisible()
  await tap(page, '生成领取二维码')
  await expect(visibleCss(page, '#delivery-qr')).toBeVisible()
  await snap(page, '92-console-coupon-created')

  await openAs(page, stack(), 'alice', '/pages/coupons/index')
  await expect(visible(page, '减 ¥10')).toBeVisible()
  await tap(page, '领取')
  await expect(visible(page, '已放入卡包')).toBeVisible({ timeout: 20_000 })
  await snap(page, '93-consumer-claims-console-coupon')

  await openAs(page, stack(), 'carol', '/merchant/pages/member-card-edit/index')
  await fill(page, 'title', '星河会员卡')
  await fill(page, 'brandName', '示例咖啡')
  await fill(page, 'prerogative', '会员九五折')
  await fill(page, 'description', '储值不可提现')
  await upload(page, 'logoUrl')
  await tap(page, '添加等级')
  await visibleCss(page, '#level-1 input').fill('金卡')
  await page.locator('#level-1 input').filter({ visible: true }).nth(1).fill('1000')
  await snap(page, '94-console-member-card-form')
  await tap(page, '提交审核')
  await expect(visible(page, '会员卡已提交，等待微信审核')).toBeVisible()
})
