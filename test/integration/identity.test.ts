// Joining Mini Program and Service Account identities (card-api-guide's recipe), driven in a chosen
// order: the emulator's pushes are captured here and applied by hand, so "event first" and
// "callback first" can both be tested.
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { adoptByUnionid, bagPage, recordAdded } from '../../server/domain/giftcards/card-bag'
import { applyCardEvent } from '../../server/domain/events/card-events'
import { userCardId, type UserCardDoc } from '../../server/domain/cards/user-cards'
import { ledgerSum } from '../../server/domain/ledgers/ledger'
import { buildCardExt } from '../../server/wechat/card-ext'
import { entitlementId, orderIdFor } from '../../server/domain/giftcards/orders'
import { createWechatClient, type WechatClient } from '../../server/wechat/client'
import { parseEvent, type CardEvent } from '../../server/wechat/events'
import type { Store } from '../../server/store/port'
import example from '../fixtures/giftcard-create.example.json'
import { startEmu, startReceiver, until, type Receiver } from '../helpers/emulator'
import { memoryStore } from '../helpers/store'

/** The bag of a caller known by openid alone: its first page (100 cards, more than these tests make). */
const listCardsOf = async (store: Store, mpOpenid: string) => (await bagPage(store, { mpOpenid }, { limit: 100 })).cards

let rx: Receiver
let emu: WechatEmulator
let store: Store
let wx: WechatClient
let cardId: string

/** A paid order of one card for `mpOpenid` (as the payment callback leaves it); returns its entitlement id. */
async function entitle(mpOpenid: string, requestId: string): Promise<string> {
  const orderId = orderIdFor(mpOpenid, requestId)
  await store.insert('orders', {
    _id: orderId,
    kind: 'mp',
    mpOpenid,
    cardId,
    unitPrice: 10000,
    unitValue: 10000,
    quantity: 1,
    totalFee: 10000,
    status: 'ISSUED',
    createdAt: Date.now(),
  })
  await store.insert('entitlements', { _id: entitlementId(orderId, 0), orderId, mpOpenid, cardId, status: 'READY', value: 10000 })
  return entitlementId(orderId, 0)
}

let lastEntitlement = ''

/** wx.addCard as `user` does it, with the cardExt signed for the last entitlement; returns the encrypted code and the user_get_card push it caused. */
async function addCard(user: string, outerStr = lastEntitlement): Promise<{ encrypted: string; event: CardEvent }> {
  const ext = buildCardExt({ apiTicket: await wx.cardTicket.get(), cardId, outerStr })
  const res = await fetch(`${emu.url}/__emu/client/addCard`, {
    method: 'POST',
    body: JSON.stringify({ user, cardList: [{ cardId, cardExt: ext.cardExt }] }),
  })
  const encrypted = ((await res.json()) as { cardList: { code: string }[] }).cardList[0]!.code
  const code = (await wx.code.decrypt(encrypted)).code
  await until(() => rx.bodies.some((b) => b.includes('user_get_card') && b.includes(code)), 'the push')
  return { encrypted, event: parseEvent(rx.bodies.find((b) => b.includes('user_get_card') && b.includes(code))!) as CardEvent }
}

beforeEach(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
  store = await memoryStore()
  wx = createWechatClient({ store, appid: emu.platform.o.saAppid, secret: emu.platform.o.saSecret, apiBase: emu.url })
  const c = JSON.parse(JSON.stringify(example))
  c.card.general_card.base_info.date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1700000000, end_timestamp: 2000000000 }
  cardId = (await wx.card.create(c)).card_id
  const now = Date.now()
  await store.set('gift_cards', {
    _id: cardId,
    cardId,
    title: '心意卡',
    price: 10000,
    initBalance: 10000,
    faces: [],
    defaultMessage: '',
    onSale: true,
    reviewStatus: 'APPROVED',
    beginTime: 0,
    endTime: 0,
    createdAt: now,
    updatedAt: now,
  })
})
afterEach(async () => {
  await emu.stop()
  await rx.close()
})

const alice = () => emu.users.get('alice')!
const bob = () => emu.users.get('bob')!

test.each(['callback first', 'event first'])('%s: one card, both openids, funded once', async (order) => {
  lastEntitlement = await entitle(alice().mpOpenid, 'request-1')
  const { encrypted, event } = await addCard('alice')
  const record = () => recordAdded(store, wx, { mpOpenid: alice().mpOpenid }, [{ cardId, code: encrypted, isSuccess: true }])
  if (order === 'callback first') {
    await record()
    await applyCardEvent(store, wx, event)
  } else {
    await applyCardEvent(store, wx, event)
    await record()
  }
  const code = (event as { UserCardCode: string }).UserCardCode
  const doc = (await store.get<UserCardDoc>('user_cards', userCardId(cardId, code)))!
  expect(doc).toMatchObject({ mpOpenid: alice().mpOpenid, saOpenid: alice().saOpenid, balance: 10000, funded: true })
  expect(await ledgerSum(store, doc._id)).toBe(10000)
  expect(await store.get('identities', alice().saOpenid)).toMatchObject({ mpOpenid: alice().mpOpenid })
})

test('duplicate pushes change nothing the second time', async () => {
  lastEntitlement = await entitle(alice().mpOpenid, 'request-1')
  const { encrypted, event } = await addCard('alice')
  await recordAdded(store, wx, { mpOpenid: alice().mpOpenid }, [{ cardId, code: encrypted, isSuccess: true }])
  await applyCardEvent(store, wx, event)
  await applyCardEvent(store, wx, event)
  const cards = await listCardsOf(store, alice().mpOpenid)
  expect(cards).toHaveLength(1)
  expect(cards[0]!.balance).toBe(10000)
  expect(await store.count('ledger', {})).toBe(1)
})

test('a forged card_id/code from another person is refused and changes nothing', async () => {
  lastEntitlement = await entitle(alice().mpOpenid, 'request-1')
  await entitle(bob().mpOpenid, 'request-2')
  const { encrypted } = await addCard('alice')
  await recordAdded(store, wx, { mpOpenid: alice().mpOpenid }, [{ cardId, code: encrypted, isSuccess: true }])
  await expect(recordAdded(store, wx, { mpOpenid: bob().mpOpenid }, [{ cardId, code: encrypted, isSuccess: true }])).rejects.toMatchObject({
    errcode: 1004,
  })
  expect(await listCardsOf(store, bob().mpOpenid)).toEqual([])
  expect(await listCardsOf(store, alice().mpOpenid)).toHaveLength(1)
  // Without an entitlement, a valid code of one's own cannot be recorded either.
  await expect(
    recordAdded(store, wx, { mpOpenid: 'oNobody' }, [
      { cardId, code: `${encrypted.slice(0, -1)}${encrypted.endsWith('A') ? 'B' : 'A'}`, isSuccess: true },
    ]),
  ).rejects.toMatchObject({ errcode: 1001, message: expect.stringMatching(/is not a valid encrypted code/) })
})

test('gifting: the balance moves to the friend’s new code, the old code is retired; unionid maps it to the friend', async () => {
  lastEntitlement = await entitle(alice().mpOpenid, 'request-1')
  const { encrypted, event } = await addCard('alice')
  await recordAdded(store, wx, { mpOpenid: alice().mpOpenid }, [{ cardId, code: encrypted, isSuccess: true }])
  await applyCardEvent(store, wx, event)
  const oldCode = (event as { UserCardCode: string }).UserCardCode
  const g = await fetch(`${emu.url}/__emu/client/gift`, {
    method: 'POST',
    body: JSON.stringify({ from: 'alice', to: 'bob', cardId, code: oldCode }),
  })
  const newCode = ((await g.json()) as { code: string }).code
  await until(() => rx.bodies.some((b) => b.includes(`<UserCardCode><![CDATA[${newCode}]]>`)), 'the friend’s push')
  const friendEvent = parseEvent(rx.bodies.find((b) => b.includes(`<UserCardCode><![CDATA[${newCode}]]>`))!) as CardEvent
  // Events may come in any order, twice.
  await applyCardEvent(store, wx, friendEvent)
  await applyCardEvent(store, wx, event)
  await applyCardEvent(store, wx, friendEvent)
  // Alice sees the card as given (GIFTED, 0.00), never as deleted.
  expect(await listCardsOf(store, alice().mpOpenid)).toEqual([expect.objectContaining({ code: oldCode, status: 'GIFTED', balance: 0 })])
  expect(await store.get<UserCardDoc>('user_cards', userCardId(cardId, oldCode))).toMatchObject({ status: 'GIFTED', balance: 0 })
  const fresh = (await store.get<UserCardDoc>('user_cards', userCardId(cardId, newCode)))!
  expect(fresh).toMatchObject({ saOpenid: bob().saOpenid, unionid: bob().unionid, balance: 10000, status: 'NORMAL' })
  expect(fresh.mpOpenid).toBeUndefined()
  // Bob opens the Mini Program: his unionid (from the cloud context) maps the card to him.
  expect(await adoptByUnionid(store, { mpOpenid: bob().mpOpenid, unionid: bob().unionid })).toBe(1)
  expect(await listCardsOf(store, bob().mpOpenid)).toEqual([expect.objectContaining({ code: newCode, balance: 10000 })])
  expect(await ledgerSum(store, fresh._id)).toBe(10000)
  expect(await ledgerSum(store, userCardId(cardId, oldCode))).toBe(0)
})
