// Draws the project's bitmap art with Chromium (run once, output committed; re-run after a change):
// - the tab bar icons (WeChat's tabBar takes PNG files only, 81×81, grey and brand-red), from NutUI's
//   icon set (@nutui/icons-react-taro, MIT);
// - the demo card faces the local stack serves as the emulated WeChat CDN (emulator/assets/faces/).
// Usage: npx tsx scripts/make-art.ts
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const root = join(__dirname, '..')

function nutIcon(name: string, color: string): string {
  const src = readFileSync(join(root, 'node_modules/@nutui/icons-react-taro/dist/es/icons', `${name}.js`), 'utf8')
  const b64 = /svg64: "data:image\/svg\+xml;base64,([^"]+)"/.exec(src)![1]!
  return Buffer.from(b64, 'base64')
    .toString('utf8')
    .replace(/fill="#[0-9a-fA-F]{3,6}"/g, `fill="${color}"`)
}

const TABS: [file: string, icon: string][] = [
  ['cards', 'Wallet'],
  ['gift', 'Gift'],
  ['pay', 'Scan'],
]

/** Card faces at 1.58:1 (WeChat's card proportions), drawn as SVG: festive red, gold, and ink blue. */
const FACES: Record<string, string> = {
  'demo-face-red': face('#d2453b', '#8e211b', '#f3c98b', '礼', '心意礼品卡'),
  'demo-face-gold': face('#e8c27a', '#a8742f', '#fff6e0', '福', '感谢有你'),
  'demo-face-blue': face('#3d5a8a', '#1d2c4a', '#c8d8f2', '悦', '生日快乐'),
}

function face(c1: string, c2: string, accent: string, glyph: string, line: string): string {
  const rings = Array.from(
    { length: 6 },
    (_, i) =>
      `<circle cx="820" cy="120" r="${80 + i * 70}" fill="none" stroke="${accent}" stroke-opacity="${0.28 - i * 0.04}" stroke-width="3"/>`,
  ).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="948" height="600" viewBox="0 0 948 600">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient></defs>
    <rect width="948" height="600" fill="url(#g)"/>${rings}
    <text x="700" y="470" font-size="300" font-family="WenQuanYi Micro Hei, sans-serif" fill="${accent}" fill-opacity="0.22">${glyph}</text>
    <text x="60" y="300" font-size="56" font-family="WenQuanYi Micro Hei, sans-serif" fill="${accent}" fill-opacity="0.9" letter-spacing="8">${line}</text>
    <rect x="60" y="330" width="120" height="6" rx="3" fill="${accent}" fill-opacity="0.8"/>
  </svg>`
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  const tabDir = join(root, 'src/assets/tab')
  mkdirSync(tabDir, { recursive: true })
  for (const [file, icon] of TABS) {
    for (const [suffix, color] of [
      ['', '#8a8a8a'],
      ['-on', '#b8322a'],
    ] as const) {
      await page.setViewportSize({ width: 81, height: 81 })
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><div style="width:81px;height:81px;display:flex;align-items:center;justify-content:center">${nutIcon(icon, color).replace('<svg ', '<svg width="60" height="60" ')}</div></body></html>`,
      )
      await page.screenshot({ path: join(tabDir, `${file}${suffix}.png`), omitBackground: true })
    }
  }
  const faceDir = join(root, 'emulator/assets/faces')
  mkdirSync(faceDir, { recursive: true })
  for (const [name, svg] of Object.entries(FACES)) {
    await page.setViewportSize({ width: 948, height: 600 })
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`)
    await page.screenshot({ path: join(faceDir, `${name}.jpg`), type: 'jpeg', quality: 85 })
  }
  await browser.close()
  console.log(`tab icons → ${tabDir}; faces → ${faceDir}`)
}

void main()
