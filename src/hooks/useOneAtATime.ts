import { useCallback, useRef, useState } from 'react'

/**
 * One call at a time, for an action that is not idempotent (a stock change, a card/update that sends the card
 * back to review): `run(work)` while an earlier `work` is still running does nothing, so a double tap sends
 * once; `busy` says so to the button. A ref, not the state, decides: two taps land before React re-renders.
 */
export function useOneAtATime(): [boolean, (work: () => Promise<void>) => Promise<void>] {
  const running = useRef(false)
  const [busy, setBusy] = useState(false)
  const run = useCallback(async (work: () => Promise<void>) => {
    if (running.current) return
    running.current = true
    setBusy(true)
    try {
      await work()
    } finally {
      running.current = false
      setBusy(false)
    }
  }, [])
  return [busy, run]
}
