// A clock a test moves by hand, installed as the server's clock (server/clock.ts) for one test file:
// time-dependent rules are proven at both edges of their window without sleeping.
import { useClock, type Clock } from '../../server/clock'

/** A clock that stands still until told to move: for tests of time-dependent rules without sleeps. */
export class FakeClock implements Clock {
  constructor(private ms = Date.now()) {}

  now(): number {
    return this.ms
  }

  /** Moves the clock forward by `ms` (never back: the rules assume time does not run backwards). */
  advance(ms: number): this {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (asked ${ms} ms)`)
    this.ms += ms
    return this
  }
}

/** A FakeClock installed as the server's clock for the calling test file (restored after it). */
export function fakeClock(startMs?: number): FakeClock {
  const c = new FakeClock(startMs)
  const restore = useClock(c)
  if (typeof afterAll === 'function') afterAll(restore)
  return c
}
