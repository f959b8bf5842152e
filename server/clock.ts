// The one place the server reads the time. Every rule that depends on it (gift and checkout expiries,
// spend-key windows, refund check intervals, leases, rate windows…) asks `clock.now()` instead of
// `Date.now()`, so a test can install a clock it moves by hand and prove the rule at both edges without
// waiting. A function instance never installs one: it reads the system clock.

/** The time source: milliseconds since the epoch, as Date.now(). */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

let installed: Clock = systemClock

/** The current clock, as the server reads it. */
export const clock: Clock = { now: () => installed.now() }

/** Installs `c` as the server's clock until the returned function restores the previous one. */
export function useClock(c: Clock): () => void {
  const previous = installed
  installed = c
  return () => {
    installed = previous
  }
}
