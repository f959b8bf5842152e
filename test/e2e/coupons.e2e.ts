// Coupons in the H5 preview (#14): carol offers a free 满 ¥100 减 ¥10 coupon; alice claims it on the
// claim page (领券中心), sees it in My cards, and uses it at checkout on a ¥124 order (pays ¥114); bob,
// granted staff, redeems alice's 兑换券 at the counter on the redemption page.
import { expect, test } from '@playwright/test'
import { callAs, couponCard as coupon, e2eStack, openAs, snap, tap, visible, visibleCss, type Json } from './browser'

const stack = e2eStack()
const fn = (name: string, fnName: string, data: Json) => callAs(stack(), name, fnName, data)

test('claim a coupon, see it in My cards, pay ¥124 with 满 ¥100 减 ¥10, and redeem a 兑换券 at the counter', async ({ page }) => {
  const cash = await fn('carol', 'merchant', {
    action: 'cardCreate',
    card: coupon('CASH', '满100减10', { least_cost: 10000, reduce_cost: 1000 }),
  })
  expect(cash.errcode).toBe(0)
  expect((await fn('carol', 'merchant', { action: 'claimableSet', cardId: cash.cardId, claimable: true })).errcode).toBe(0)

  // 领券中心 from the home page's quick link.
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await tap(page, '领券')
  await expect(visible(page, '减 ¥10')).toBeVisible()
  await expect(visible(page, /代金券 · 满 ¥100 · 领取后 30 天内有效/)).toBeVisible()
  await snap(page, '40-coupon-claim')
  await tap(page, '领取')
  await expect(visible(page, '已放入卡包')).toBeVisible({ timeout: 20_000 })

  // My cards: the coupon reads as what it is.
  await openAs(page, stack(), 'alice', '/pages/index/index')
  const tile = visibleCss(page, '.card-tile[data-type="CASH"]')
  await expect(tile).toContainText('减 ¥10')
  await expect(tile).toContainText('满 ¥100')
  await expect(tile).toContainText('可使用')
  await snap(page, '41-coupon-my-cards')

  // Checkout: ¥124 (拿铁 + 可颂 and three more lattes), the coupon takes ¥10 off, WeChat Pay ¥114.
  await openAs(page, stack(), 'alice', '/pages/checkout/index')
  const latte = visibleCss(page, '[data-item="latte"]')
  for (let i = 0; i < 3; i++) await latte.locator('.nut-inputnumber-icon').last().click()
  await expect(visibleCss(page, '#total')).toHaveText('¥124.00')
  await visibleCss(page, '#coupons .card-tile').click()
  await expect(visibleCss(page, '#split-discount')).toHaveText('-¥10.00')
  await expect(visibleCss(page, '#split-wechat')).toHaveText('¥114.00')
  await snap(page, '42-checkout-coupon')
  await tap(page, '确认支付 ¥114.00')
  await expect(visible(page, '优惠券抵扣 ¥10.00，微信支付 ¥114.00')).toBeVisible()
  await tap(page, '确定')
  await expect(visible(page, '支付成功')).toBeVisible({ timeout: 20_000 })
  await expect(visibleCss(page, '#paid-discount')).toHaveText('优惠券抵扣 ¥10.00')
  await snap(page, '43-checkout-coupon-paid')
  await stack().wechat.platform.settle()
  const used = Object.values(stack().wechat.platform.s.codes).find((c) => c.card_id === cash.cardId)!
  expect(used.status).toBe('CONSUMED')
  const paid = ((await (await fetch(`${stack().wechat.url}/__emu/payments`)).json()) as Json).payments as Json[]
  expect(paid.filter((p) => p.paid).map((p) => p.totalFee)).toContain(11400)

  // The counter: alice scanned a 兑换券 QR code in the shop; bob (staff) redeems it.
  const gift = await fn('carol', 'merchant', { action: 'cardCreate', card: coupon('GIFT', '兑换木盒', { gift: '音乐木盒一个' }) })
  const qr = await fn('carol', 'merchant', {
    action: 'qrcodeCreate',
    qrcode: { action_name: 'QR_CARD', action_info: { card: { card_id: gift.cardId } } },
  })
  const scanned = (await (
    await fetch(`${stack().wechat.url}/__emu/client/scanCardQr`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice', ticket: qr.ticket }),
    })
  ).json()) as Json
  const code = (scanned.cards as Json[])[0]!.code as string
  expect(
    (await fn('carol', 'merchant', { action: 'staffSet', openid: stack().wechat.users.get('bob')!.mpOpenid, role: 'staff' })).errcode,
  ).toBe(0)
  await openAs(page, stack(), 'bob', '/pages/index/index')
  await visibleCss(page, '#link-redeem').click()
  await visibleCss(page, '#code-input input').fill(code)
  await tap(page, '查询')
  await expect(visible(page, '兑换 音乐木盒一个')).toBeVisible()
  await expect(visible(page, '可以核销')).toBeVisible()
  await snap(page, '44-redeem-check')
  await tap(page, '确认核销')
  await expect(visible(page, '核销「兑换木盒」，核销后不可撤销')).toBeVisible()
  await tap(page, '确定')
  await expect(visibleCss(page, '#redeem-done')).toHaveText('核销成功')
  await snap(page, '45-redeem-done')
  expect(stack().wechat.platform.code(gift.cardId as string, code)?.status).toBe('CONSUMED')
  // Checked again, the code says why it cannot be used.
  await visibleCss(page, '#code-input input').fill(code)
  await tap(page, '查询')
  // Redeemed already: it says by whom (the tail of the staff member's 用户编号) and when (issue 25 §6).
  await expect(visible(page, /不可核销：已被\S+于 \S+ \S+ 核销/)).toBeVisible()
})
