// The merchant console as carol, the demo merchant: a gift card with an uploaded face, a shelf for it,
// alice's purchase on the dashboard and in the orders, a refund with a reason found in the audit log;
// then bob as counter staff, who sees only what staff may see.
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ROOT } from '../../emulator/stack'
import { person } from '../helpers/stack'
import { e2eStack, openAs, snap, tap, uploadPicture, visible, visibleCss } from './browser'

const stack = e2eStack()
const FACE = join(ROOT, 'emulator', 'assets', 'faces', 'demo-face-blue.jpg')

async function fill(page: Page, field: string, value: string) {
  await visibleCss(page, `#field-${field} input`).fill(value)
}

const upload = (page: Page, field: string) => uploadPicture(page, field, FACE)

test('carol runs the business from the console; bob as staff sees only staff things', async ({ page }) => {
  // A gift card, typed in yuan, checked as she types, with an uploaded logo and face.
  await openAs(page, stack(), 'carol', '/merchant/pages/card-edit/index')
  await fill(page, 'title', '中秋礼品卡')
  await fill(page, 'brandName', '示例咖啡')
  await fill(page, 'price', '2')
  await fill(page, 'balance', '200')
  await expect(visible(page, '售价远低于面值，请确认没有少填一位')).toBeVisible()
  // Required fields are marked before anything is submitted; dates come from the date picker (issue 28).
  await expect(visibleCss(page, '#field-title .required-mark')).toHaveText('必填')
  await expect(visibleCss(page, '#field-endDate .date-input')).toHaveText(/^\d{4}-\d{2}-\d{2}$/)
  await snap(page, '60-console-card-form-errors')
  await fill(page, 'price', '200')
  await visibleCss(page, '#field-description textarea').fill('可在小程序和门店使用')
  await upload(page, 'logoUrl')
  await upload(page, 'faceUrl')
  await expect(visibleCss(page, '#card-preview')).toContainText('¥200.00')
  await snap(page, '61-console-card-form')
  await tap(page, '提交审核')
  await expect(visible(page, '已提交，等待微信审核')).toBeVisible()

  const carol = person(stack(), 'carol')
  const cards = (await carol.fn('merchant', { action: 'cardList' })).cards as { cardId: string; title: string; backgroundPicUrl?: string }[]
  const created = cards.find((c) => c.title === '中秋礼品卡')!
  expect(created.backgroundPicUrl).toMatch(/^http/)

  // The cards list says the review state in words.
  await openAs(page, stack(), 'carol', '/merchant/pages/cards/index')
  await expect(visibleCss(page, `[data-card="${created.cardId}"]`)).toContainText('中秋礼品卡')
  await expect(visibleCss(page, `[data-card="${created.cardId}"]`)).toContainText(/审核中|已通过/)
  // The stock WeChat holds (card/get), for the card asked about: the form's default 1000.
  await visibleCss(page, `[data-card="${created.cardId}"] .stock-look`).click()
  await expect(visibleCss(page, `[data-card="${created.cardId}"] .stock-left`)).toHaveText('现有库存 1000 份')
  await snap(page, '62-console-cards')

  // A shelf carrying it.
  await openAs(page, stack(), 'carol', '/merchant/pages/shelves/index')
  await tap(page, '新建货架')
  await fill(page, 'shelfTitle', '中秋专场')
  await visibleCss(page, `#shelf-form [data-card="${created.cardId}"]`).click()
  await fill(page, 'address', '广州市海珠区示例路1号')
  await fill(page, 'phone', '020-12345678')
  await snap(page, '63-console-shelf-form')
  await tap(page, '提交审核')
  await expect(visible(page, '货架已创建')).toBeVisible()
  await expect(visible(page, '中秋专场')).toBeVisible()
  await snap(page, '64-console-shelves')

  // alice buys the new card (as the Mini Program does it).
  const alice = person(stack(), 'alice')
  const { orderId } = await alice.buyAndAdd(created.cardId)

  await openAs(page, stack(), 'carol', '/merchant/pages/home/index')
  await expect(visibleCss(page, '#stat-sales')).toContainText('¥200.00')
  await expect(visibleCss(page, '#stat-liability')).toContainText('¥200.00')
  // Sales by day per channel: drawn by uCharts on the canvas, and the same figures written out.
  await expect(visibleCss(page, '#sales-figures')).toContainText('小程序 ¥200.00')
  await expect(page.locator('.sales-chart[data-drawn="drawn"]')).toHaveCount(1)
  // The mini-program channel's red column, not a blank canvas.
  const inked = () =>
    page
      .locator('#sales-chart canvas, canvas#sales-chart')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
        let coloured = 0
        for (let i = 0; i < px.length; i += 4) if (px[i]! > 150 && px[i + 1]! < 90 && px[i + 2]! < 90) coloured++
        return coloured
      })
  // Polled, not read once: on a loaded machine the H5 canvas component may render (and clear) once more just
  // after the draw, and the chart is drawn again when it does (SalesChart's onWiped) — a moment later.
  await expect.poll(inked, { timeout: 2_000 }).toBeGreaterThan(500)
  // Taro's H5 canvas component clears its <canvas> whenever it renders again (the CI flake where a chart
  // marked drawn was blank): make it render again, and the chart is drawn again at once.
  await page.evaluate(() => {
    const host = document.querySelector('#sales-chart') as HTMLElement & { width?: string }
    host.width = '301px'
  })
  await expect.poll(inked, { timeout: 2_000 }).toBeGreaterThan(500)
  await page.locator('#sales-figures').scrollIntoViewIfNeeded()
  await snap(page, '65-console-dashboard')

  // Orders: found by its number, refunded with a reason after a confirmation.
  await openAs(page, stack(), 'carol', '/merchant/pages/orders/index')
  await visibleCss(page, '#order-search input').fill(orderId)
  await tap(page, '搜索')
  await visibleCss(page, `[data-order="${orderId}"] .row`).click()
  await expect(visibleCss(page, '#order-detail')).toContainText('开卡')
  await snap(page, '66-console-order-detail')
  await tap(page, '退款')
  await expect(visible(page, '将退款 ¥200.00，卡内余额作废，此操作不能撤销。')).toBeVisible()
  await visibleCss(page, '#refund-dialog textarea').fill('顾客买错面额')
  await snap(page, '67-console-refund-confirm')
  await page.locator('.nut-dialog-footer-ok').filter({ visible: true }).click()
  await expect(visibleCss(page, '#order-detail')).toContainText('退款原因：顾客买错面额', { timeout: 20_000 })
  await snap(page, '68-console-refunded')

  // The audit log has the refund, with its reason.
  await openAs(page, stack(), 'carol', '/merchant/pages/audit/index')
  await expect(visibleCss(page, '[data-action="orderRefund"]')).toContainText('顾客买错面额')
  await snap(page, '69-console-audit')

  // bob is made counter staff the CLI's way (staffSet by openid); inviting by QR code is staff-invite.e2e.ts.
  expect((await carol.fn('merchant', { action: 'staffSet', openid: person(stack(), 'bob').mpOpenid, role: 'staff' })).errcode).toBe(0)
  await openAs(page, stack(), 'carol', '/merchant/pages/staff/index')
  const rows = page.locator('.staff-row').filter({ visible: true })
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(1)).toContainText(/店员·[0-9A-F]{4}/)
  await expect(rows.nth(1)).toContainText('店员')
  await snap(page, '70-console-staff')

  // bob, staff: the console home shows only the counter note; admin pages say they are for admins.
  await openAs(page, stack(), 'bob', '/merchant/pages/home/index')
  await expect(visibleCss(page, '#staff-home')).toBeVisible()
  await expect(page.locator('#console-menu').filter({ visible: true })).toHaveCount(0)
  await snap(page, '71-console-staff-home')
  await openAs(page, stack(), 'bob', '/merchant/pages/orders/index')
  await expect(visible(page, '此页面仅限管理员使用')).toBeVisible()
  await expect(page.getByText(orderId).filter({ visible: true })).toHaveCount(0)
  await snap(page, '72-console-staff-refused')

  // alice, a consumer: a plain no-access page with a way back.
  await openAs(page, stack(), 'alice', '/merchant/pages/home/index')
  await expect(visible(page, '商户管理仅对商户的管理员和店员开放。如需开通，请联系商户管理员。')).toBeVisible()
  await expect(visible(page, '返回首页')).toBeVisible()
  await snap(page, '73-console-no-access')
})
