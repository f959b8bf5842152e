// Chart libraries for the merchant dashboard, measured the same way (README, "Merchant console"):
//   npm i --no-save @antv/f2@5.14.0 echarts@6.1.0 && node test/bench/charts/run.mjs
// Each candidate draws the same 7-day, 3-channel stacked column chart (343×220 CSS px, pixel ratio 3)
// 21 times in Chromium; printed: the minified bundle of what the chart needs, gzipped, and the median draw.
import { execFileSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' })
for (const name of ['ucharts', 'f2', 'echarts']) {
  const js = execFileSync(
    join(root, 'node_modules', '.bin', 'esbuild'),
    [join(here, `${name}.js`), '--bundle', '--minify', '--format=iife', '--log-level=error'],
    { cwd: root },
  )
  const medians = []
  for (let run = 0; run < 3; run++) {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 3 })
    await page.setContent(`<html><body><script>${js.toString()}</script></body></html>`)
    await page.waitForFunction(() => window.result, null, { timeout: 30000 })
    medians.push((await page.evaluate(() => window.result)).median.toFixed(1))
    await page.close()
  }
  console.log(
    `${name}: ${js.length} bytes minified, ${gzipSync(js, { level: 9 }).length} gzipped; median draw ${medians.join(' / ')} ms (3 page loads)`,
  )
}
await browser.close()
