// Settings the domain needs per call, from this function's environment.
import { loadConfig } from '../config'
import type { SyncOptions } from '../domain/balance-sync'

export function syncOptions(): SyncOptions {
  return { consumeOnZero: loadConfig().consumeOnZero }
}
