// A gift nobody claims returns to its giver after 24 hours; this stack waits 3 seconds instead
// (GIFT_EXPIRY_S). The giver sees 已退回 and can put the card into her own card bag; the friend's link
// explains what happened.
import { expect, test } from '@playwright/test'
import { buyInShop, e2eStack, openAs, snap, tap, visible, visibleCss } from './browser'

const stack = e2eStack({ GIFT_EXPIRY_S: '3' })

test('an unclaimed gift returns: 已退回 for alice, 放入卡包 on her home page, an explanation for bob', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥100.00', blessing: '新年快乐', shot: '20-return' })
  await expect(visible(page, '待领取')).toBeVisible({ timeout: 30_000 })
  const claimPath = ((await visibleCss(page, '#claim-link').textContent()) ?? '').replace(/^.*：/, '').trim()
  await page.waitForTimeout(3500)
  await openAs(page, stack(), 'alice', '/pages/gifts/index?tab=sent')
  await expect(visible(page, '已退回')).toBeVisible()
  await snap(page, '21-return-alice-sent')
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await expect(visible(page, '已付款 ¥100.00 · 1 张待放入卡包')).toBeVisible()
  // The returned card's thumbnail keeps the card's 1.58:1, not a wide strip.
  const thumb = await visibleCss(page, '#pending .card-face').boundingBox()
  expect(thumb!.width / thumb!.height).toBeCloseTo(1.58, 1)
  await snap(page, '22-return-alice-pending')
  await openAs(page, stack(), 'bob', claimPath)
  await expect(visible(page, '这份礼物已过期，已退回给送礼人')).toBeVisible()
  await expect(page.getByText('领取到卡包').filter({ visible: true })).toHaveCount(0)
  await snap(page, '23-return-bob-claim')
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await tap(page, '放入卡包')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥100.00', { timeout: 20_000 })
  await snap(page, '24-return-alice-added')
})
