// Crash safety of the local cloud's database: a child process commits transactions in a loop
// (commit-loop.ts) and is killed with SIGKILL at random moments; after each restart every transaction
// is wholly there or wholly absent, and every commit the child acknowledged is there. CI runs 20 kills;
// `npm run soak:crash` runs 200 (CRASH_KILLS).
// The child is bundled once (esbuild, as build-functions bundles the functions; its packages, better-sqlite3
// and bson, loaded from node_modules) and each round starts plain node on the bundle: a round under
// `node --import tsx` spent 1–3 s compiling the child before its first commit, most of the file's time.
import { spawn } from 'node:child_process'
import { buildSync } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DocStore } from '../../emulator/cloud/db/doc-store'
import { ROOT } from '../helpers/cloud'

const KILLS = Number(process.env.CRASH_KILLS) || 20
const BUILT = mkdtempSync(join(tmpdir(), 'crash-child-'))
const CHILD = join(BUILT, 'commit-loop.cjs')
beforeAll(() => {
  buildSync({
    entryPoints: [join(__dirname, 'commit-loop.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile: CHILD,
    logLevel: 'warning',
  })
})
afterAll(() => rmSync(BUILT, { recursive: true, force: true }))

/** Starts the child, kills it `afterMs` after its first commit; resolves with the last number it acknowledged. */
function runAndKill(file: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The bundle lives in a temporary folder: its packages are found in the project's node_modules.
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    })
    let acked = 0
    let buf = ''
    let stderr = ''
    let armed = false
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString()
      const lines = buf.split('\n')
      buf = lines.pop()!
      for (const l of lines) if (l) acked = Number(l)
      if (!armed && acked > 0) {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), afterMs)
      }
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the child ended by itself: ${stderr}`))
      else resolve(acked)
    })
  })
}

test(
  `${KILLS} SIGKILLs at random moments: every transaction wholly there or wholly absent`,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-'))
    const file = join(dir, 'cloud.sqlite')
    let previous = 0
    try {
      for (let k = 0; k < KILLS; k++) {
        const acked = await runAndKill(file, Math.floor(Math.random() * 120))
        const store = DocStore.open(file)
        try {
          const n = (store.get('accounts', 'acct')?.n as number | undefined) ?? 0
          // Acknowledged commits survived, and the child made progress this round.
          expect(n).toBeGreaterThanOrEqual(acked)
          expect(n).toBeGreaterThan(previous)
          // Exactly the entries of transactions 1..n: none half-written, none missing, none extra.
          const ledger = [...store.docs('ledger')].map((d) => d.n as number)
          const receipts = [...store.docs('receipts')].map((d) => d.n as number)
          expect(ledger.length).toBe(n)
          expect(receipts.length).toBe(n)
          expect(ledger.every((v, i) => v === i + 1)).toBe(true)
          expect(receipts.every((v, i) => v === i + 1)).toBe(true)
          previous = n
        } finally {
          store.close()
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    // Each round starts a child (node on the bundle): well under a second unloaded, more on a machine shared with other runs.
  },
  60_000 + KILLS * 15_000,
)
