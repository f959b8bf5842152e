// What 30 s after a crashed spend looks like, for the fault tests: the crashed call's open keys are older
// than SETTLE_GRACE_MS (so the cron and a repeat may settle them), and a sync lease it held has run out.
import type { UserCardDoc } from '../../server/domain/cards/user-cards'
import { SETTLE_GRACE_MS } from '../../server/domain/money/spend-keys'
import { Collections } from '../../server/store/collections'
import type { Filter, Patch, Store } from '../../server/store/port'

export async function graceRunsOut(s: Store, cardDocId: string): Promise<void> {
  // Conditional on every key shifted still being there: a key settled and pruned meanwhile (a racing
  // settler) must not come back as a stub holding only `t`. The card changed: read it again.
  for (let attempt = 0; attempt < 10; attempt++) {
    const card = await s.get<UserCardDoc>(Collections.userCards, cardDocId)
    if (!card) throw new Error(`no card ${cardDocId}`)
    const patch: Patch = {}
    const there: Filter = {}
    // Every key by the same time, so their order (which the balances after each are read in) stays as it was.
    for (const [k, key] of Object.entries(card.spendKeys ?? {})) {
      patch[`spendKeys.${k}.t`] = key.t - SETTLE_GRACE_MS - 1
      there[`spendKeys.${k}.on`] = true
    }
    if (card.syncLeaseUntil >= Date.now()) patch.syncLeaseUntil = Date.now() - 1
    if (!Object.keys(patch).length || (await s.updateIf(Collections.userCards, cardDocId, there, patch))) return
  }
  throw new Error(`the keys of ${cardDocId} kept changing`)
}
