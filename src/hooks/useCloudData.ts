import { useCallback, useEffect, useState } from 'react'
import { userMessage } from '../services/errors'

export type CloudData<T> =
  | { state: 'loading' }
  /** `message` is what a person reads (services/errors.ts); the details went to the log */
  | { state: 'error'; message: string }
  | { state: 'ready'; data: T }

/** Loads `load()` on mount; `reload` runs it again (pull to refresh, retry). */
export function useCloudData<T>(load: () => Promise<T>): [CloudData<T>, () => Promise<void>] {
  const [value, setValue] = useState<CloudData<T>>({ state: 'loading' })
  const reload = useCallback(async () => {
    try {
      setValue({ state: 'ready', data: await load() })
    } catch (err) {
      setValue({ state: 'error', message: userMessage(err) })
    }
    // `load` is expected to be stable for the page's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  useEffect(() => {
    void reload()
  }, [reload])
  return [value, reload]
}
