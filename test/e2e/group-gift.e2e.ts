// A group gift (issue 28), as people do it in the H5 preview at phone size: alice buys 3 cards as one
// gift with one blessing and shares it once into a group chat; bob, carol, dave and erin open the link
// and tap 领取 at the same moment. Three get a card each; the fourth reads one sentence (来晚了…) and a
// button to go on. alice sees who claimed by name — never an openid — and opening her own link shows
// its state; a friend's card reads 来自 爱丽丝 的礼物 and can be given on with WeChat's 转赠.
import { expect, test, type Browser, type Page } from '@playwright/test'
import { agree, e2eStack, openAs, snap, tap, visible, visibleCss } from './browser'

const stack = e2eStack()
test.describe.configure({ mode: 'serial' })

const FRIENDS = ['bob', 'carol', 'dave', 'erin'] as const
let claimPath = ''
let winners: string[] = []
let loser = ''

/** A phone of its own for each friend: the settings playwright.config.ts gives the default page. */
async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  return context.newPage()
}

test('alice buys 3 cards as one gift for a group chat: the envelope says 送大家 3 张 and how many wait', async ({ page }) => {
  for (const name of ['dave', 'erin'])
    expect((await fetch(`${stack().wechat.url}/__emu/users`, { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(200)
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await expect(visible(page, '选择面额')).toBeVisible()
  await visibleCss(page, '#quantity .nut-inputnumber-add').click()
  await expect(visible(page, '发到群聊，先到先得：前 2 位好友每人领一张')).toBeVisible()
  await visibleCss(page, '#quantity .nut-inputnumber-add').click()
  await expect(visible(page, '发到群聊，先到先得：前 3 位好友每人领一张')).toBeVisible()
  await visibleCss(page, `.chip:has-text("¥100.00")`).click()
  await expect(visible(page, '购买 3 张并发到群 ¥300.00')).toBeVisible()
  await visibleCss(page, '.blessing textarea').fill('新年快乐，大家一起喝咖啡')
  await visibleCss(page, 'input[placeholder="好友看到的你的名字"]').fill('爱丽丝')
  await snap(page, '60-group-shop')
  await tap(page, '购买 3 张并发到群 ¥300.00')
  await expect(visible(page, '爱丽丝 送大家 3 张礼品卡')).toBeVisible({ timeout: 30_000 })
  await expect(visible(page, '还有 3 张待领取（共 3 张）')).toBeVisible()
  await expect(visible(page, '还没有好友领取')).toBeVisible()
  // The hint names the button above it.
  await expect(visible(page, '点击上方按钮或右上角「…」，发到群聊：前 3 位好友每人领一张，每人限领一张')).toBeVisible()
  const share = await visibleCss(page, '#share').boundingBox()
  const hint = await visibleCss(page, '#share-hint').boundingBox()
  expect(hint!.y).toBeGreaterThan(share!.y)
  await snap(page, '61-group-envelope')
  claimPath = ((await visibleCss(page, '#claim-link').textContent()) ?? '').replace(/^.*：/, '').trim()
  expect(claimPath).toMatch(/^\/pages\/claim\/index\?giftId=GF[0-9a-f]{24}$/)
})

test('four friends tap 领取 at once: three get a card each, the fourth reads 来晚了 once, with a way on', async ({ browser }) => {
  const phones = await Promise.all(FRIENDS.map(() => phone(browser)))
  await Promise.all(FRIENDS.map((name, i) => openAs(phones[i]!, stack(), name, claimPath)))
  for (const p of phones) await expect(visible(p, '爱丽丝 送大家 3 张礼品卡')).toBeVisible()
  await expect(visible(phones[0]!, '还剩 3 张，先到先得，每人限领一张')).toBeVisible()
  await snap(phones[0]!, '62-group-claim-open')
  await Promise.all(phones.map((p) => tap(p, '领取到卡包')))
  const outcome = await Promise.all(
    phones.map(async (p) => {
      const won = visible(p, '已领取，礼品卡已放入你的卡包')
      const lost = visible(p, '来晚了，这份礼物已被领完')
      await expect(won.or(lost)).toBeVisible({ timeout: 30_000 })
      return (await won.isVisible()) ? 'won' : 'lost'
    }),
  )
  winners = FRIENDS.filter((_, i) => outcome[i] === 'won')
  expect(winners).toHaveLength(3)
  loser = FRIENDS.find((_, i) => outcome[i] === 'lost')!
  const loserPhone = phones[FRIENDS.indexOf(loser as (typeof FRIENDS)[number])]!
  // A winner's page, read again after the claim, names the claims so far (theirs among them).
  for (const [i, p] of phones.entries())
    if (outcome[i] === 'won') await expect(p.locator('.gift-claim').filter({ visible: true }).first()).toBeVisible()
  for (const [i, name] of FRIENDS.entries()) await snap(phones[i]!, `63-group-${outcome[i]}-${name}`)
  // One sentence, not twice, and a button to go on.
  expect(await loserPhone.getByText('来晚了，这份礼物已被领完').filter({ visible: true }).count()).toBe(1)
  await expect(loserPhone.getByText('领取到卡包').filter({ visible: true })).toHaveCount(0)
  await tap(loserPhone, '去选购一张礼品卡')
  await expect(visible(loserPhone, '选择面额')).toBeVisible()
  await snap(loserPhone, '64-group-loser-goes-on')
  // Each winner holds one funded ¥100 card from alice, in our records and in the card bag alike.
  for (const name of winners) {
    const cards = await agree(stack(), name)
    expect(cards.map((c) => [c.balance, c.giftFrom])).toEqual([[10000, '爱丽丝']])
  }
  expect(await agree(stack(), loser)).toEqual([])
  await Promise.all(phones.map((p) => p.context().close()))
})

test('alice sees 已领取 and the three claims by name, never an openid; her own link shows the same state', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/gifts/index?tab=sent')
  await expect(visible(page, '群礼物 · 已领 3/3 张')).toBeVisible()
  await snap(page, '65-group-alice-sent')
  await visible(page, '群礼物 · 已领 3/3 张').click()
  await expect(visible(page, '领取记录')).toBeVisible()
  await expect(page.locator('.gift-claim').filter({ visible: true })).toHaveCount(3)
  const text = (await visibleCss(page, '#gift-claims').textContent()) ?? ''
  for (const name of [...FRIENDS, 'alice']) expect(text).not.toContain(stack().wechat.users.get(name)!.mpOpenid)
  expect(text).toMatch(/(好友[0-9A-F]{4} 领取了一张.*){3}/)
  await snap(page, '66-group-alice-claims')
  await openAs(page, stack(), 'alice', claimPath)
  await expect(visible(page, '我送出的礼物')).toBeVisible()
  await expect(visible(page, '领取记录')).toBeVisible()
  await expect(page.getByText('你收到一份礼物').filter({ visible: true })).toHaveCount(0)
  await expect(page.getByText('领取到卡包').filter({ visible: true })).toHaveCount(0)
  await snap(page, '67-group-alice-own-link')
})

test('a friend’s card reads 来自 爱丽丝 的礼物 without alice’s order number, and 送给好友 opens WeChat’s 转赠', async ({ page }) => {
  const name = winners[0]!
  await openAs(page, stack(), name, '/pages/index/index')
  await expect(visible(page, '来自 爱丽丝 的礼物')).toBeVisible()
  await visibleCss(page, '#usable-cards .card-tile').click()
  await expect(visible(page, '向收银员出示')).toBeVisible()
  await expect(visibleCss(page, '#history')).toContainText('来自 爱丽丝 的礼物')
  await expect(visibleCss(page, '#history')).not.toContainText('订单号')
  await expect(visibleCss(page, '#history')).not.toContainText('购卡充值')
  await tap(page, '送给好友')
  await expect(visible(page, /已在微信卡包中打开这张卡：点「赠送」选择好友/)).toBeVisible()
  await page.locator('#history').filter({ visible: true }).first().scrollIntoViewIfNeeded()
  await snap(page, '68-group-friend-card')
})
