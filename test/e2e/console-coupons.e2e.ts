// The whole coupon business from the console (#28), in a phone-sized H5 preview: carol reads the notice
// about WeChat's retired coupons, types a 折扣券 of 100% off and is told why as she types, then creates a
// 满 ¥100 减 ¥10 代金券 with an uploaded logo; WeChat's review passes (card_pass_check) and she puts it in
// the 领券中心; alice claims it there and uses it at the checkout on a ¥108 order (WeChat Pay ¥98). Carol
// then creates a member card with a second level; once WeChat passes it, alice joins it on 会员卡,
// activates it and sees it with its member code.
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ROOT } from '../../emulator/stack'
import { addToOrder, bag, e2eStack, openAs, snap, tap, uploadPicture, visible, visibleCss, type Json } from './browser'

// Cards wait in WeChat's review (as they do on the platform) until the test moves the emulated clock past it.
const REVIEW_SECONDS = 600
const stack = e2eStack({ WXEMU_REVIEW_SECONDS: String(REVIEW_SECONDS) })
const LOGO = join(ROOT, 'emulator', 'assets', 'faces', 'demo-face-blue.jpg')

async function fill(page: Page, field: string, value: string) {
  await visibleCss(page, `#field-${field} input, #field-${field} textarea`).fill(value)
}

const upload = (page: Page, field: string) => uploadPicture(page, field, LOGO)

/**
 * WeChat's reviewer passes the card titled `title`: the emulated clock moves past the review delay
 * (WXEMU_REVIEW_SECONDS), the card becomes CARD_STATUS_VERIFY_OK and card_pass_check is pushed to our
 * functions and answered. Returns the card's id.
 */
async function reviewPasses(title: string): Promise<string> {
  const wx = stack().wechat
  const card = Object.values(wx.platform.s.cards).find((c) => (c.body.base_info as { title?: string }).title === title)!
  expect(card.status).toBe('CARD_STATUS_NOT_VERIFY')
  const res = await fetch(`${wx.url}/__emu/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: REVIEW_SECONDS }) })
  expect(res.status).toBe(200)
  await wx.platform.settle()
  expect(wx.platform.s.cards[card.card_id]!.status).toBe('CARD_STATUS_VERIFY_OK')
  const pushes = ((await (await fetch(`${wx.url}/__emu/pushes`)).json()) as Json).pushes as Json[]
  const passed = pushes.filter((p) => p.event === 'card_pass_check' && String(p.xml).includes(card.card_id))
  expect(passed.map((p) => p.status)).toEqual(['delivered'])
  return card.card_id
}

test('console: a 代金券 passes review, alice claims it and uses it at checkout; a member card passes review, alice joins it', async ({
  page,
}) => {
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
  const couponId = await reviewPasses('满100减10')
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

  // Alice uses it at the checkout: 拿铁 ×3 + 可颂 ×2 = ¥108, the coupon takes ¥10, WeChat Pay ¥98.
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  await addToOrder(page, 'latte', 2)
  await addToOrder(page, 'croissant', 1)
  await expect(visibleCss(page, '#total')).toHaveText('¥108.00')
  await visibleCss(page, '#coupons .card-tile').click()
  await expect(visibleCss(page, '#split-discount')).toHaveText('-¥10.00')
  await expect(visibleCss(page, '#split-wechat')).toHaveText('¥98.00')
  await visibleCss(page, '#split').scrollIntoViewIfNeeded()
  await snap(page, '93a-console-coupon-at-checkout')
  await tap(page, '确认支付 ¥98.00')
  await expect(visible(page, '优惠券抵扣 ¥10.00，微信支付 ¥98.00')).toBeVisible()
  await tap(page, '确定')
  await expect(visible(page, '支付成功')).toBeVisible({ timeout: 20_000 })
  await expect(visibleCss(page, '#paid-discount')).toHaveText('优惠券抵扣 ¥10.00')
  await snap(page, '93b-console-coupon-paid')
  // WeChat saw it: the coupon's code consumed, ¥98.00 paid by WeChat Pay for the order.
  await stack().wechat.platform.settle()
  const codes = Object.values(stack().wechat.platform.s.codes).filter((c) => c.card_id === couponId)
  expect(codes.map((c) => c.status)).toEqual(['CONSUMED'])
  const payments = ((await (await fetch(`${stack().wechat.url}/__emu/payments`)).json()) as Json).payments as Json[]
  expect(payments.filter((p) => p.paid).map((p) => p.totalFee)).toEqual([9800])

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
  const memberCardId = await reviewPasses('星河会员卡')

  // Alice joins it on 会员卡, activates it with her phone and name, and sees it with its member code.
  await openAs(page, stack(), 'alice', '/member/pages/index/index')
  await expect(visible(page, '星河会员卡')).toBeVisible()
  await snap(page, '95-consumer-joins-console-member-card')
  await tap(page, '免费加入')
  await expect(visibleCss(page, '#activate-form')).toBeVisible({ timeout: 20_000 })
  await visibleCss(page, '#field-phone input').fill('13800138000')
  await visibleCss(page, '#field-name input').fill('李爱丽')
  await tap(page, '提交并激活')
  await expect(visible(page, /会员号 8\d{12}/)).toBeVisible({ timeout: 20_000 })
  const joined = (await bag(stack(), 'alice')).filter((c) => c.cardId === memberCardId)
  expect(joined.map((c) => [c.status, c.activated])).toEqual([['NORMAL', true]])
  await expect(visibleCss(page, '#member-level')).toHaveText('普通')
  await expect(visibleCss(page, '#member-code #code-digits')).toHaveText(String(joined[0]!.code).replace(/(.{4})(?=.)/g, '$1 '))
  await snap(page, '96-consumer-console-member-card')
})
