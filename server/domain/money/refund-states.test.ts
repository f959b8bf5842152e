// The cron's refund poll (refund-states.ts pollRefunds) with a memory store, a hand-moved clock and a
// payment gateway standing in for Cloud Pay: one refund WeChat Pay's answers cannot be read for must not hold
// up the others.
import { memoryStore } from '../../../test/helpers/store'
import { useClock } from '../../clock'
import type { PaymentGateway } from '../../platform/payment-gateway'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { REFUND_POLL_BATCH, pollRefunds, type Refundable } from './refund-states'

let store: Store
let now: number
let restore: () => void
beforeEach(async () => {
  store = await memoryStore()
  now = 1_790_000_000_000
  restore = useClock({ now: () => now })
})
afterEach(() => restore())

const refunding = (id: string, checkedAt: number) =>
  store.insert(Collections.orders, {
    _id: id,
    status: 'REFUNDING',
    totalFee: 10000,
    refundNo: `RF${id}`,
    refundFee: 10000,
    refundAttempt: 1,
    refundSent: true,
    refundRequestedAt: checkedAt,
    refundCheckedAt: checkedAt,
  } as unknown as Refundable)

/** Cloud Pay as developers report it at times: SUCCESS, one refund, and its state in none of the documented fields. */
const unreadable = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, refundStatusList: [] }

test('refunds whose state cannot be read go to the back of the queue: the next run reaches the others', async () => {
  const bad = Array.from({ length: REFUND_POLL_BATCH }, (_, i) => `BAD${String(i).padStart(3, '0')}`)
  for (const [i, id] of bad.entries()) await refunding(id, now - 3600_000 + i)
  await refunding('GOOD', now - 60_000)
  const asked: string[] = []
  const pay: PaymentGateway = {
    unifiedOrder: () => Promise.reject(new Error('not used')),
    refund: () => Promise.reject(new Error('not used')),
    queryRefund: async (no) => {
      asked.push(no)
      return no === 'RFGOOD' ? { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, refundStatus_0: 'SUCCESS' } : unreadable
    },
  }
  const first = await pollRefunds(store, () => pay)
  expect(first).toMatchObject({ checked: 0, errors: REFUND_POLL_BATCH })
  expect(asked).not.toContain('RFGOOD')
  now += 5 * 60_000
  const second = await pollRefunds(store, () => pay)
  expect(asked).toContain('RFGOOD')
  expect(second.refunded).toBe(1)
  expect((await store.get<Refundable>(Collections.orders, 'GOOD'))!.status).toBe('REFUNDED')
  // The unreadable ones stay REFUNDING, asked again in their turn.
  expect((await store.get<Refundable>(Collections.orders, 'BAD000'))!.status).toBe('REFUNDING')
})
