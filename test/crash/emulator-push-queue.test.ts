// The WeChat emulator keeps its push queue across a kill -9 (issue 25, item 6): a child emulator queues
// pushes to a server that is down and is killed with SIGKILL; an emulator started again on the same
// data directory, with the server up, delivers exactly what the retry policy still owes: each gift-card
// event once, as its second attempt (WeChat retries those for 24 hours), and not the ordinary event,
// which had used up its three retries before the kill. A code it wrote is there too.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EmuPush } from '../../emulator/wechat/state'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { startEmu, startReceiver, until, type Receiver } from '../helpers/emulator'

const CHILD = join(__dirname, 'emulator-push-child.ts')

/** A loopback port nothing listens on: connections to it are refused at once. */
async function deadPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const port = (s.address() as { port: number }).port
  await new Promise((ok) => s.close(ok))
  return port
}

/** Runs the child until it has queued its pushes, kills it with SIGKILL, and returns its push log. */
function queueAndKill(dataDir: string, pushUrl: string): Promise<EmuPush[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, pushUrl], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let log: EmuPush[] | undefined
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (!log && out.includes('\n')) {
        log = JSON.parse(out.slice(0, out.indexOf('\n'))) as EmuPush[]
        child.kill('SIGKILL')
      }
    })
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' && log ? resolve(log) : reject(new Error(`the child ended by itself: ${err}`)),
    )
  })
}

let dataDir: string
let rx: Receiver | undefined
let emu: WechatEmulator | undefined

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wxemu-kill-'))
})
afterEach(async () => {
  await emu?.stop()
  await rx?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

test('pushes queued when the emulator was killed are delivered after it restarts, as the retry policy says', async () => {
  const before = await queueAndKill(dataDir, `http://127.0.0.1:${await deadPort()}/push`)
  expect(before.map((x) => [x.event, x.status, x.attempts.length])).toEqual([
    ['giftcard_pay_done', 'pending', 1],
    ['giftcard_user_accept', 'pending', 1],
    ['user_del_card', 'failed', 4],
  ])

  rx = await startReceiver()
  // The restarted emulator retries gift-card events every 20 ms (startEmu's setting).
  emu = await startEmu(rx, { dataDir })
  const log = () => emu!.platform.s.pushes
  await until(() => log().every((x) => x.status !== 'pending'), 'the queued gift-card events delivered')

  // Each gift-card event reached the server exactly once; the ordinary event never did.
  expect(rx.bodies.map((b) => /<Event><!\[CDATA\[(\w+)\]\]>/.exec(b)?.[1])).toEqual(['giftcard_pay_done', 'giftcard_user_accept'])
  expect(log().map((x) => [x.event, x.status, x.attempts.map((a) => a.status)])).toEqual([
    ['giftcard_pay_done', 'delivered', ['timeout', '200']],
    ['giftcard_user_accept', 'delivered', ['timeout', '200']],
    ['user_del_card', 'failed', ['timeout', 'timeout', 'timeout', 'timeout']],
  ])
  // The log kept its ids and the attempts made before the kill.
  expect(log().map((x) => [x.id, x.attempts[0]])).toEqual(before.map((x) => [x.id, x.attempts[0]]))
  // And a code the killed emulator wrote is there as it was last changed.
  expect(emu.platform.code('pKilledCard', '530000000001')).toMatchObject({ status: 'NORMAL', openid: 'oBuyer', balance: 4200 })
})
