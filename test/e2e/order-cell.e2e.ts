// The shelf's after-sales cell in the H5 preview: bob buys on the demo shelf, taps 申请退款 on the order
// page in WeChat, and WeChat opens the cell's url with order_id and openid added (gift-card-api §7.2
// note 3, §14.2). The Mini Program's order page shows that order.
import { expect, test } from '@playwright/test'
import { e2eStack, listMine, openAs, snap, visible } from './browser'

const stack = e2eStack()

test('the refund cell’s jump with order_id and openid opens bob’s order in the Mini Program', async ({ page }) => {
  const s = stack()
  // bob has opened the Mini Program before (his unionid is known), as any buyer who taps the cell has.
  await listMine(s, 'bob')
  const [pageId] = Object.keys(s.wechat.platform.s.pages)
  const card100 = Object.values(s.wechat.platform.s.cards).find(
    (c) => (c.body.base_info as { title?: string }).title === '100元礼品卡',
  )!.card_id
  const buy = await fetch(`${s.wechat.url}/__emu/giftcard/buy`, {
    method: 'POST',
    body: JSON.stringify({ user: 'bob', pageId, items: [{ cardId: card100 }], forSelf: true }),
  })
  const orderId = ((await buy.json()) as { order: { order_id: string } }).order.order_id
  await s.wechat.platform.settle()
  const cell = (await (
    await fetch(`${s.wechat.url}/__emu/giftcard/cell`, { method: 'POST', body: JSON.stringify({ user: 'bob', orderId, cell: 1 }) })
  ).json()) as { url: string; title: string }
  expect(cell.title).toBe('申请退款')
  expect(new URL(cell.url).searchParams.get('order_id')).toBe(orderId)

  await openAs(page, s, 'bob', '/pages/index/index')
  await page.goto(cell.url)
  await expect(visible(page, `订单 ${orderId}`)).toBeVisible({ timeout: 15_000 })
  await expect(visible(page, '¥100.00')).toBeVisible()
  await snap(page, '40-order-cell-bob')
})
