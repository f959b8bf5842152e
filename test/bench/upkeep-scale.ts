// `npx tsx test/bench/upkeep-scale.ts`: the cron's three sweeps at a scaled seed (issue 26, "upkeep that
// keeps up"), one 40 s budget each, at 50 ms per WeChat call and 15 ms per database call (the bench's
// latencies). The WeChat emulator holds UPKEEP_BENCH_CARDS codes (default 20,000; bulk path, as
// emulator-scale.ts fills it); the local cloud's database holds the same cards as the product stores them.
// Prints, per sweep, items worked in one budget, the rate, and the slices; docs/capacity.md extrapolates.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWechatEmulator } from '../../emulator/wechat/emulator'
import type { EmuCode } from '../../emulator/wechat/state'
import type { UserCardDoc } from '../../server/domain/cards/user-cards'
import { processPending } from '../../server/domain/events/event-processing'
import type { StoredEvent } from '../../server/domain/events/push-receiver'
import { syncDirty } from '../../server/domain/sync/balance-sync'
import { reconcileCards } from '../../server/domain/upkeep/reconcile'
import { budgetOf } from '../../server/store/sweep'
import { Collections } from '../../server/store/collections'
import { INDEXES } from '../../server/store/indexes'
import { createWechatClient } from '../../server/wechat/client'
import { stackEnv } from '../helpers/cloud'
import { databaseCloud, storeOver } from '../helpers/store'

const N = Number(process.env.UPKEEP_BENCH_CARDS ?? 20_000)
const EVENTS = Number(process.env.UPKEEP_BENCH_EVENTS ?? 10_000)
const BUDGET_MS = Number(process.env.UPKEEP_TASK_BUDGET_MS ?? 40_000)
const LAT = { db: Number(process.env.CLOUD_DB_LATENCY_MS ?? 15), wx: Number(process.env.WXEMU_LATENCY_MS ?? 50) }
const CARDS = 20

const cardId = (i: number) => `pUpkeepCard${String(i % CARDS).padStart(17, '0')}`
const codeOf = (i: number) => String(300000000000 + i * 7)
const openid = (i: number) => `oUpkeepPerson${String(i % 5000).padStart(15, '0')}`

async function inParallel(n: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++)
    }),
  )
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-bench-'))
  const emu = await startWechatEmulator({
    port: 0,
    dataDir: dir,
    saAppid: stackEnv.WX_SA_APPID!,
    saSecret: stackEnv.WX_SA_SECRET!,
    mpAppid: stackEnv.WX_MP_APPID!,
    ghId: 'gh_upkeep',
    reviewSeconds: 0,
    quotas: { token: 100000, ticket: 100000 },
    cardExtWindowSeconds: 300,
    latencyMs: LAT.wx,
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
  const cloud = await databaseCloud(join(dir, 'cloud'))
  cloud.declareIndexes(INDEXES)
  try {
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
    p.file.batch(() => {
      for (let i = 0; i < N; i++) {
        const code: EmuCode = {
          card_id: cardId(i),
          code: codeOf(i),
          status: 'NORMAL',
          openid: openid(i),
          balance: 10000,
          bonus: 0,
          outerStr: `o${i}`,
          receivedAt: 1764979200,
          orderId: `o${i}`,
        }
        p.putCode(code)
      }
    })
    const store = storeOver(cloud.db)
    const t0 = Date.now()
    await inParallel(N, 32, async (i) => {
      const doc: UserCardDoc = {
        _id: `${cardId(i)}_${codeOf(i)}`,
        cardId: cardId(i),
        code: codeOf(i),
        saOpenid: openid(i),
        mpOpenid: `mp${i}`,
        title: '储值卡',
        balance: 9000,
        version: 2,
        syncedVersion: 1,
        funded: true,
        status: 'NORMAL',
        beginTime: 0,
        endTime: 0,
        checkedAt: i,
        syncLeaseUntil: 0,
        dirty: true,
      } as UserCardDoc
      await store.set(Collections.userCards, doc)
    })
    await inParallel(EVENTS, 32, async (i) => {
      // A card deleted from the card bag: the lightest event; docs/capacity.md scales by the heavier ones' calls.
      const ev: StoredEvent = {
        _id: `ev${String(i).padStart(6, '0')}`,
        receivedAt: 1764979200000 + i,
        processed: false,
        attempts: 0,
        event: {
          known: true,
          Event: 'user_del_card',
          CardId: cardId(i),
          UserCardCode: codeOf(i),
          FromUserName: openid(i),
          CreateTime: 1764979200,
        } as unknown as StoredEvent['event'],
      }
      await store.set(Collections.events, ev)
    })
    console.log(
      `seeded ${N} codes and cards, ${EVENTS} events in ${((Date.now() - t0) / 1000).toFixed(1)} s; latency ${LAT.db} ms db, ${LAT.wx} ms WeChat; budget ${BUDGET_MS} ms each`,
    )
    const wx = createWechatClient({ store, appid: stackEnv.WX_SA_APPID!, secret: stackEnv.WX_SA_SECRET!, apiBase: emu.url })
    await wx.accessToken.get()
    cloud.latency.ms = LAT.db
    const measure = async (name: string, run: () => Promise<Record<string, unknown>>, itemsOf: (r: Record<string, unknown>) => number) => {
      const dbBefore = cloud.stats.dbCalls
      const cpu = process.cpuUsage()
      const start = Date.now()
      const r = await run()
      const s = (Date.now() - start) / 1000
      const items = itemsOf(r)
      // CPU of this one process (client, emulator and database together): what bounds the rate when the
      // machine is busy, rather than the latencies.
      const used = process.cpuUsage(cpu)
      const cpuMs = (used.user + used.system) / 1000
      console.log(
        `${name.padEnd(10)} ${JSON.stringify(r)}  ${items} in ${s.toFixed(1)} s = ${(items / s).toFixed(0)}/s; db calls ${cloud.stats.dbCalls - dbBefore}; CPU ${(cpuMs / items).toFixed(1)} ms an item (${((cpuMs / 1000 / s) * 100).toFixed(0)} % of a core)`,
      )
    }
    await measure(
      'cards',
      () => reconcileCards(store, wx, budgetOf(BUDGET_MS), 0),
      (r) => Number(r.checked) + Number(r.failed),
    )
    await measure(
      'balances',
      () => syncDirty(store, wx, {}, budgetOf(BUDGET_MS)),
      (r) => Number(r.synced) + Number(r.failed) + Number(r.busy),
    )
    await measure(
      'events',
      () => processPending(store, wx, {}, budgetOf(BUDGET_MS)),
      (r) => Number(r.done) + Number(r.failed),
    )
  } finally {
    await cloud.stop()
    await emu.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
