// A coupon and a gift card that covers the rest (issue 28): alice claims carol's 满 ¥100 减 ¥10 coupon, buys
// a ¥100 gift card, and orders ¥108 at the checkout. The coupon comes off first (¥98 left), the card pays
// all of it, and there is nothing for WeChat Pay: no WeChat Pay sheet and no WeChat Pay order at all. My
// cards then shows the ¥2.00 left as the balance, the used coupon folded away and counted apart; spent to
// ¥0.00, the card reads 已用完 under the fold and leaves the counts.
import { expect, test } from '@playwright/test'
import { addToOrder, bag, buyInShop, callAs, couponCard, e2eStack, openAs, snap, tap, visible, visibleCss, type Json } from './browser'

const stack = e2eStack()

const fn = (name: string, fnName: string, data: Json) => callAs(stack(), name, fnName, data)

test('¥108 with 满 ¥100 减 ¥10 and a ¥100 gift card: the coupon first, the card the rest, no WeChat Pay', async ({ page }) => {
  const cash = await fn('carol', 'merchant', {
    action: 'cardCreate',
    card: couponCard('CASH', '满100减10', { least_cost: 10000, reduce_cost: 1000 }),
  })
  expect(cash.errcode).toBe(0)
  expect((await fn('carol', 'merchant', { action: 'claimableSet', cardId: cash.cardId, claimable: true })).errcode).toBe(0)

  // The coupon from the 领券中心, the ¥100 card from the shop.
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await tap(page, '领券')
  await tap(page, '领取')
  await expect(visible(page, '已放入卡包')).toBeVisible({ timeout: 20_000 })
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥100.00', forMe: true, shot: '90-coupon-card' })
  await expect(visible(page, /已放入卡包/)).toBeVisible({ timeout: 30_000 })

  // My cards before: ¥100.00 of gift cards, one card; the coupon counted apart, not in the balance.
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥100.00')
  await expect(visibleCss(page, '#usable-count')).toHaveText('1 张礼品卡可用 · 1 张优惠券')
  await snap(page, '91-coupon-card-my-cards')

  // Checkout: 拿铁 ×3 + 可颂 ×2 = ¥108; the coupon takes ¥10, the card pays the ¥98 left, WeChat Pay nothing.
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  await addToOrder(page, 'latte', 2)
  await addToOrder(page, 'croissant', 1)
  await expect(visibleCss(page, '#total')).toHaveText('¥108.00')
  await visibleCss(page, '#coupons .card-tile').click()
  await visibleCss(page, '#cards .card-tile[data-type="GIFT_CARD"]').click()
  await expect(visibleCss(page, '#split-discount')).toHaveText('-¥10.00')
  await expect(visibleCss(page, '#split-card')).toHaveText('¥98.00')
  await expect(visibleCss(page, '#split-wechat')).toHaveText('¥0.00')
  await expect(page.getByText('礼品卡余额已足够支付')).toHaveCount(0)
  await visibleCss(page, '#split').scrollIntoViewIfNeeded()
  await snap(page, '92-coupon-card-split')

  // Were a WeChat Pay sheet shown, this would fail the journey.
  let sheets = 0
  await page.route('**/__preview/wx/requestPayment', (route) => {
    sheets++
    return route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ errMsg: 'requestPayment:fail cancel' }) })
  })
  await tap(page, '确认支付 ¥98.00')
  await expect(visible(page, '优惠券抵扣 ¥10.00，礼品卡支付 ¥98.00')).toBeVisible()
  await snap(page, '93-coupon-card-confirm')
  await tap(page, '确定')
  await expect(visible(page, '支付成功')).toBeVisible({ timeout: 20_000 })
  await expect(visibleCss(page, '#paid-discount')).toHaveText('优惠券抵扣 ¥10.00')
  await expect(visible(page, '礼品卡余额 ¥2.00')).toBeVisible()
  await expect(page.getByText(/^微信支付 ¥/)).toHaveCount(0)
  await snap(page, '94-coupon-card-paid')
  expect(sheets).toBe(0)

  // Exactly: the coupon consumed once, the card debited ¥98 once, no WeChat Pay order.
  await stack().wechat.platform.settle()
  const used = Object.values(stack().wechat.platform.s.codes).find((c) => c.card_id === cash.cardId)!
  expect(used.status).toBe('CONSUMED')
  const payments = ((await (await fetch(`${stack().wechat.url}/__emu/payments`)).json()) as Json).payments as Json[]
  expect(payments.filter((p) => String(p.outTradeNo).startsWith('CO'))).toEqual([])
  const inBag = (await bag(stack(), 'alice')).filter((c) => c.cardId !== cash.cardId)
  expect(inBag.map((c) => [c.status, c.balance])).toEqual([['NORMAL', 200]])

  // My cards after: ¥2.00 on one card; the used coupon folded away, counted nowhere.
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥2.00')
  await expect(visibleCss(page, '#usable-count')).toHaveText('1 张礼品卡可用')
  await snap(page, '95-coupon-card-my-cards-after')

  // Spent to ¥0.00 at the counter: 已用完 under the fold, out of the counts.
  const mine = ((await fn('alice', 'card', { action: 'listMine' })).cards as Json[]).find((c) => c.type === 'GIFT_CARD')!
  const spent = await fn('alice', 'card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: mine.cardId,
    code: mine.code,
    amount: 200,
    orderId: 'E2E-SPEND-ALL',
  })
  expect(spent).toMatchObject({ errcode: 0, balance: 0 })
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥0.00')
  await expect(visibleCss(page, '#usable-count')).toHaveText('0 张礼品卡可用')
  await visible(page, '已用完/已失效（2）').click()
  const zero = visibleCss(page, `#invalid-cards .card-tile[data-code="${mine.code}"]`)
  await expect(zero).toContainText('已用完')
  await expect(zero).not.toContainText('可使用')
  await snap(page, '96-coupon-card-spent')
})
