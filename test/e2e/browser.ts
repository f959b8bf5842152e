// What every e2e file shares: a local stack on free ports with in-memory data (started before the
// file's tests, stopped after), people acting through the H5 preview's switcher, and screenshots of each
// step under test-results/e2e/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ROOT, startStack, type Stack } from '../../emulator/stack'

export const ARTIFACTS = join(ROOT, 'test-results', 'e2e')

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers a stack for the calling file; `env` overrides settings (e.g. GIFT_EXPIRY_S). */
export function e2eStack(env: Record<string, string> = {}): () => Stack {
  let stack: Stack | undefined
  test.beforeAll(async () => {
    stack = await startStack({
      inMemory: true,
      timers: false,
      env: { WXEMU_PORT: '0', CLOUD_PORT: '0', H5_PORT: '0', WXEMU_PUSH_RETRY_MS: '200', ...env },
    })
  })
  test.afterAll(async () => {
    await stack?.stop()
  })
  return () => stack!
}

/** Calls a cloud function as `name` does from the Mini Program (the openid and unionid WeChat sets). */
export async function callAs(stack: Stack, name: string, fnName: string, data: Json): Promise<Json> {
  const u = stack.wechat.users.get(name)!
  const res = await fetch(`${stack.cloud.url}/fn/${fnName}`, {
    method: 'POST',
    headers: { 'x-wx-openid': u.mpOpenid, 'x-wx-unionid': u.unionid },
    body: JSON.stringify(data),
  })
  return (await res.json()) as Json
}

/** A coupon of card-api-guide.zh.txt's shape for merchant.cardCreate: base_info common to every type, and the type's own fields. */
export function couponCard(type: string, title: string, fields: Json): Json {
  return {
    card_type: type,
    [type.toLowerCase()]: {
      base_info: {
        logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
        brand_name: '示例咖啡',
        code_type: 'CODE_TYPE_QRCODE',
        title,
        color: 'Color010',
        notice: '使用时向店员出示此券',
        description: '不可与其他优惠同享',
        date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
        sku: { quantity: 100 },
      },
      ...fields,
    },
  }
}

/** Saves a full-page screenshot of the current step under test-results/e2e/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  // Let images (card faces from the emulated CDN) finish loading first.
  await page.waitForLoadState('networkidle').catch(() => undefined)
  // …and Taro's page slide-in animation to end.
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** Opens a page of the Mini Program in the H5 preview as `name` (alice, bob, carol). */
export async function openAs(page: Page, stack: Stack, name: string, path: string): Promise<void> {
  await page.goto(`${stack.preview!.url}/`)
  await page.evaluate((n) => localStorage.setItem('preview.user', n), name)
  await page.goto(`${stack.preview!.url}/#${path}`)
  await page.reload()
  await expect(page.locator(`#preview-switcher button[data-user="${name}"][style*="font-weight:bold"]`)).toBeVisible()
  // The switcher floats over the page's lower buttons: out of the way once the person is chosen.
  await page.addStyleTag({ content: '#preview-switcher{display:none!important}' })
}

/** Taps the visible button (NutUI's, on Taro's button element) whose text matches. */
export async function tap(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('taro-button-core').filter({ hasText: text, visible: true }).first().click()
}

/** Taro's H5 router keeps pages in the DOM, hidden: match visible elements only. */
export const visible = (page: Page, text: string | RegExp) => page.getByText(text).filter({ visible: true }).first()
export const visibleCss = (page: Page, css: string) => page.locator(css).filter({ visible: true }).first()

/**
 * Chooses a date in a date field (components/DateInput): opens its picker (Taro's taro-picker-core in the
 * H5 build; `shot` names a screenshot of it open) and confirms the date it opens at — the field's value,
 * or where an empty field opens (a birthday: 1990-01-01).
 */
export async function pickDate(page: Page, field: string, shot?: string): Promise<void> {
  await visibleCss(page, `#field-${field} .date-input`).click()
  const confirm = visibleCss(page, '.weui-picker__action:has-text("确定")')
  await expect(confirm).toBeVisible()
  if (shot) await snap(page, shot)
  await confirm.click()
}

/** Uploads `file` through a console picture field (its button opens the browser's file chooser). */
export async function uploadPicture(page: Page, field: string, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await visibleCss(page, `#field-${field} taro-button-core`).click()
  await (await chooser).setFiles(file)
  await expect(visibleCss(page, `#field-${field} img`)).toBeVisible({ timeout: 15_000 })
}

/** A person's cards as card.listMine shows them, and their card bag as WeChat shows it. */
export async function listMine(stack: Stack, name: string): Promise<Json> {
  const u = stack.wechat.users.get(name)!
  const res = await fetch(`${stack.cloud.url}/fn/card`, {
    method: 'POST',
    headers: { 'x-wx-openid': u.mpOpenid, 'x-wx-unionid': u.unionid },
    body: JSON.stringify({ action: 'listMine' }),
  })
  return (await res.json()) as Json
}

export async function bag(stack: Stack, name: string): Promise<Json[]> {
  return ((await (await fetch(`${stack.wechat.url}/__emu/bag/${name}`)).json()) as Json).cards as Json[]
}

/** The two views of a person's cards agree: same codes, same balances (funded cards only). */
export async function agree(stack: Stack, name: string): Promise<Json[]> {
  await stack.wechat.platform.settle()
  const mine = ((await listMine(stack, name)).cards as Json[]).filter((c) => c.status === 'NORMAL')
  const inBag = (await bag(stack, name)).filter((c) => c.status === 'NORMAL')
  expect(mine.map((c) => `${c.cardId}:${c.code}:${c.balance}`).sort()).toEqual(
    inBag.map((c) => `${c.cardId}:${c.code}:${c.balance}`).sort(),
  )
  return mine
}

/** At the checkout (pages/checkout/index), adds `n` more of a menu item (data-item: latte, croissant…) to the order. */
export async function addToOrder(page: Page, item: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await visibleCss(page, `[data-item="${item}"]`).locator('.nut-inputnumber-icon').last().click()
}

/** Buys a card in the shop as the current person; for a friend (the default) or for themselves. */
export async function buyInShop(
  page: Page,
  opts: { amount: string; face?: number; blessing?: string; from?: string; forMe?: boolean; shot: string },
) {
  await expect(visible(page, '选择面额')).toBeVisible()
  if (opts.forMe) await visible(page, '给自己买').click()
  await visibleCss(page, `.chip:has-text("${opts.amount}")`).click()
  if (opts.face !== undefined) await visibleCss(page, `[data-face="${opts.face}"]`).click()
  if (opts.blessing !== undefined) await visibleCss(page, '.blessing textarea').fill(opts.blessing)
  if (opts.from !== undefined) await visibleCss(page, 'input[placeholder="好友看到的你的名字"]').fill(opts.from)
  await snap(page, `${opts.shot}-shop`)
  await tap(page, opts.forMe ? `立即购买 ${opts.amount}` : `购买并送出 ${opts.amount}`)
}
