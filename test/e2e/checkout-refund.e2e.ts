// Issue 28: a 买单 (checkout) order with a coupon and a gift card, refunded from the console. alice pays
// ¥124 at the shop's checkout with 满 ¥100 减 ¥10 and her ¥100 gift card (WeChat Pay ¥14); carol finds the
// order in the console — its original total, the coupon and both legs, the buyer by alias — and refunds it:
// WeChat Pay's ¥14 goes back, the card has its ¥100 again and the coupon is usable again, each once.
import { expect, test } from '@playwright/test'
import { cashCoupon, claimCoupon } from '../helpers/coupons'
import { person } from '../helpers/stack'
import { e2eStack, openAs, snap, tap, visible, visibleCss, type Json } from './browser'

const stack = e2eStack()

test('a 买单 order with a coupon and a gift card, refunded from the console: each part back once', async ({ page }) => {
  const carol = person(stack(), 'carol')
  const alice = person(stack(), 'alice')
  const cash = await carol.fn('merchant', { action: 'cardCreate', card: cashCoupon('满100减10', 10000, 1000) })
  expect(cash.errcode).toBe(0)
  expect((await carol.fn('merchant', { action: 'claimableSet', cardId: cash.cardId, claimable: true })).errcode).toBe(0)
  // alice has the coupon and a ¥100 gift card in her card bag (as the claim page and the shop put them there).
  const coupon = await claimCoupon(stack(), 'alice', cash.cardId as string, 'e2e-refund-claim-1')
  const { card } = await alice.buyAndAdd(await alice.shopCardId(10000))

  // The checkout: ¥124, the coupon takes ¥10 off, the gift card pays ¥100, WeChat Pay the last ¥14.
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  const latte = visibleCss(page, '[data-item="latte"]')
  for (let i = 0; i < 3; i++) await latte.locator('.nut-inputnumber-icon').last().click()
  await expect(visibleCss(page, '#total')).toHaveText('¥124.00')
  await visibleCss(page, '#coupons .card-tile').click()
  await visibleCss(page, `.card-tile[data-type="${String(card.type ?? 'GIFT_CARD')}"]`).click()
  await expect(visibleCss(page, '#split-discount')).toHaveText('-¥10.00')
  await expect(visibleCss(page, '#split-card')).toHaveText('¥100.00')
  await expect(visibleCss(page, '#split-wechat')).toHaveText('¥14.00')
  await snap(page, '80-refund-checkout-split')
  await tap(page, '确认支付 ¥114.00')
  await expect(visible(page, '优惠券抵扣 ¥10.00，礼品卡支付 ¥100.00，微信支付 ¥14.00')).toBeVisible()
  await tap(page, '确定')
  await expect(visible(page, '支付成功')).toBeVisible({ timeout: 20_000 })
  await snap(page, '81-refund-checkout-paid')
  await stack().wechat.platform.settle()
  const payments = ((await (await fetch(`${stack().wechat.url}/__emu/payments`)).json()) as Json).payments as Json[]
  const paid = payments.find((p) => p.paid && p.totalFee === 1400)!
  const orderId = paid.outTradeNo as string

  // The console: the order by its number, with its parts and the buyer's alias, never an openid.
  await openAs(page, stack(), 'carol', '/merchant/pages/orders/index')
  await visibleCss(page, '#order-search input').fill(orderId)
  await tap(page, '搜索')
  const row = visibleCss(page, `[data-order="${orderId}"]`)
  await expect(row).toContainText('已支付')
  await expect(row).toContainText(/收银 · 订单原价 ¥124\.00 · .* · 买家 顾客·[0-9A-F]{4}/)
  await row.locator('.row').first().click()
  const parts = visibleCss(page, '#checkout-parts')
  await expect(parts).toContainText('订单原价¥124.00')
  await expect(parts).toContainText('优惠券「满100减10」抵扣-¥10.00')
  await expect(parts).toContainText('微信支付¥14.00')
  await expect(parts).toContainText(`尾号 ${String(card.code).slice(-4)}¥100.00`)
  await expect(page.locator('body')).not.toContainText(alice.mpOpenid)
  await snap(page, '82-refund-console-order')

  // Refunded after a confirmation that names each part (double taps, repeats and crashes: test/integration/checkout-refund.test.ts).
  await tap(page, '退款')
  await expect(visible(page, '微信支付的 ¥14.00 原路退回，礼品卡支付的 ¥100.00 退回卡内，优惠券恢复可用。此操作不能撤销。')).toBeVisible()
  await visibleCss(page, '#refund-dialog textarea').fill('顾客退单')
  await snap(page, '83-refund-console-confirm')
  await page.locator('.nut-dialog-footer-ok').filter({ visible: true }).click()
  await expect(parts).toContainText('已恢复可用', { timeout: 20_000 })
  await expect(parts).toContainText('已退回卡内')
  await expect(visibleCss(page, '#order-detail')).toContainText('退款原因：顾客退单')
  await expect(page.locator('.nut-toast').filter({ visible: true })).toHaveCount(0, { timeout: 5000 })
  await snap(page, '84-refund-console-refunded')

  // Each part once: one Cloud Pay refund of ¥14, the card at ¥100 with one reversal, the coupon usable.
  await stack().wechat.platform.settle()
  const after = ((await (await fetch(`${stack().wechat.url}/__emu/payments`)).json()) as Json).payments as Json[]
  expect(Object.values(after.find((p) => p.outTradeNo === orderId)!.refunds as Json).map((r) => (r as Json).refundFee)).toEqual([1400])
  const history = await alice.fn('card', { action: 'history', cardId: card.cardId, code: card.code })
  expect((history.entries as Json[]).filter((e) => e.kind === 'reversal').map((e) => e.amount)).toEqual([10000])
  const mine = (await alice.fn('card', { action: 'listMine' })).cards as Json[]
  expect(mine.find((c) => c.code === card.code)).toMatchObject({ balance: 10000 })
  expect(mine.find((c) => c.code === coupon.code)).toMatchObject({ status: 'NORMAL' })
  // The list's tag says so too.
  await openAs(page, stack(), 'carol', '/merchant/pages/orders/index')
  await expect(visibleCss(page, `[data-order="${orderId}"] .nut-tag`)).toHaveText(/已退款|退款中/)
  await snap(page, '85-refund-console-list')

  // alice's coupon takes ¥10 off her next order again.
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  for (let i = 0; i < 3; i++) await visibleCss(page, '[data-item="latte"]').locator('.nut-inputnumber-icon').last().click()
  await visibleCss(page, '#coupons .card-tile').click()
  await expect(visibleCss(page, '#split-discount')).toHaveText('-¥10.00')
  await snap(page, '86-refund-coupon-again')
})
