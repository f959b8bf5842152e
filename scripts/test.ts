// `npm test`: the type check, lint, the three builds and jest, overlapped where nothing depends on the
// other, so that the wall time is the longest chain rather than the sum:
//
//   build:functions ─┬─ jest: node + component (the bundles are all they need) ───────────────┐
//                    ├─ typecheck → lint                                                       ├─ summary
//                    └─ build:weapp → build:h5 ─ jest: miniprogram + dist (they read the builds)┘
//
// Jest's integration tests mostly wait (HTTP round trips, function instances in worker threads), which
// is when the CPU-bound builds and checks run. A build whose inputs are unchanged since it last ran is
// skipped (its stamp in dist/.stamps, beside what it stamps: node_modules may be a hard-linked copy
// shared between checkouts; FORCE_BUILD=1 builds anyway); the type check and lint keep their caches in
// .cache/ (for the same reason), which compare contents. A clean clone (CI) has no stamps and no caches: everything runs.
// Each step's time is printed, and the one line CI reads: "jest: N passed, N failed".
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(__dirname, '..')
const STAMPS = join(ROOT, 'dist', '.stamps')
const RESULTS = join(ROOT, 'test-results')

interface Outcome {
  name: string
  ok: boolean
  ms: number
  note?: string
}
const outcomes: Outcome[] = []

/** Runs `npm run <script>` or `npx <args>`; output is printed as it comes when `live`, else in one block when it ends. */
function run(name: string, args: string[], o: { live?: boolean; env?: Record<string, string> } = {}): Promise<boolean> {
  const t0 = Date.now()
  return new Promise((resolve) => {
    const child = spawn(args[0]!, args.slice(1), { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: o.live ? 'inherit' : 'pipe' })
    const chunks: Buffer[] = []
    child.stdout?.on('data', (c: Buffer) => chunks.push(c))
    child.stderr?.on('data', (c: Buffer) => chunks.push(c))
    child.on('close', (code) => {
      const ok = code === 0
      const ms = Date.now() - t0
      if (!o.live) process.stdout.write(`\n::: ${name}\n${Buffer.concat(chunks).toString()}`)
      console.log(`::: ${name} ${ok ? 'passed' : 'FAILED'} in ${(ms / 1000).toFixed(1)} s`)
      outcomes.push({ name, ok, ms })
      resolve(ok)
    })
  })
}

const npmRun = (script: string) => ['npm', 'run', '--silent', script]

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) filesUnder(p, out)
    else out.push(p)
  }
  return out
}

/** What a Taro build reads: the sources it bundles, its config, the installed packages and the TARO_* settings (.env files included). */
function clientInputsHash(target: string): string {
  const h = createHash('sha256').update(target)
  const rootFiles = readdirSync(ROOT)
    .filter(
      (n) =>
        n.startsWith('.env') ||
        ['babel.config.js', 'project.config.json', 'package.json', 'package-lock.json', 'tsconfig.json'].includes(n),
    )
    .map((n) => join(ROOT, n))
  const files = [...['src', 'contract', 'config', 'types'].flatMap((d) => filesUnder(join(ROOT, d))), ...rootFiles]
    .filter((f) => statSync(f).isFile())
    .sort()
  for (const f of files) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0')
  for (const [k, v] of Object.entries(process.env).sort()) if (k.startsWith('TARO_') || k === 'NODE_ENV') h.update(`${k}=${v}\0`)
  return h.digest('hex')
}

/** Builds dist/<target> unless it was built from exactly these inputs. */
async function buildClient(target: 'weapp' | 'h5'): Promise<boolean> {
  const stamp = join(STAMPS, `${target}.sha256`)
  const hash = clientInputsHash(target)
  const built = existsSync(join(ROOT, 'dist', target, target === 'h5' ? 'index.html' : 'app.json'))
  if (process.env.FORCE_BUILD !== '1' && built && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log(`::: build:${target} skipped: dist/${target} was built from these sources (FORCE_BUILD=1 rebuilds)`)
    outcomes.push({ name: `build:${target}`, ok: true, ms: 0, note: 'fresh, skipped' })
    return true
  }
  const ok = await run(`build:${target}`, npmRun(`build:${target}`))
  if (ok) {
    mkdirSync(STAMPS, { recursive: true })
    writeFileSync(stamp, hash)
  }
  return ok
}

interface JestCounts {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  numTotalTestSuites: number
}

/** One jest run over `projects`; its counts are read from its JSON result. */
async function jest(lane: string, projects: string[], workers: number, live: boolean): Promise<JestCounts | undefined> {
  mkdirSync(RESULTS, { recursive: true })
  const out = join(RESULTS, `jest-${lane}.json`)
  const args = ['npx', 'jest', '--selectProjects', ...projects, `--maxWorkers=${workers}`, '--json', `--outputFile=${out}`]
  // The per-run summary line is replaced by the combined one below.
  await run(`jest ${projects.join(' + ')}`, args, { live, env: { JEST_SUMMARY: 'off' } })
  return existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as JestCounts) : undefined
}

async function main(): Promise<number> {
  const t0 = Date.now()
  // The weapp build needs a Cloud Development environment (config/index.ts); the tests run it on the local
  // stack, which ignores the name. Set here, before the build's inputs are hashed, so a rebuild sees it.
  process.env.TARO_APP_CLOUD_ENV ||= 'local-test-only'
  const functions = await run('build:functions', npmRun('build:functions'))
  const checks = (async () => (await run('typecheck', npmRun('typecheck'))) && (await run('lint', npmRun('lint'))))()
  // Two workers: most of an integration test's time is spent waiting on the stack it started.
  const jestNode = functions ? jest('node', ['node', 'component'], 2, true) : Promise.resolve(undefined)
  const clients = (async () => (await buildClient('weapp')) && (await buildClient('h5')))()
  const jestBuilt = clients.then((ok) => (ok && functions ? jest('built', ['miniprogram', 'dist'], 1, false) : undefined))
  const [checked, built, a, b] = await Promise.all([checks, clients, jestNode, jestBuilt])

  const counts = [a, b].filter((c): c is JestCounts => !!c)
  const sum = (k: keyof JestCounts) => counts.reduce((n, c) => n + c[k], 0)
  console.log('\n::: npm test, step by step (they overlap; see scripts/test.ts)')
  for (const o of outcomes)
    console.log(
      `  ${o.ok ? 'ok    ' : 'FAILED'} ${o.name.padEnd(30)} ${(o.ms / 1000).toFixed(1).padStart(6)} s${o.note ? ` (${o.note})` : ''}`,
    )
  console.log(`  wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const skipped = sum('numPendingTests') + sum('numTodoTests')
  const failed = sum('numFailedTests') + (a ? 0 : 1) + (b ? 0 : 1)
  console.log(`jest: ${sum('numPassedTests')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  const ok = functions && checked && built && outcomes.every((o) => o.ok) && failed === 0
  return ok ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
