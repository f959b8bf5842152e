// `npm run bench:scale`: what an action costs at two sizes of history, side by side: its database calls
// (the local cloud's GET /__cloud/stats dbCalls) and its time with CLOUD_DB_LATENCY_MS per database call
// (15 unless set, as `npm run bench`). Each size is a fresh in-memory local cloud seeded directly through
// the product's store (test/helpers/seed-history.ts), the cron's rollups caught up first. One row per
// measured action; SCALE_SIZES=small,large overrides the sizes (documents). Prints a table; exits 0.
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { dashboard } from '../../server/domain/merchant/console'
import { listOrders, walkOrders } from '../../server/domain/merchant/orders'
import type { PageKey } from '../../server/store/pages'
import { rollUpDays } from '../../server/domain/merchant/rollups'
import { INDEXES } from '../../server/store/indexes'
import type { CloudStore } from '../../server/store/cloud-store'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { startEmu, startReceiver } from '../helpers/emulator'
import { seedHistory } from '../helpers/seed-history'
import { databaseCloud, storeOver } from '../helpers/store'
import { fmt } from './stats'

const NOW = Date.now()
const LATENCY_MS = Number(process.env.CLOUD_DB_LATENCY_MS ?? 15)
const SIZES = (process.env.SCALE_SIZES ?? '1000,100000').split(',').map(Number)

interface Sized {
  cloud: LocalCloud
  store: CloudStore
  wx: WechatClient
  documents: number
  /** where the order list's page 400 rows in starts (the key a cursor carries) */
  deepKey?: PageKey
}

/** The actions measured, by row; each runs once to warm (a WeChat token, the SDK) and is measured on its second run. */
const ACTIONS: Record<string, (s: Sized) => Promise<unknown>> = {
  'merchant.dashboard, 7 days': (s) => dashboard(s.store, s.wx, 7, NOW),
  'merchant.dashboard, 366 days': (s) => dashboard(s.store, s.wx, 366, NOW),
  'cron rollups (nothing new to seal: repair of 2 days)': (s) => rollUpDays(s.store, NOW),
  // issue 26: lists page by a cursor; a page costs the same wherever it starts (its total is a count).
  'merchant.orderList, first page of 20': (s) => listOrders(s.store, {}, { limit: 20 }),
  'merchant.orderList, a page of 20 by cursor 400 rows in': (s) => listOrders(s.store, {}, { limit: 20, after: s.deepKey }),
}

async function dbCalls(cloud: LocalCloud): Promise<number> {
  return ((await (await fetch(`${cloud.url}/__cloud/stats`)).json()) as { dbCalls: number }).dbCalls
}

async function sized(documents: number, emu: WechatEmulator): Promise<Sized> {
  const cloud = await databaseCloud()
  cloud.declareIndexes(INDEXES)
  const store = storeOver(cloud.db)
  const wx = createWechatClient({ store, appid: emu.platform.o.saAppid, secret: emu.platform.o.saSecret, apiBase: emu.url })
  const t0 = performance.now()
  // 45% orders (a fifth of them shelf orders), 5% cards, a member per 20 orders, the rest ledger entries, over the 90 days before today.
  const orders = Math.round(documents * 0.45)
  const cards = Math.round(documents * 0.05)
  const written = await seedHistory(store, {
    orders,
    cards,
    entries: documents - orders - cards - Math.floor(orders / 20),
    days: 90,
    nowMs: NOW,
  })
  for (let run = 0; (await rollUpDays(store, NOW)).sealed.length > 0 && run < 20; run++);
  console.error(`  seeded ${written} documents and caught the rollups up in ${fmt((performance.now() - t0) / 1000)} s`)
  const deepKey = (await walkOrders(store, {}, 400)).next
  return { cloud, store, wx, documents: written, ...(deepKey ? { deepKey } : {}) }
}

async function measure(s: Sized, action: (s: Sized) => Promise<unknown>): Promise<{ calls: number; ms: number }> {
  s.cloud.latency.ms = 0
  await action(s)
  s.cloud.latency.ms = LATENCY_MS
  const before = await dbCalls(s.cloud)
  const t0 = performance.now()
  await action(s)
  const ms = performance.now() - t0
  s.cloud.latency.ms = 0
  return { calls: (await dbCalls(s.cloud)) - before, ms }
}

async function main() {
  const rx = await startReceiver()
  const emu = await startEmu(rx)
  const results: { documents: number; figures: Map<string, { calls: number; ms: number }> }[] = []
  for (const n of SIZES) {
    const s = await sized(n, emu)
    const figures = new Map<string, { calls: number; ms: number }>()
    for (const [name, action] of Object.entries(ACTIONS)) figures.set(name, await measure(s, action))
    results.push({ documents: s.documents, figures })
    await s.cloud.stop()
  }
  await emu.stop()
  await rx.close()

  console.log(`\nScale: database calls and time per action (CLOUD_DB_LATENCY_MS=${LATENCY_MS}), at two sizes of history\n`)
  const head = [
    'action',
    ...results.flatMap((r) => [`calls @ ${r.documents.toLocaleString('en-US')} docs`, `ms @ ${r.documents.toLocaleString('en-US')} docs`]),
  ]
  const rows = Object.keys(ACTIONS).map((name) => [
    name,
    ...results.flatMap((r) => [String(r.figures.get(name)!.calls), fmt(r.figures.get(name)!.ms, 0)]),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '-').padEnd(w + 1, '-') + (i === 0 ? '-' : ':')).join('|')}|`)
  for (const r of rows) console.log(line(r))
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
