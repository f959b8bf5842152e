// The WeChat Pay parameters an unpaid order keeps (a gift-card order, a checkout, a member-card recharge),
// so a repeated request answers the same payment. Both taps of a double tap can reach Cloud Pay: it gives
// them the same prepay_id, each signed with its own nonce. The first stored is the order's; the other tap
// answers that one too.
import { where, type Store } from '../../store/port'

type Payment = Record<string, unknown>

/** Stores `payment` on the CREATED order unless one is kept already; returns the order's payment. */
export async function keepPayment(store: Store, collection: string, orderId: string, payment: Payment): Promise<Payment> {
  if (await store.updateIf(collection, orderId, { status: 'CREATED', prepaid: where.neq(true) }, { payment, prepaid: true })) return payment
  return (await store.get<{ _id: string; payment?: Payment }>(collection, orderId))?.payment ?? payment
}
