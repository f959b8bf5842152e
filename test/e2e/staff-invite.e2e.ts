// Issue 28: staff invited by a QR code and redeeming. carol (the owner) makes an invite on the staff page;
// bob opens the QR code's path, accepts, and redeems ¥25 of alice's gift card at the counter; alice, opening
// the same code after him, reads that it was used. carol's console names everyone — the staff list, the
// orders, the audit log in sentences with its picture — and no page shows anybody's openid.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ROOT } from '../../emulator/stack'
import { person } from '../helpers/stack'
import { e2eStack, openAs, snap, tap, visible, visibleCss } from './browser'

const stack = e2eStack()
const FACE = join(ROOT, 'emulator', 'assets', 'faces', 'demo-face-blue.jpg')

/** The page's text holds no openid or unionid of anyone on the stack. */
async function namesNoOpenid(page: Page): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText)
  const ids = ['alice', 'bob', 'carol'].flatMap((n) => {
    const u = stack().wechat.users.get(n)!
    return [u.mpOpenid, u.saOpenid, u.unionid]
  })
  expect(ids.filter((id) => text.includes(id))).toEqual([])
}

test('carol invites bob by QR code; bob joins and redeems; the console names people and tells the log in sentences', async ({ page }) => {
  // alice bought a ¥100 gift card; carol put up a picture (the audit log shows it as a thumbnail).
  const alice = person(stack(), 'alice')
  const carol = person(stack(), 'carol')
  const { orderId, card } = await alice.buyAndAdd(await alice.shopCardId(10000))
  const upload = await carol.fn('merchant', {
    action: 'imageUpload',
    name: 'face.jpg',
    contentBase64: readFileSync(FACE).toString('base64'),
  })
  expect(upload.errcode).toBe(0)

  // carol makes an invite: the join page's Mini Program code (the local cloud's wxacode.getUnlimited), good for 10 minutes.
  await openAs(page, stack(), 'carol', '/merchant/pages/staff/index')
  await expect(visible(page, '小程序码 10 分钟内有效')).toBeVisible()
  await tap(page, '邀请店员')
  const qr = visibleCss(page, '#invite-qr')
  await expect(qr).toContainText(/店员邀请 · .* 前有效/)
  await expect(qr.locator('img').first()).toBeVisible()
  expect(await qr.locator('img').first().getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  const path = (await qr.getAttribute('data-path'))!
  expect(path).toMatch(/^\/merchant\/pages\/join\/index\?invite=[A-Za-z0-9_-]{16}$/)
  await namesNoOpenid(page)
  await snap(page, '80-staff-invite-qr')

  // bob scans it (in the preview: opens its path) and accepts.
  await openAs(page, stack(), 'bob', path)
  await expect(visible(page, '商户邀请你成为员工')).toBeVisible()
  await snap(page, '81-staff-join')
  await tap(page, '接受邀请')
  await expect(visibleCss(page, '#join-done')).toHaveText('你已成为店员')
  await snap(page, '82-staff-joined')

  // …and goes to the counter: ¥25 of alice's card.
  await tap(page, '去核销')
  await visibleCss(page, '#code-input input').fill(card.code as string)
  await tap(page, '查询')
  await expect(visible(page, '可以核销')).toBeVisible()
  await visibleCss(page, '#amount-input input').fill('25')
  await tap(page, '确认核销')
  await expect(visible(page, /从「100元礼品卡」扣减 ¥25\.00/)).toBeVisible()
  await tap(page, '确定')
  await expect(visibleCss(page, '#redeem-done')).toHaveText(
    `核销成功：「100元礼品卡」（尾号 ${(card.code as string).slice(-4)}）扣减 ¥25.00，余额 ¥75.00`,
  )
  await snap(page, '83-staff-redeemed')

  // alice opens the same code after him: used, said in words, with a way back.
  await openAs(page, stack(), 'alice', path)
  await tap(page, '接受邀请')
  await expect(visibleCss(page, '#join-refused')).toHaveText('这个邀请已被其他人使用，请让店主重新生成二维码')
  await expect(visible(page, '返回首页')).toBeVisible()
  await snap(page, '84-staff-invite-used')
  expect((await alice.fn('merchant', { action: 'whoami' })).role).toBeNull()

  // carol's staff list: bob by name, as staff, added by carol.
  await openAs(page, stack(), 'carol', '/merchant/pages/staff/index')
  const rows = page.locator('.staff-row').filter({ visible: true })
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('店主')
  await expect(rows.nth(1)).toContainText(/店员·[0-9A-F]{4}/)
  await expect(rows.nth(1)).toContainText('店员')
  const bobName = (await rows.nth(1).locator('taro-text-core').first().innerText()).trim()
  await namesNoOpenid(page)
  await snap(page, '85-staff-list')

  // The order names alice by her alias, in the list and the detail.
  await openAs(page, stack(), 'carol', '/merchant/pages/orders/index')
  await visibleCss(page, `[data-order="${orderId}"] .row`).click()
  await expect(visibleCss(page, '#order-detail')).toContainText(/顾客·[0-9A-F]{4}/)
  await namesNoOpenid(page)
  await snap(page, '86-order-buyer-named')

  // The audit log: sentences with names and amounts; the picture as a thumbnail, not a URL.
  await openAs(page, stack(), 'carol', '/merchant/pages/audit/index')
  await expect(visibleCss(page, '[data-action="staffAccept"]')).toContainText(`${bobName} 扫码加入，成为店员`)
  await expect(visibleCss(page, '[data-action="redeem"]')).toContainText(
    `核销礼品卡「100元礼品卡」（尾号${String(card.code).slice(-4)}） ¥25.00`,
  )
  await expect(visibleCss(page, '[data-action="redeem"]')).toContainText(`操作人 ${bobName}`)
  await expect(visibleCss(page, '[data-action="staffInvite"]')).toContainText('生成店员邀请（10 分钟内有效）')
  await expect(visibleCss(page, '[data-action="imageUpload"] img')).toBeVisible()
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/https?:\/\//)
  await namesNoOpenid(page)
  await snap(page, '87-audit-sentences')
})
