// `npm start` stops cleanly when SIGTERM is sent to npm's own process (issue 28), not only to the stack's.
// npm forwards SIGTERM to the script's process (@npmcli/run-script's signal-manager); with a plain
// `tsx …` script that process is `sh -c`, which dies without passing it on and leaves tsx and the stack
// running. The start script execs tsx, so the signal reaches tsx, which relays it to emulator/start.ts.
// Needs the function bundles (npm run build:functions); --no-build skips the H5 build.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

/** Three ports free right now, each asked of the kernel with port 0. */
async function sparePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer()
          s.once('error', reject)
          s.listen(0, '127.0.0.1', () => resolve(s))
        }),
    ),
  )
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}

/** Whether something accepts connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/** Polls `check` every 100 ms until it holds or `withinMs` passes; answers whether it held. */
async function until(check: () => Promise<boolean> | boolean, withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, 100))
  }
}

let npm: ChildProcess | undefined
let dataDir: string | undefined
afterEach(() => {
  // Whatever happened, nothing of this test stays running: the whole group npm leads.
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

test('SIGTERM to npm’s process stops the stack: all three ports free within 15 s', async () => {
  const [wx, cloud, h5] = await sparePorts(3)
  dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'))
  let output = ''
  // Its own process group, so that afterEach can end everything it started even if the fix regresses.
  npm = spawn('npm', ['start', '--', '--no-build', '--fresh'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WXEMU_PORT: String(wx), CLOUD_PORT: String(cloud), H5_PORT: String(h5), DATA_DIR: dataDir },
  })
  npm.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  npm.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => npm!.once('exit', (code) => resolve(code)))

  expect(await until(() => output.includes('Local stack is up'), 90_000)).toBe(true)
  for (const port of [wx!, cloud!, h5!]) expect(await listening(port)).toBe(true)

  process.kill(npm.pid!, 'SIGTERM')
  const free = async () => !(await listening(wx!)) && !(await listening(cloud!)) && !(await listening(h5!))
  expect(await until(free, 15_000)).toBe(true)
  expect(output).toContain('SIGTERM: stopping…')
  // npm itself ends too (it re-raises the signal once its script has exited), and nothing of its group is left.
  await exited
  const groupGone = () => {
    try {
      process.kill(-npm!.pid!, 0)
      return false
    } catch {
      return true
    }
  }
  expect(await until(groupGone, 15_000)).toBe(true)
})
