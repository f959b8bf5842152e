// The shelf's after-sales cell in the H5 preview: bob buys on the demo shelf, taps 申请退款 on the order
// page in WeChat, and WeChat opens the cell's url with order_id and openid added (gift-card-api §7.2
// note 3, §14.2). The Mini Program's order page shows that order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { e2eSuite, phonePage, snap } from './browser'

const suite = e2eSuite()

test('the refund cell’s jump with order_id and openid opens bob’s order in the Mini Program', async () => {
  const stack = suite.stack()
  const bob = stack.wechat.users.get('bob')!
  // bob has opened the Mini Program before (his unionid is known), as any buyer who taps the cell has.
  await fetch(`${stack.cloud.url}/fn/card`, { method: 'POST', headers: { 'x-wx-openid': bob.mpOpenid, 'x-wx-unionid': bob.unionid }, body: JSON.stringify({ action: 'listMine' }) })
  const [pageId] = Object.keys(stack.wechat.platform.s.pages)
  const card100 = Object.values(stack.wechat.platform.s.cards).find((c) => (c.body.base_info as { title?: string }).title === '100元礼品卡')!.card_id
  const buy = await fetch(`${stack.wechat.url}/__emu/giftcard/buy`, { method: 'POST', body: JSON.stringify({ user: 'bob', pageId, items: [{ cardId: card100 }], forSelf: true }) })
  const orderId = ((await buy.json()) as { order: { order_id: string } }).order.order_id
  await stack.wechat.platform.settle()
  const cell = (await (await fetch(`${stack.wechat.url}/__emu/giftcard/cell`, { method: 'POST', body: JSON.stringify({ user: 'bob', orderId, cell: 1 }) })).json()) as { url: string; title: string }
  assert.equal(cell.title, '申请退款')
  assert.equal(new URL(cell.url).searchParams.get('order_id'), orderId)

  const page = await phonePage(suite.browser())
  await page.goto(stack.preview!.url)
  await page.locator('#preview-switcher button[data-user="bob"]').click()
  await page.locator('#preview-switcher button[data-user="bob"][style*="font-weight:bold"]').waitFor()
  await page.goto(cell.url)
  await page.getByText(`订单 ${orderId}`).filter({ visible: true }).waitFor({ timeout: 15000 })
  assert.ok(await page.getByText('¥100.00').filter({ visible: true }).first().isVisible())
  await snap(page, 'order-cell-bob')
  await page.close()
})
