// A checkout's cancel and its payment callback racing each other: whichever transition wins decides,
// never the status read before it. The store is wrapped so that the competing write lands exactly
// between the domain's read and its conditional update.
import type { Stack } from '../../emulator/stack'
import { cancelCheckout } from '../../server/domain/money/checkout'
import { onPaymentNotice, type OrderDoc } from '../../server/domain/giftcards/orders'
import type { Store } from '../../server/store/port'
import { createWechatClient } from '../../server/wechat/client'
import { person, startJourneyStack } from '../helpers/stack'
import { storeOver } from '../helpers/store'

let stack: Stack
beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

/** The real store, but the first updateIf on `orders` is preceded by `interject`. */
function racing(store: Store, interject: (id: string) => Promise<void>): Store {
  let fired = false
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'updateIf') {
        return async (collection: string, id: string, ...rest: unknown[]) => {
          if (!fired && collection === 'orders') {
            fired = true
            await interject(id)
          }
          return (target.updateIf as (...a: unknown[]) => Promise<boolean>).call(target, collection, id, ...rest)
        }
      }
      const v = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

async function shortCheckout(id: string) {
  const alice = person(stack, 'alice')
  const c100 = await alice.shopCardId(10000)
  const { card } = await alice.buyAndAdd(c100)
  await alice.fn('card', {
    action: 'spend',
    orderedAt: Date.now(),
    cardId: card.cardId,
    code: card.code,
    amount: 9000,
    orderId: `PRE-${id}`,
  })
  const started = await alice.fn('pay', { action: 'startCheckout', checkoutId: id, cardId: card.cardId, code: card.code, total: 3000 })
  expect(started).toMatchObject({ errcode: 0, balance: 0 })
  return { alice, card, orderId: started.orderId as string }
}

const wx = () =>
  createWechatClient({
    store: storeOver(stack.cloud.db),
    appid: stack.env.WX_SA_APPID!,
    secret: stack.env.WX_SA_SECRET!,
    apiBase: stack.wechat.url,
  })

test('paid while being cancelled: the cancel is refused and the gift-card leg stands', async () => {
  const { alice, card, orderId } = await shortCheckout('RACE1')
  const store = racing(storeOver(stack.cloud.db), (id) =>
    storeOver(stack.cloud.db)
      .update('orders', id, { status: 'PAID' })
      .then(() => undefined),
  )
  await expect(cancelCheckout(store, wx(), alice.mpOpenid, 'RACE1')).rejects.toMatchObject({ errcode: 1006 })
  expect((await alice.fn('card', { action: 'detail', cardId: card.cardId, code: card.code })).card.balance).toBe(0)
  expect((await storeOver(stack.cloud.db).get<OrderDoc>('orders', orderId))!.status).toBe('PAID')
})

test('cancelled while the payment arrives: the payment is flagged REFUND_NEEDED, not taken as PAID', async () => {
  const { orderId } = await shortCheckout('RACE2')
  const store = racing(storeOver(stack.cloud.db), (id) =>
    storeOver(stack.cloud.db)
      .update('orders', id, { status: 'CANCELLED' })
      .then(() => undefined),
  )
  await onPaymentNotice(store, {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    outTradeNo: orderId,
    totalFee: 2000,
    transactionId: 'T-RACE2',
  })
  expect(await storeOver(stack.cloud.db).get<OrderDoc>('orders', orderId)).toMatchObject({
    status: 'REFUND_NEEDED',
    transactionId: 'T-RACE2',
  })
})
