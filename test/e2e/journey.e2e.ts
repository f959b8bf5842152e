// The consumer journeys in the H5 preview, as alice and bob use them. At each step the emulator's card
// bag (GET /__emu/bag/:user) and card.listMine must agree. Screenshots: test-results/e2e/.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { e2eSuite, phonePage, snap } from './browser'

const suite = e2eSuite()

type Card = { cardId: string; code: string; balance: number; status?: string }

async function listMine(name: string): Promise<Card[]> {
  const u = suite.stack().wechat.users.get(name)!
  const res = await fetch(`${suite.stack().cloud.url}/fn/card`, { method: 'POST', headers: { 'x-wx-openid': u.mpOpenid, 'x-wx-unionid': u.unionid }, body: JSON.stringify({ action: 'listMine' }) })
  return ((await res.json()) as { cards: Card[] }).cards
}

async function bag(name: string): Promise<Card[]> {
  return ((await (await fetch(`${suite.stack().wechat.url}/__emu/bag/${name}`)).json()) as { cards: Card[] }).cards
}

/** The two views of a person's cards agree: same codes, same balances. */
async function agree(name: string): Promise<Card[]> {
  await suite.stack().wechat.platform.settle()
  const mine = (await listMine(name)).map((c) => `${c.cardId}:${c.code}:${c.balance}`).sort()
  const inBag = (await bag(name)).map((c) => `${c.cardId}:${c.code}:${c.balance}`).sort()
  assert.deepEqual(mine, inBag, `${name}: card.listMine and the card bag disagree`)
  return listMine(name)
}

async function actAs(page: Page, name: string) {
  await page.locator(`#preview-switcher button[data-user="${name}"]`).click()
  await page.locator(`#preview-switcher button[data-user="${name}"][style*="font-weight:bold"]`).waitFor()
}

async function buy(page: Page, title: string, priceText: string, shot: string) {
  await page.goto(`${suite.stack().preview!.url}/#/pages/shop/index`)
  await page.getByText(title, { exact: true }).filter({ visible: true }).first().click()
  await snap(page, `${shot}-chosen`)
  await page.getByText(`Buy for ${priceText}`).click()
  await page.getByText(/Added to your card bag/).waitFor({ timeout: 20000 })
  await snap(page, `${shot}-added`)
}

test('alice buys a 100-yuan card, adds it, sees 100.00, gifts it to bob; bob sees it and alice no longer does', async () => {
  const page = await phonePage(suite.browser())
  await page.goto(suite.stack().preview!.url)
  await actAs(page, 'alice')
  assert.deepEqual(await agree('alice'), [])
  await buy(page, '100元礼品卡', '¥100.00', 'journey-1-alice')
  await page.getByText('See my cards').click()
  await page.getByText('¥100.00').filter({ visible: true }).first().waitFor()
  await snap(page, 'journey-1-alice-my-cards')
  const [card] = await agree('alice')
  assert.equal(card!.balance, 10000)

  // WeChat's card bag: alice gives the card to bob, who accepts.
  const gift = await fetch(`${suite.stack().wechat.url}/__emu/client/gift`, { method: 'POST', body: JSON.stringify({ from: 'alice', to: 'bob', cardId: card!.cardId, code: card!.code }) })
  assert.equal(gift.status, 200)
  await actAs(page, 'bob')
  await page.getByText('¥100.00').filter({ visible: true }).first().waitFor({ timeout: 15000 })
  await snap(page, 'journey-1-bob-received')
  const bobs = await agree('bob')
  assert.equal(bobs.length, 1)
  assert.equal(bobs[0]!.balance, 10000)

  await actAs(page, 'alice')
  await page.getByText('No gift cards yet').filter({ visible: true }).first().waitFor({ timeout: 15000 })
  await snap(page, 'journey-1-alice-after-gift')
  assert.deepEqual(await agree('alice'), [])
  await page.close()
})

test('alice spends 30.00 of 100.00 at checkout and sees 70.00 in the Mini Program and in her card bag', async () => {
  const page = await phonePage(suite.browser())
  await page.goto(suite.stack().preview!.url)
  await actAs(page, 'alice')
  await buy(page, '100元礼品卡', '¥100.00', 'journey-2-alice')
  await page.goto(`${suite.stack().preview!.url}/#/pages/checkout/index`)
  // The card tile (its status label); the shop's price tiles may still be animating out.
  await page.locator('.card-tile', { hasText: 'Active' }).filter({ visible: true }).first().click()
  await snap(page, 'journey-2-checkout')
  await page.getByText('Pay ¥30.00').click()
  await page.getByText('Paid. New balance ¥70.00').waitFor({ timeout: 15000 })
  await snap(page, 'journey-2-paid')
  await page.goto(`${suite.stack().preview!.url}/#/pages/index/index`)
  await page.getByText('¥70.00').filter({ visible: true }).first().waitFor({ timeout: 15000 })
  await snap(page, 'journey-2-my-cards')
  const cards = await agree('alice')
  assert.deepEqual(cards.map((c) => c.balance), [7000])
  assert.deepEqual((await bag('alice')).map((c) => c.balance), [7000])
  await page.close()
})
