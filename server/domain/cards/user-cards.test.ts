// A card's view as the person sees it: the value unfinished checkouts hold (issue 25 §7), shown until the
// checkout's expiry and hidden after it even when a crash left the mark behind.
import { newUserCard, toCardView } from './user-cards'

const T = 1_700_000_000_000

test('held sums the checkouts still in force; heldUntil is the last of them; an expired mark is not shown', () => {
  const card = newUserCard('pGift', '123', {
    balance: 500,
    checkoutHolds: {
      a: { amount: 4700, until: T + 60_000, orderId: 'A-gc' },
      b: { amount: 300, until: T + 120_000, orderId: 'B-gc' },
      c: { amount: 999, until: T - 1, orderId: 'C-gc' },
    },
  })
  expect(toCardView(card, T)).toMatchObject({ balance: 500, held: 5000, heldUntil: T + 120_000 })
  const later = toCardView(card, T + 120_000)
  expect(later.held).toBeUndefined()
  expect(later.heldUntil).toBeUndefined()
})
