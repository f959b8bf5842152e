// `npm run bench:emulator`: the WeChat emulator's state at 1,000 and 1,000,000 codes (issue 26, "the
// emulator at scale"). At each size it fills a real emulator on disk through the store's bulk path, then
// times a write (one code changed, committed), an added code, reads by card_id + code and by code alone,
// an API read over HTTP, the platform's clock tick, a restart, and the file's size. Beside it, in the same
// run, a bare baseline of the design it replaced: the whole state as one JSON document rewritten on every
// write (temp file + rename), and the scans over every code that the old lookups made.
// Sizes: BENCH_SIZES=1000,1000000 (default). Figures are per operation, in µs unless marked.
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWechatEmulator, type WechatEmulator } from '../../emulator/wechat/emulator'
import { emptyState, type EmuCode, type EmuState } from '../../emulator/wechat/state'
import { stackEnv } from '../helpers/cloud'

const SIZES = (process.env.BENCH_SIZES ?? '1000,1000000').split(',').map(Number)
const CARDS = 20
const PEOPLE = 10_000
const OPS = 2000

const cardId = (i: number) => `pBenchCard${String(i % CARDS).padStart(18, '0')}`
const openid = (i: number) => `oBenchPerson${String(i % PEOPLE).padStart(16, '0')}`
const codeOf = (i: number) => String(100000000000 + i * 7)
const keyOf = (i: number) => `${cardId(i)}|${codeOf(i)}`
function code(i: number): EmuCode {
  return {
    card_id: cardId(i),
    code: codeOf(i),
    status: 'NORMAL',
    openid: openid(i),
    balance: 10000,
    bonus: 0,
    outerStr: `order-${i}`,
    receivedAt: 1764979200 + i,
    orderId: `bench${i}`,
  }
}

/** µs per call of `fn` over `n` calls: the mean, and the median and 99th percentile of single calls. */
interface Timing {
  mean: number
  p50: number
  p99: number
}

function summarise(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: at(0.5), p99: at(0.99) }
}

function per(n: number, fn: (i: number) => void): Timing {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    fn(i)
    times.push((performance.now() - t0) * 1000)
  }
  return summarise(times)
}

async function perAsync(n: number, fn: (i: number) => Promise<void>): Promise<Timing> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    times.push((performance.now() - t0) * 1000)
  }
  return summarise(times)
}

/** "mean (median / p99)" */
const show = (t: Timing, digits = 1) => `${t.mean.toFixed(digits)} (${t.p50.toFixed(digits)} / ${t.p99.toFixed(digits)})`

const fileBytes = (f: string) => (existsSync(f) ? statSync(f).size : 0)
const pick = (size: number, i: number) => (i * 7919) % size

function start(dataDir: string): Promise<WechatEmulator> {
  return startWechatEmulator({
    port: 0,
    dataDir,
    saAppid: stackEnv.WX_SA_APPID!,
    saSecret: stackEnv.WX_SA_SECRET!,
    mpAppid: stackEnv.WX_MP_APPID!,
    ghId: 'gh_bench',
    reviewSeconds: 0,
    quotas: { token: 100000, ticket: 100000 },
    cardExtWindowSeconds: 300,
    push: {
      url: 'http://127.0.0.1:9/',
      token: 'tok',
      aesKey: stackEnv.WX_PUSH_AES_KEY!,
      mode: 'plain',
      timeoutMs: 500,
      ordinaryRetries: 3,
      giftcardAttempts: 30,
      giftcardIntervalMs: 60000,
    },
  })
}

type Row = Record<string, string>

/** The emulator as it is now: SQLite, record by record. */
async function measureStore(size: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wxemu-'))
  const file = join(dir, 'wxemu', 'state.sqlite')
  try {
    let emu = await start(dir)
    const p = emu.platform
    const body = { base_info: { title: 'bench', date_info: { type: 'DATE_TYPE_PERMANENT' } } }
    for (let c = 0; c < CARDS; c++)
      p.s.cards[cardId(c)] = {
        card_id: cardId(c),
        card_type: 'GENERAL_CARD',
        body,
        status: 'CARD_STATUS_VERIFY_OK',
        createdAt: 0,
        reviewAt: 0,
        quantity: 1e9,
        totalQuantity: 1e9,
        isFriendCoupon: false,
      }
    let t0 = performance.now()
    p.file.batch(() => {
      for (let i = 0; i < size; i++) p.putCode(code(i))
    })
    const fillS = (performance.now() - t0) / 1000
    const written0 = p.file.written
    const write = per(OPS, (i) => {
      p.code(cardId(pick(size, i)), codeOf(pick(size, i)))!.balance -= 1
      p.file.flush()
    })
    const rowsPerWrite = (p.file.written - written0) / OPS
    const add = per(OPS, (i) => {
      p.putCode({ ...code(size + i), code: p.newCode() })
      p.file.flush()
    })
    const read = per(OPS, (i) => void p.code(cardId(pick(size, i)), codeOf(pick(size, i))))
    const find = per(OPS, (i) => void p.findCode(codeOf(pick(size, i))))
    const bag = per(200, (i) => void p.codesHeldBy(openid(i)))
    const tick = per(20, () => p.tick())
    const { access_token: tok } = p.issueToken(stackEnv.WX_SA_APPID!, stackEnv.WX_SA_SECRET!)
    const httpFloor = await perAsync(500, async () => void (await (await fetch(`${emu.url}/__emu/clock`)).json()))
    const httpRead = await perAsync(500, async (i) => {
      const res = await fetch(`${emu.url}/card/code/get?access_token=${tok}`, {
        method: 'POST',
        body: JSON.stringify({ code: codeOf(pick(size, i)) }),
      })
      if (((await res.json()) as { errcode: number }).errcode !== 0) throw new Error('card/code/get failed')
    })
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20
    const probe = () => emu.platform.code(cardId(pick(size, 0)), codeOf(pick(size, 0)))?.balance
    const expected = probe()
    await emu.stop()
    const bytes = fileBytes(file) + fileBytes(`${file}-wal`)
    t0 = performance.now()
    emu = await start(dir)
    const openS = (performance.now() - t0) / 1000
    if (probe() !== expected || expected === 10000) throw new Error('a change made before the restart is missing')
    await emu.stop()
    return {
      'fill (bulk path), s': fillS.toFixed(1),
      'write: change one code, commit': show(write),
      'rows written per change': rowsPerWrite.toFixed(0),
      'write: add one code (new code value), commit': show(add),
      'read: code by card_id + code': show(read, 2),
      'read: code by code alone': show(find, 2),
      "read: one person's codes": show(bag),
      'codes per person': String(size / PEOPLE),
      'HTTP card/code/get (code alone), round trip': show(httpRead, 0),
      'HTTP floor: GET /__emu/clock, round trip': show(httpFloor, 0),
      'platform clock tick (every 200 ms)': show(tick),
      'restart: open and index, s': openS.toFixed(1),
      'file size, MB': (bytes / 2 ** 20).toFixed(1),
      'heap used, MB': heapMb.toFixed(0),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The old clock tick's walk over every code (gift timeouts, marks, fixed-range expiry), every 200 ms. */
function oldTick(state: EmuState): number {
  const now = Math.floor(Date.now() / 1000)
  let due = 0
  for (const c of Object.values(state.codes)) {
    if (c.status === 'GIFTING' && c.gifting && now - c.gifting.since >= 86400) due++
    if (c.mark && c.mark.until <= now) due++
    const end = (state.cards[c.card_id]?.body.base_info as { date_info?: { type?: string; end_timestamp?: number } } | undefined)?.date_info
    if (c.status === 'NORMAL' && end?.type === 'DATE_TYPE_FIX_TIME_RANGE' && end.end_timestamp && end.end_timestamp < now) due++
  }
  return due
}

/** The design it replaced, bare: one JSON document rewritten whole per write, and scans over every code. */
function measureJson(size: number): Row {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wxemu-json-'))
  const file = join(dir, 'state.json')
  try {
    const state: EmuState = emptyState()
    for (let i = 0; i < size; i++) state.codes[keyOf(i)] = code(i)
    const writes = size > 100_000 ? 5 : 50
    const rewrite = per(writes, (i) => {
      state.codes[keyOf(pick(size, i))]!.balance -= 1
      writeFileSync(`${file}.tmp`, JSON.stringify(state))
      renameSync(`${file}.tmp`, file)
    })
    const scans = size > 100_000 ? 20 : OPS
    const find = per(scans, (i) => void Object.values(state.codes).find((c) => c.code === codeOf(pick(size, i))))
    const bag = per(size > 100_000 ? 20 : 200, (i) => void Object.values(state.codes).filter((c) => c.openid === openid(i)))
    return {
      'write: change one code, commit': `${(rewrite.mean / 1000).toFixed(1)} ms`,
      'rows written per change': 'the whole file',
      'read: code by card_id + code': show(
        per(OPS, (i) => void state.codes[keyOf(pick(size, i))]),
        2,
      ),
      'read: code by code alone': show(find, 0),
      "read: one person's codes": show(bag, 0),
      'platform clock tick (every 200 ms)': show(
        per(size > 100_000 ? 5 : 20, () => oldTick(state)),
        0,
      ),
      'file size, MB': (fileBytes(file) / 2 ** 20).toFixed(1),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  const os = await import('node:os')
  console.log(
    `emulator-scale bench on ${process.version}, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the start), ${new Date().toISOString()}`,
  )
  console.log(`µs per operation unless marked: mean (median / 99th percentile); ${PEOPLE.toLocaleString('en')} people, ${CARDS} cards`)
  // A first pass at a small size, not reported: the JIT warms up on the code being measured.
  measureJson(1000)
  await measureStore(1000)
  const now: Row[] = []
  const old: Row[] = []
  for (const size of SIZES) {
    old.push(measureJson(size))
    now.push(await measureStore(size))
  }
  const label = (n: number) => `${n.toLocaleString('en')} codes`
  const table = (title: string, rows: Row[]) => {
    console.log(`\n${title}`)
    console.log(`${''.padEnd(46)}${SIZES.map((n) => label(n).padStart(30)).join('')}`)
    for (const k of Object.keys(rows[0]!)) console.log(`${k.padEnd(46)}${rows.map((r) => (r[k] ?? '').padStart(30)).join('')}`)
  }
  table('now: SQLite, record by record (emulator/wechat/state-store.ts), with state-index.ts lookups', now)
  table('before (bare baseline, same run): one JSON file rewritten whole per write; lookups scan every code', old)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
