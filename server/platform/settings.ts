// Settings the domain needs per call, from this function's environment.
import { loadConfig } from '../config'

export function syncOptions(): SyncOptions {
  return { consumeOnZero: loadConfig().consumeOnZero }
}

export interface SyncOptions {
  /** consume a card spent to zero with card/code/consume (merchant policy, CONSUME_ON_ZERO) */
  consumeOnZero?: boolean
  now?: () => number
  /**
   * How long one sync may keep going round while the card moves (ms): within the calling function's
   * timeout. Default balance-sync.ts SYNC_BUDGET_MS (5 s: wxpush and the cron); a spend's sync, in a 20 s
   * function, takes longer (money/spend-keys.ts).
   */
  budgetMs?: number
}
