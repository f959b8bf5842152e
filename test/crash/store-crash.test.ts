// Crash safety of the local cloud's database: a child process commits transactions in a loop
// (commit-loop.ts) and is killed with SIGKILL at random moments; after each restart every transaction
// is wholly there or wholly absent, and every commit the child acknowledged is there. CI runs 20 kills;
// `npm run soak:crash` runs 200 (CRASH_KILLS).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DocStore } from '../../emulator/cloud/db/doc-store'

const KILLS = Number(process.env.CRASH_KILLS) || 20
const CHILD = join(__dirname, 'commit-loop.ts')

/** Starts the child, kills it `afterMs` after its first commit; resolves with the last number it acknowledged. */
function runAndKill(file: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] })
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
    // Each round starts a child under tsx: about a second unloaded, many on a machine shared with other runs.
  },
  60_000 + KILLS * 15_000,
)
