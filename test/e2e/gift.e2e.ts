// Giving, as people do it in the H5 preview: alice buys a card for bob with a face and a blessing,
// shares the envelope, bob opens the link, sees who sent it and the blessing, claims it into his card
// bag; alice sees 已领取. Then alice shows her own card's code at a cashier, and a card she gives away
// through WeChat's card bag reads 已赠送.
import { expect, test } from '@playwright/test'
import { agree, bag, buyInShop, e2eStack, listMine, openAs, snap, tap, visible, visibleCss, type Json } from './browser'

const stack = e2eStack()
test.describe.configure({ mode: 'serial' })

let claimPath = ''

test('alice buys a 100-yuan card for bob with the gold face and her blessing, and gets an envelope to share', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await expect(visible(page, '还没有礼品卡')).toBeVisible()
  await snap(page, '01-home-empty')
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥100.00', face: 1, blessing: '生日快乐！愿你每天都有好咖啡', from: '爱丽丝', shot: '02' })
  await expect(visible(page, '爱丽丝 送你一张礼品卡')).toBeVisible({ timeout: 30_000 })
  await expect(visible(page, '待领取')).toBeVisible()
  await expect(visible(page, '「生日快乐！愿你每天都有好咖啡」')).toBeVisible()
  // The envelope shows the chosen face, served by the emulated WeChat CDN.
  const face = visibleCss(page, '#envelope .card-face-img img, #envelope img.card-face-img')
  await expect(face).toHaveAttribute('src', /\/mmbiz_jpg\/demo-face-gold\/0$/)
  expect(await face.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
  await snap(page, '03-gift-envelope')
  claimPath = ((await visibleCss(page, '#claim-link').textContent()) ?? '').replace(/^.*：/, '').trim()
  expect(claimPath).toMatch(/^\/pages\/claim\/index\?giftId=GF[0-9a-f]{24}$/)
  // The card is given: not waiting for alice's card bag, and listed as sent.
  expect((await listMine(stack(), 'alice')).pending).toEqual([])
})

test('bob opens the shared link, sees sender, blessing and face, and claims it into his card bag', async ({ page }) => {
  await openAs(page, stack(), 'bob', claimPath)
  await expect(visible(page, '爱丽丝 送你一张礼品卡')).toBeVisible()
  await expect(visible(page, '「生日快乐！愿你每天都有好咖啡」')).toBeVisible()
  await snap(page, '04-claim')
  await tap(page, '领取到卡包')
  await expect(visible(page, '已领取，礼品卡已放入你的卡包')).toBeVisible({ timeout: 20_000 })
  await snap(page, '05-claimed')
  const [card] = await agree(stack(), 'bob')
  expect(card).toMatchObject({ balance: 10000, giftFrom: '爱丽丝', message: '生日快乐！愿你每天都有好咖啡' })
  expect(card!.backgroundPicUrl).toMatch(/demo-face-gold/)
  await tap(page, '查看我的卡')
  await expect(visible(page, '来自 爱丽丝 的礼物')).toBeVisible()
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥100.00')
  await snap(page, '06-bob-my-cards')
  await openAs(page, stack(), 'bob', '/pages/gifts/index?tab=received')
  await expect(visible(page, '来自 爱丽丝')).toBeVisible()
  await snap(page, '07-bob-received')
})

test('alice sees the gift as 已领取 in 我送出的; nobody else can claim it', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/gifts/index?tab=sent')
  await expect(visible(page, '已领取')).toBeVisible()
  await snap(page, '08-alice-sent')
  await openAs(page, stack(), 'carol', claimPath)
  await expect(visible(page, '这份礼物已被其他人领取')).toBeVisible()
  await snap(page, '09-claim-taken')
})

test('alice buys a card for herself and shows its code to a cashier: barcode, QR code and digits', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥500.00', forMe: true, shot: '10' })
  await expect(visible(page, /已放入卡包：500元礼品卡 ¥500.00/)).toBeVisible({ timeout: 30_000 })
  await tap(page, '查看我的卡')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥500.00')
  await snap(page, '11-alice-my-cards')
  await visibleCss(page, '#usable-cards .card-tile').click()
  await expect(visible(page, '向收银员出示')).toBeVisible()
  const [card] = (await agree(stack(), 'alice')) as Json[]
  const digits = String(card!.code).replace(/(.{4})(?=.)/g, '$1 ')
  await expect(visibleCss(page, '#code-digits')).toHaveText(digits)
  expect(await page.locator('.barcode .code-dark').filter({ visible: true }).count()).toBeGreaterThan(20)
  expect(await page.locator('.qrcode .qr-row').filter({ visible: true }).count()).toBeGreaterThan(20)
  await expect(visible(page, '400-820-8820')).toBeVisible()
  await expect(visible(page, '购卡充值')).toBeVisible()
  await snap(page, '12-card-detail-cashier')
})

test('a card alice gives away through WeChat’s card bag reads 已赠送 under 已失效, never deleted', async ({ page }) => {
  const [card] = (await agree(stack(), 'alice')) as Json[]
  const res = await fetch(`${stack().wechat.url}/__emu/client/gift`, {
    method: 'POST',
    body: JSON.stringify({ from: 'alice', to: 'carol', cardId: card!.cardId, code: card!.code }),
  })
  expect(res.status).toBe(200)
  await stack().wechat.platform.settle()
  await expect
    .poll(async () => ((await listMine(stack(), 'alice')).cards as Json[]).find((c) => c.code === card!.code)?.status, { timeout: 15_000 })
    .toBe('GIFTED')
  await openAs(page, stack(), 'alice', '/pages/index/index')
  await visible(page, /已失效（\d+）/).click()
  await expect(visible(page, '已赠送')).toBeVisible()
  await expect(page.getByText(/deleted|删除/i).filter({ visible: true })).toHaveCount(0)
  await snap(page, '13-alice-given-in-card-bag')
  expect((await bag(stack(), 'carol')).some((c) => c.balance === 50000)).toBe(true)
})
