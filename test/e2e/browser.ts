// Debian's Chromium driven by playwright-core (browsers cannot be downloaded here), plus a local stack
// on free ports with in-memory data, started and stopped by each e2e file.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT, startStack, type Stack } from '../../emulator/stack'

export const ARTIFACTS = join(ROOT, 'test-results', 'e2e')

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export async function startE2eStack(): Promise<Stack> {
  return startStack({ inMemory: true, timers: false, env: { WXEMU_PORT: '0', CLOUD_PORT: '0', H5_PORT: '0' } })
}

// Taro's H5 router keeps tab pages in the DOM, hidden: match visible elements only
// (`.filter({ visible: true })`).

/** A page the size of a phone, as the Mini Program is used. */
export async function phonePage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
}

/** Saves a screenshot of the current step under test-results/e2e/. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** Registers a stack and a browser for the calling e2e file, started before its tests and stopped after. */
export function e2eSuite(): { stack: () => Stack; browser: () => Browser } {
  let stack: Stack | undefined
  let browser: Browser | undefined
  before(async () => {
    stack = await startE2eStack()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await stack?.stop()
  })
  return { stack: () => stack!, browser: () => browser! }
}
