// Settings the domain needs per call, from this function's environment.
import { loadConfig } from '../config'

export function syncOptions(): SyncOptions {
  return { consumeOnZero: loadConfig().consumeOnZero }
}

export interface SyncOptions {
  /** consume a card spent to zero with card/code/consume (merchant policy, CONSUME_ON_ZERO) */
  consumeOnZero?: boolean
  now?: () => number
}
