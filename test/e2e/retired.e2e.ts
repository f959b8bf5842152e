// The platform as most accounts meet it since 2021 (#29): the stack runs with the emulator's retired-2021
// preset (`npm start -- --retired`, emulator/wechat/retired.ts). Carol's ordinary coupon is refused with
// 45103 in the notice's words; alice still buys a gift card for herself and sees it in 我的卡; a member card
// is still created, and alice joins it and reaches its activation form.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { ROOT } from '../../emulator/stack'
import { RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import { buyInShop, e2eStack, openAs, snap, tap, visible, visibleCss, type Json } from './browser'

const stack = e2eStack({ WXEMU_RETIRED_APIS: 'retired-2021' })
test.describe.configure({ mode: 'serial' })

async function fn(name: string, fnName: string, data: Json): Promise<Json> {
  const u = stack().wechat.users.get(name)!
  const res = await fetch(`${stack().cloud.url}/fn/${fnName}`, {
    method: 'POST',
    headers: { 'x-wx-openid': u.mpOpenid, 'x-wx-unionid': u.unionid },
    body: JSON.stringify(data),
  })
  return (await res.json()) as Json
}

test('an ordinary coupon is refused with 45103, in the words the console warns with', async () => {
  const member = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json
  const base = { ...member.card.member_card.base_info, notice: '结账时出示' }
  const refused = await fn('carol', 'merchant', {
    action: 'cardCreate',
    card: { card_type: 'CASH', cash: { least_cost: 10000, reduce_cost: 1000, base_info: base } },
  })
  expect(refused).toMatchObject({ errcode: 1502, wxErrcode: 45103, reason: 'WECHAT_ADVICE' })
  expect(refused.errmsg).toContain(RETIRED_COUPONS_NOTICE)
  expect((await fn('carol', 'merchant', { action: 'coinsRecharge', coinCount: 100 })).wxErrcode).toBe(45103)
})

test('gift cards still work: alice buys one for herself and sees it in 我的卡', async ({ page }) => {
  await openAs(page, stack(), 'alice', '/pages/shop/index')
  await buyInShop(page, { amount: '¥100.00', forMe: true, shot: '70-retired' })
  await expect(visible(page, /已放入卡包：100元礼品卡 ¥100.00/)).toBeVisible({ timeout: 30_000 })
  await tap(page, '查看我的卡')
  await expect(visibleCss(page, '#total-balance')).toHaveText('¥100.00')
  await snap(page, '71-retired-gift-card')
})

test('member cards still work: carol creates one, alice joins and reaches the activation form', async ({ page }) => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json
  expect((await fn('carol', 'merchant', { action: 'memberCardCreate', ...fixture })).errcode).toBe(0)
  await openAs(page, stack(), 'alice', '/member/pages/index/index')
  await expect(visible(page, '星河会员卡')).toBeVisible()
  await tap(page, '免费加入')
  await expect(visibleCss(page, '#activate-form')).toBeVisible({ timeout: 20_000 })
  await snap(page, '72-retired-member-card')
})
