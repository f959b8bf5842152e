// The cron's refund of value stranded on a refunded order's card (refunds.ts refundStrandedValue), with a
// memory store and a payment gateway standing in for Cloud Pay: one card's failure does not stop the others,
// and an answer whose state cannot be read gets the refund sent again under its number.
import { memoryStore } from '../../../test/helpers/store'
import type { PaymentGateway } from '../../platform/payment-gateway'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import type { UserCardDoc } from '../cards/user-cards'
import type { OrderDoc } from '../cards/order-types'
import { refundPreview, refundStrandedValue } from './refunds'

let store: Store
beforeEach(async () => {
  store = await memoryStore()
})

/** A card whose stranded value's refund is pending (its entry written), on a refunded ¥100 order. */
async function pending(id: string) {
  await store.insert(Collections.orders, { _id: `O${id}`, kind: 'mp', status: 'REFUNDED', totalFee: 10000, quantity: 1, unitPrice: 10000 })
  await store.insert(Collections.userCards, {
    _id: `card${id}:code${id}`,
    cardId: `card${id}`,
    code: `code${id}`,
    orderId: `O${id}`,
    entitlementId: `E${id}`,
    status: 'UNAVAILABLE',
    balance: 0,
    version: 3,
    refundPending: true,
    pendingRefund: { key: `card${id}:code${id}:v2`, fee: 2000 },
  } as unknown as UserCardDoc)
}

test('Cloud Pay failing for one card leaves the next refunded; an unreadable state is sent again under the same number', async () => {
  await pending('A')
  await pending('B')
  const sent: { outTradeNo: string; outRefundNo: string; refundFee: number }[] = []
  const queried = new Map<string, number>()
  const pay: PaymentGateway = {
    unifiedOrder: () => Promise.reject(new Error('not used')),
    refund: async (r) => {
      sent.push(r)
      return { returnCode: 'SUCCESS', resultCode: 'SUCCESS' }
    },
    queryRefund: async (no) => {
      const n = (queried.get(no) ?? 0) + 1
      queried.set(no, n)
      if (sent.length === 0 && n === 1 && queried.size === 1) throw new Error('Cloud Pay: network timeout')
      // Before the refund is sent again the answer names no state (refundStatusList empty); after it, SUCCESS.
      return sent.some((s) => s.outRefundNo === no)
        ? { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, refundStatus_0: 'SUCCESS' }
        : { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, refundStatusList: [] }
    },
  }
  expect(await refundStrandedValue(store, pay)).toEqual({ refunded: 1 })
  expect(sent).toEqual([expect.objectContaining({ outTradeNo: 'OB', refundFee: 2000 })])
  expect((await store.get<UserCardDoc>(Collections.userCards, 'cardB:codeB'))!.refundPending).toBe(false)
  expect((await store.get<UserCardDoc>(Collections.userCards, 'cardA:codeA'))!.refundPending).toBe(true)
  // The next run finishes A, under the number it always had.
  expect(await refundStrandedValue(store, pay)).toEqual({ refunded: 1 })
  expect(sent.map((s) => s.outTradeNo)).toEqual(['OB', 'OA'])
  expect(new Set(sent.map((s) => s.outRefundNo)).size).toBe(2)
})

test('refundPreview says what the refund would give back: each card at its price, a card given away nothing', async () => {
  // Sold for ¥88.88, holding ¥100: four cards, each in another state.
  const order = { _id: 'OP', kind: 'mp', status: 'ISSUED', totalFee: 4 * 8888, quantity: 4, unitPrice: 8888, unitValue: 10000 }
  await store.insert(Collections.orders, order)
  const card = (n: number, status: string, balance: number) =>
    store.insert(Collections.userCards, {
      _id: `pP:c${n}`,
      cardId: 'pP',
      code: `c${n}`,
      status,
      balance,
      version: 1,
    } as unknown as UserCardDoc)
  const ent = (n: number, status: string, code?: string) =>
    store.insert(Collections.entitlements, {
      _id: `OP:${n}`,
      orderId: 'OP',
      mpOpenid: 'o',
      cardId: 'pP',
      status,
      value: 10000,
      ...(code ? { code } : {}),
    })
  await ent(0, 'READY')
  await ent(1, 'ADDED', 'c1')
  await card(1, 'NORMAL', 5000)
  // Unusable in WeChat but still holding value: the refund takes that balance too (refundEntitlement).
  await ent(2, 'ADDED', 'c2')
  await card(2, 'UNAVAILABLE', 2000)
  await ent(3, 'ADDED', 'c3')
  await card(3, 'GIFTED', 10000)
  expect(await refundPreview(store, order as unknown as OrderDoc)).toBe(8888 + 4444 + 1778)
})
