// The one state the console shows for an order's cards (#28), from its entitlements, cards and refund.
import { cardStateOf, type CardFacts } from './order-states'

const ready = { status: 'READY' as const, giftId: '' }
const added = { status: 'ADDED' as const, giftId: '' }
const card = (balance: number, giftedTo?: string) => ({ balance, status: 'NORMAL' as const, ...(giftedTo ? { giftedTo } : {}) })
const mp = (f: Partial<CardFacts>): CardFacts => ({ channel: 'mp', ents: [], cards: [], ...f })

describe('cardStateOf', () => {
  it('is PAID while no card is in a card bag', () => {
    expect(cardStateOf(mp({ ents: [ready, ready] }))).toBe('PAID')
  })
  it('is CLAIMED once a card is in a bag with value left', () => {
    expect(cardStateOf(mp({ ents: [added, ready], cards: [card(0)] }))).toBe('CLAIMED')
    expect(cardStateOf(mp({ ents: [added], cards: [card(2500)] }))).toBe('CLAIMED')
  })
  it('is USED_UP only when every card is in a bag and none holds value', () => {
    expect(cardStateOf(mp({ ents: [added, added], cards: [card(0), card(0)] }))).toBe('USED_UP')
    expect(cardStateOf(mp({ ents: [added, added], cards: [card(0), card(1)] }))).toBe('CLAIMED')
  })
  it('is GIFTED when a gift was sent or a card passed on in the bag (its emptied card is not "used up")', () => {
    expect(cardStateOf(mp({ ents: [{ status: 'READY', giftId: 'G1' }] }))).toBe('GIFTED')
    expect(cardStateOf(mp({ ents: [added], cards: [card(0, 'friend-card')] }))).toBe('GIFTED')
  })
  it('puts a refund first, as WeChat Pay reports it', () => {
    for (const s of ['REFUNDING', 'REFUNDED', 'REFUND_FAILED'] as const)
      expect(cardStateOf(mp({ refundStatus: s, ents: [added], cards: [card(0)] }))).toBe(s)
  })
  it('reads a shelf order from WeChat’s state and its cards', () => {
    const shelf = (shelfState: string, cards = [card(5000)]): CardFacts => ({ channel: 'shelf', shelfState, ents: [], cards })
    expect(cardStateOf(shelf('PAID'))).toBe('PAID')
    expect(cardStateOf(shelf('SENDING'))).toBe('GIFTED')
    expect(cardStateOf(shelf('ACCEPTED'))).toBe('CLAIMED')
    expect(cardStateOf(shelf('ACCEPTED', [card(0)]))).toBe('USED_UP')
    expect(cardStateOf(shelf('REFUNDED'))).toBe('REFUNDED')
  })
  it('keeps a 买单 order PAID until refunded (it issues no card)', () => {
    expect(cardStateOf({ channel: 'checkout', ents: [], cards: [] })).toBe('PAID')
    expect(cardStateOf({ channel: 'checkout', refundStatus: 'REFUNDING', ents: [], cards: [] })).toBe('REFUNDING')
  })
})
