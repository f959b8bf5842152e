// The cron's credential upkeep against the memory store with a fake clock: the wx_card ticket is renewed
// whenever the token is, so a ticket WeChat dropped early does not outlive the next token (issue 25 §2).
import { memoryStore } from '../../../test/helpers/store'
import type { Store } from '../../store/port'
import { SharedCredential } from '../../wechat/credentials'
import { refreshCredentials } from './runner'

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
