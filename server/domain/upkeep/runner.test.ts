// The cron's credential upkeep against the memory store with a fake clock: the wx_card ticket is renewed
// whenever the token is, so a ticket WeChat dropped early does not outlive the next token (issue 25 §2).
// Then the runner's slices, budgets and groups (issue 26), on the same fake clock.
import { memoryStore } from '../../../test/helpers/store'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import { SharedCredential } from '../../wechat/credentials'
import { fanOut, refreshCredentials, runGroup, upkeepConcurrency, type UpkeepEntry } from './runner'
import { budgetOf, loadProgress, sweep, workThrough } from '../../store/sweep'

let store: Store
let now: number
const fetched = { token: 0, ticket: 0 }
const credential = (kind: 'token' | 'ticket') =>
  new SharedCredential(store, `${kind}:wx1`, async () => ({ value: `${kind}-${++fetched[kind]}`, expiresIn: 7200 }), { now: () => now })

beforeEach(async () => {
  store = await memoryStore()
  now = 1_700_000_000_000
  fetched.token = fetched.ticket = 0
})

test('a ticket older than the token is renewed with it; otherwise each is refreshed only ahead of expiry', async () => {
  const wx = { accessToken: credential('token'), cardTicket: credential('ticket') }
  const run = refreshCredentials(wx)
  await run()
  expect(fetched).toEqual({ token: 1, ticket: 1 })
  now += 30 * 60_000
  await wx.cardTicket.renew(60_000) // a failed add renewed the ticket half an hour in: it now outlives the token
  await run()
  expect(fetched).toEqual({ token: 1, ticket: 2 })
  now += 85 * 60_000 // the token enters its refresh-ahead window; the ticket's own is 30 minutes away
  await run()
  expect(fetched).toEqual({ token: 2, ticket: 3 })
  expect(await wx.cardTicket.get()).toBe('ticket-3')
  await run() // both fresh now: nothing more is fetched
  expect(fetched).toEqual({ token: 2, ticket: 3 })
})

describe('tasks in bounded slices from a stored cursor (issue 26)', () => {
  const clock = () => ({ now: () => now })
  const budgetFor = (ms: number) => budgetOf(ms, clock().now)
  const ids = Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, '0')}`)
  const seed = () => Promise.all(ids.map((_id) => store.set(Collections.userCards, { _id, dirty: true })))

  test('a task that runs past its budget stores its cursor after each slice, and the next run continues from it', async () => {
    await seed()
    const worked: string[] = []
    const cursorsSeen: (string | null)[] = []
    const run = (budgetMs: number) =>
      sweep<StoredDoc>(store, budgetFor(budgetMs), {
        task: 'test',
        collection: Collections.userCards,
        filter: () => ({ dirty: true }),
        field: '_id',
        sliceSize: 10,
        concurrency: 1,
        work: async (doc) => {
          if (worked.length === 11) cursorsSeen.push((await loadProgress(store, 'test')).cursor?.id ?? null)
          worked.push(doc._id)
          now += 1000 // each item takes a second of the fake clock
        },
      })
    expect(await run(12_000)).toEqual({ slices: 2, items: 12, passEnded: false })
    // Mid-way through the second slice the first slice's end was already stored: a kill there loses nothing done.
    expect(cursorsSeen).toEqual(['c09'])
    expect((await loadProgress(store, 'test')).cursor).toEqual({ at: 'c11', id: 'c11' })
    expect(await run(12_000)).toEqual({ slices: 2, items: 12, passEnded: false })
    expect(await run(12_000)).toEqual({ slices: 1, items: 1, passEnded: true })
    expect(worked).toEqual(ids) // every item once, in order, across three runs
    expect(await loadProgress(store, 'test')).toMatchObject({ cursor: null, passes: 1 })
  })

  test('items sharing a key run one after another in order; others run alongside', async () => {
    const log: string[] = []
    const items = [
      { k: ['a'], n: 1 },
      { k: ['b'], n: 2 },
      { k: ['a', 'c'], n: 3 },
      { k: ['c'], n: 4 },
      { k: ['d'], n: 5 },
    ]
    let inFlight = 0
    let most = 0
    const stop = await workThrough(items, { concurrency: 4, budget: budgetFor(60_000), keysOf: (i) => i.k }, async (i) => {
      most = Math.max(most, ++inFlight)
      log.push(`start ${i.n}`)
      await new Promise<void>((r) => setImmediate(r))
      log.push(`end ${i.n}`)
      inFlight--
    })
    expect(stop).toBe(5)
    // 1, 3 and 4 share keys (a, then c): each starts after the one before ends.
    expect(log.indexOf('start 3')).toBeGreaterThan(log.indexOf('end 1'))
    expect(log.indexOf('start 4')).toBeGreaterThan(log.indexOf('end 3'))
    expect(most).toBe(3) // groups {1,3,4}, {2}, {5}
  })

  test('one task failing or running long does not stop the others; the one it crowded out goes first next run', async () => {
    const order: string[] = []
    const tasks: Record<string, UpkeepEntry> = {
      failing: {
        group: 'g',
        run: async () => {
          order.push('failing')
          throw new Error('WeChat said no')
        },
      },
      long: {
        group: 'g',
        run: async (budget) => {
          order.push('long')
          now = budget.deadline + 5_000
          return { slices: 9 }
        },
      },
      crowded: {
        group: 'g',
        run: async () => {
          order.push('crowded')
          return { done: 1 }
        },
      },
      apart: { group: 'h', run: async () => ({ done: 2 }) },
    }
    const first = await runGroup(store, tasks, 'g', budgetFor(40_000))
    expect(first).toEqual({
      failing: { ok: false, error: 'WeChat said no' },
      long: { ok: true, slices: 9 },
      crowded: { ok: false, skipped: 'budget spent; runs first next time' },
    })
    expect((await loadProgress(store, 'failing')).result).toEqual({ ok: false, error: 'WeChat said no' })
    now += 300_000
    await runGroup(store, tasks, 'g', budgetFor(40_000))
    expect(order).toEqual(['failing', 'long', 'crowded', 'failing', 'long'])

    // The timer's run: a group whose invocation failed reports it against its tasks; the other group reports as usual.
    const run = await fanOut(store, 'upkeep', tasks, async (group) => {
      if (group === 'g') throw new Error('Invoking task timed out after 60 seconds')
      return { errcode: 0, tasks: await runGroup(store, tasks, group, budgetFor(40_000)) }
    })
    expect(run.tasks).toEqual({
      failing: { ok: false, group: 'g', error: 'Invoking task timed out after 60 seconds' },
      long: { ok: false, group: 'g', error: 'Invoking task timed out after 60 seconds' },
      crowded: { ok: false, group: 'g', error: 'Invoking task timed out after 60 seconds' },
      apart: { ok: true, done: 2 },
    })
    expect(await store.get(Collections.upkeepRuns, 'last')).toMatchObject({ trigger: 'upkeep', results: run.tasks })
  })
})

describe('UPKEEP_CONCURRENCY: a cap on every cron task, for a plan with a low database QPS', () => {
  test('read from the environment: 1–64, else unset', () => {
    expect(upkeepConcurrency({ UPKEEP_CONCURRENCY: '4' })).toBe(4)
    for (const v of [undefined, '', '0', '-1', '2.5', '65', 'four']) expect(upkeepConcurrency({ UPKEEP_CONCURRENCY: v })).toBeUndefined()
  })

  test('a task asking for 32 at once works at most the budget’s cap', async () => {
    let inFlight = 0
    let most = 0
    const work = async () => {
      most = Math.max(most, ++inFlight)
      await new Promise((r) => setImmediate(r))
      inFlight--
    }
    const items = Array.from({ length: 100 }, (_, i) => i)
    await workThrough(items, { concurrency: 32, budget: budgetOf(60_000, Date.now, 4) }, work)
    expect(most).toBe(4)
    most = 0
    await workThrough(items, { concurrency: 32, budget: budgetOf(60_000) }, work)
    expect(most).toBe(32)
  })
})
