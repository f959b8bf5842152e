import type { GiftCardDoc } from '../catalog/gift-cards'
import { newUserCard, type UserCardDoc } from '../cards/user-cards'
import type { EntryView } from '../ledgers/ledger'
import { asHolderSees, givableInBag } from './received'

const NOW = 1_800_000_000_000
const def = (over: Partial<GiftCardDoc> = {}) => ({ cardId: 'pGIFT', canGiveFriend: true, maxGiveFriendTimes: 1, ...over }) as GiftCardDoc
const card = (over: Partial<UserCardDoc> = {}) =>
  ({ ...newUserCard('pGIFT', '123456789012', {}), status: 'NORMAL', balance: 5000, ...over }) as UserCardDoc

describe('givableInBag: 送给好友 only where WeChat would let the card go', () => {
  test('a NORMAL gift card with value, allowed by its definition and never given: yes', () => {
    expect(givableInBag(card(), def(), NOW)).toBe(true)
    expect(givableInBag(card(), def({ maxGiveFriendTimes: undefined }), NOW)).toBe(true)
  })
  test('given max_give_friend_times times already, or can_give_friend false: no', () => {
    expect(givableInBag(card({ givenTimes: 1 }), def(), NOW)).toBe(false)
    expect(givableInBag(card({ givenTimes: 1 }), def({ maxGiveFriendTimes: 2 }), NOW)).toBe(true)
    expect(givableInBag(card(), def({ canGiveFriend: false }), NOW)).toBe(false)
  })
  test('GIFTING, consumed, ¥0, held by an unfinished checkout, a member card or a coupon, or no definition: no', () => {
    for (const status of ['GIFTING', 'CONSUMED', 'EXPIRE', 'DELETE', 'GIFTED', 'UNAVAILABLE'] as const)
      expect(givableInBag(card({ status }), def(), NOW)).toBe(false)
    expect(givableInBag(card({ balance: 0 }), def(), NOW)).toBe(false)
    expect(
      givableInBag(card({ checkoutHolds: { o1: { orderId: 'o1', amount: 100, until: NOW + 1 } } } as Partial<UserCardDoc>), def(), NOW),
    ).toBe(false)
    expect(givableInBag(card({ member: true }), def(), NOW)).toBe(false)
    expect(givableInBag(card({ couponType: 'CASH' }), def(), NOW)).toBe(false)
    expect(givableInBag(card(), null, NOW)).toBe(false)
  })
})

describe('asHolderSees: a card claimed from a gift reads 来自 <name> 的礼物, never the giver’s order', () => {
  const issue: EntryView = {
    entryId: 'issue:x',
    kind: 'issue',
    amount: 10000,
    balanceAfter: 10000,
    orderId: 'GCABC',
    description: 'card issued',
    createdAt: NOW,
  }
  const spend: EntryView = { entryId: 's1', kind: 'spend', amount: -100, balanceAfter: 9900, orderId: 'CO1', createdAt: NOW + 1 }
  test('the issue entry of a gifted card carries giftFrom and neither order nor description', () => {
    const seen = asHolderSees([spend, issue], card({ giftId: 'GF1', giftFrom: '爱丽丝' }))
    expect(seen).toEqual([
      spend,
      { entryId: 'issue:x', kind: 'issue', amount: 10000, balanceAfter: 10000, createdAt: NOW, giftFrom: '爱丽丝' },
    ])
  })
  test('a card bought for oneself is shown as it is', () => {
    expect(asHolderSees([issue], card())).toEqual([issue])
  })
})
