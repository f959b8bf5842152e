// Runs a transaction again when it loses to concurrent writers, with jittered backoff so that a hot
// card (hundreds of simultaneous spends) makes progress instead of livelocking.
import { TransactionConflictError } from './port'

export async function withConflictRetry<T>(fn: () => Promise<T>, attempts = 400): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (err) {
      if (!(err instanceof TransactionConflictError) || i >= attempts) throw err
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + i)))
    }
  }
}
