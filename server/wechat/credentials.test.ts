import { memoryStore, overriding } from '../../test/helpers/store'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import { SharedCredential, type CredentialDoc } from './credentials'

let store: Store
let now: number
let fetches: number
const upstream = async () => {
  fetches++
  // The upstream takes a moment, so that callers really overlap.
  await new Promise((r) => setTimeout(r, 20))
  return { value: `token-${fetches}`, expiresIn: 7200 }
}
const instance = () => new SharedCredential(store, 'access_token:wx1', upstream, { now: () => now, pollMs: 5 })

beforeEach(async () => {
  store = await memoryStore()
  now = 1_700_000_000_000
  fetches = 0
})

test('1000 concurrent callers across 4 instances → exactly one upstream fetch per expiry', async () => {
  const instances = [instance(), instance(), instance(), instance()]
  const got = await Promise.all(Array.from({ length: 1000 }, (_, i) => instances[i % 4]!.get()))
  expect(fetches).toBe(1)
  expect(new Set(got)).toEqual(new Set(['token-1']))

  now += 7200_000 // expired
  const again = await Promise.all(Array.from({ length: 1000 }, (_, i) => instances[i % 4]!.get()))
  expect(fetches).toBe(2)
  expect(new Set(again)).toEqual(new Set(['token-2']))
})

test('refreshed ahead of expiry; meanwhile others keep using the still-valid value', async () => {
  const a = instance()
  expect(await a.get()).toBe('token-1')
  now += 7200_000 - 5 * 60_000 // inside the 10-minute refresh-ahead window, not expired
  const [x, y] = await Promise.all([a.get(), instance().get()])
  expect(fetches).toBe(2)
  expect([x, y].every((v) => v === 'token-1' || v === 'token-2')).toBe(true)
  expect(await instance().get()).toBe('token-2')
})

test('a 40001 seen after another instance refreshed does not wipe the new token', async () => {
  const a = instance()
  const b = instance()
  const old = await a.get()
  // Instance b refreshes (say its call failed first and it won the refresh).
  expect(await b.invalidate(old)).toBe(true)
  const fresh = await b.get()
  expect(fresh).toBe('token-2')
  // Instance a now reports the old token as invalid: compare-and-expire leaves the new one alone.
  expect(await a.invalidate(old)).toBe(false)
  expect(await a.get()).toBe('token-2')
  expect(fetches).toBe(2)
})

test('a failed fetch releases the lease and the next caller fetches', async () => {
  let fail = true
  const flaky = new SharedCredential(
    store,
    'ticket',
    async () => {
      fetches++
      if (fail) throw new Error('upstream down')
      return { value: 'ticket-ok', expiresIn: 7200 }
    },
    { now: () => now },
  )
  await expect(flaky.get()).rejects.toThrow('upstream down')
  const doc = await store.get<CredentialDoc>(Collections.credentials, 'ticket')
  expect(doc?.leaseUntil).toBe(0)
  fail = false
  expect(await flaky.get()).toBe('ticket-ok')
})

test('a lease held by a crashed instance expires and someone else refreshes', async () => {
  await store.insert<CredentialDoc>(Collections.credentials, {
    _id: 'access_token:wx1',
    value: '',
    expiresAt: 0,
    fetchedAt: 0,
    leaseOwner: 'dead',
    leaseUntil: now + 15_000,
  })
  const a = instance()
  const pending = a.get()
  await new Promise((r) => setTimeout(r, 30))
  expect(fetches).toBe(0)
  now += 16_000
  expect(await pending).toBe('token-1')
})

test('an instance reads the database only on a miss, after the refresh-ahead point, or after WeChat refused the value', async () => {
  let reads = 0
  const counted = overriding(store, {
    get: (c: string, id: string) => {
      if (c === Collections.credentials) reads++
      return store.get(c, id)
    },
  })
  const a = new SharedCredential(counted, 'access_token:wx1', upstream, { now: () => now, pollMs: 5 })
  expect(await a.get()).toBe('token-1')
  const afterFirst = reads
  for (let i = 0; i < 50; i++) expect(await a.get()).toBe('token-1')
  expect(reads).toBe(afterFirst) // kept in the instance
  // WeChat refused it (40001): the next get goes to the database and fetches anew.
  expect(await a.invalidate('token-1')).toBe(true)
  expect(await a.get()).toBe('token-2')
  expect(reads).toBeGreaterThan(afterFirst)
  const afterRefusal = reads
  expect(await a.get()).toBe('token-2')
  expect(reads).toBe(afterRefusal)
  // Past the refresh-ahead point the database is read again (another instance may have refreshed).
  now += 7200_000 - 5 * 60_000
  await a.get()
  expect(reads).toBeGreaterThan(afterRefusal)
})

describe('renew: a value the platform expired early (issue 25 §2)', () => {
  test('100 concurrent renewals across instances fetch once; more within the minute fetch nothing', async () => {
    const instances = [instance(), instance(), instance()]
    expect(await instances[0]!.get()).toBe('token-1')
    now += 5 * 60_000 // the ticket is 5 minutes old: WeChat dropped it, our record says it lives
    const renewed = await Promise.all(Array.from({ length: 100 }, (_, i) => instances[i % 3]!.renew(60_000)))
    expect(fetches).toBe(2)
    expect(new Set(renewed)).toEqual(new Set(['token-2']))
    now += 30_000
    expect(await instance().renew(60_000)).toBe('token-2')
    expect(fetches).toBe(2)
  })

  test('a renewal a minute after the last fetch fetches again', async () => {
    const a = instance()
    await a.get()
    now += 60_000
    expect(await a.renew(60_000)).toBe('token-2')
    expect(await a.fetchedAt()).toBe(now)
    now += 60_000
    expect(await instance().renew(60_000)).toBe('token-3')
    expect(fetches).toBe(3)
  })

  test('with nothing stored, renew fetches the first value', async () => {
    expect(await instance().renew(60_000)).toBe('token-1')
    expect(fetches).toBe(1)
  })
})

describe('a platform that answers the live value with what is left of it (getticket; stable_token in normal mode)', () => {
  // WeChat's wx_card ticket "remains unchanged within 7200 s" (card-getting-started §5): asked again, it answers
  // the same ticket and the seconds left. stable_token in normal mode does the same until 5 minutes before the
  // end, then issues a new one (getStableAccessToken, 注意事项: "普通模式下平台会提前5分钟更新access_token").
  const LIFE = 7200_000
  let issuedAt: number
  let renewsAheadMs: number
  const sameUntilEnd = async () => {
    fetches++
    if (now >= issuedAt + LIFE - renewsAheadMs) issuedAt = now
    return { value: `value-${issuedAt}`, expiresIn: Math.floor((issuedAt + LIFE - now) / 1000) }
  }
  const live = (refreshAheadMs?: number) =>
    new SharedCredential(store, 'wx_card_ticket:wx1', sameUntilEnd, {
      now: () => now,
      pollMs: 5,
      ...(refreshAheadMs ? { refreshAheadMs } : {}),
    })

  beforeEach(() => {
    issuedAt = now
  })

  test('calls in the refresh-ahead window do not each fetch again: a handful of fetches until the value ends', async () => {
    renewsAheadMs = 0
    const c = live()
    await c.get()
    // A call every second through the last 15 minutes of the value's life and a minute past it.
    const startedAt = now
    for (now = issuedAt + LIFE - 15 * 60_000; now < startedAt + LIFE + 60_000; now += 1000) await c.get()
    // Each fetch in the window answers less time left: the next is due halfway to the end, not at once.
    expect(fetches).toBeLessThan(16)
    expect(await c.get()).toBe(`value-${issuedAt}`)
    expect(issuedAt).toBeGreaterThan(startedAt)
  })

  test('stable_token: asked 4 minutes before the end, normal mode answers a new token at once', async () => {
    renewsAheadMs = 5 * 60_000
    const c = live(4 * 60_000)
    const first = await c.get()
    now = issuedAt + LIFE - 4 * 60_000 + 1
    const next = await c.get()
    expect(next).not.toBe(first)
    expect(fetches).toBe(2)
    now += 60_000
    expect(await c.get()).toBe(next)
    expect(fetches).toBe(2)
  })
})
