// What 30 s after a crashed spend looks like, for the fault tests: the crashed call's entry lease has
// run out, and with it the card's sync lease when its debit took that (the two end together:
// spend-entries.ts), so whoever finishes the entry finds both free.
import type { LedgerEntryDoc } from '../../server/domain/ledgers/ledger'
import { Collections } from '../../server/store/collections'
import type { Store } from '../../server/store/port'

export async function leaseRunsOut(s: Store, entryId: string): Promise<void> {
  const pending = await s.get<LedgerEntryDoc>(Collections.ledger, entryId)
  if (!pending?.leaseUntil) throw new Error(`${entryId} holds no lease`)
  await s.update(Collections.ledger, entryId, { leaseUntil: Date.now() - 1 })
  await s.updateIf(Collections.userCards, pending.card, { syncLeaseUntil: pending.leaseUntil }, { syncLeaseUntil: Date.now() - 1 })
}
