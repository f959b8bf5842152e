// `npm run size`: the weapp main package, each subpackage and each function bundle in KB, against the
// budget (WeChat's hard limit is 2 MB a package; we hold the main package to 600 KB so that first open
// stays fast). Exits 1 when anything is over budget or missing.
// A function's budget is for the code an instance loads on a cold start. Its source map (app.js.map) is
// uploaded beside it but read only when a stack trace is printed, so it is shown and not counted.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(__dirname, '..')
const weapp = join(root, 'dist', 'weapp')
const functions = join(root, 'dist', 'cloudfunctions')
const KB = 1024
const BUDGET = { mainKB: 600, subpackageKB: 2048, functionKB: 300 }

function sizeOf(dir: string, skip: (path: string) => boolean = () => false): number {
  let total = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (skip(p)) continue
    const st = statSync(p)
    total += st.isDirectory() ? sizeOf(p, skip) : st.size
  }
  return total
}

function main(): number {
  if (!existsSync(join(weapp, 'app.json')) || !existsSync(functions)) {
    console.error('size: build first (npm run build)')
    return 1
  }
  const app = JSON.parse(readFileSync(join(weapp, 'app.json'), 'utf8')) as {
    subPackages?: { root: string }[]
    subpackages?: { root: string }[]
  }
  const subRoots = (app.subPackages ?? app.subpackages ?? []).map((s) => join(weapp, s.root))
  const rows: { what: string; kb: number; budget: number; note?: string }[] = []
  // Sizes that DevTools does not upload (its own config, license notes) are not counted.
  const notUploaded = (p: string) => subRoots.includes(p) || p.endsWith('.LICENSE.txt') || p === join(weapp, 'project.config.json')
  rows.push({ what: 'weapp main package', kb: sizeOf(weapp, notUploaded) / KB, budget: BUDGET.mainKB })
  for (const sub of subRoots)
    rows.push({ what: `weapp subpackage ${relative(weapp, sub)}/`, kb: sizeOf(sub) / KB, budget: BUDGET.subpackageKB })
  const isMap = (p: string) => p.endsWith('.map')
  for (const fn of readdirSync(functions).sort()) {
    const dir = join(functions, fn)
    const mapKB = (sizeOf(dir) - sizeOf(dir, isMap)) / KB
    const note = mapKB > 0 ? ` + ${mapKB.toFixed(1)} KB source map` : ''
    rows.push({ what: `function ${fn}`, kb: sizeOf(dir, isMap) / KB, budget: BUDGET.functionKB, note })
  }
  let over = 0
  for (const r of rows) {
    const ok = r.kb <= r.budget
    if (!ok) over++
    console.log(`${ok ? 'ok  ' : 'OVER'}  ${r.what.padEnd(34)} ${r.kb.toFixed(1).padStart(8)} KB  (budget ${r.budget} KB)${r.note ?? ''}`)
  }
  console.log(over ? `size: ${over} over budget` : 'size: all within budget')
  return over ? 1 : 0
}

process.exit(main())
