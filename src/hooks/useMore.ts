import { useCallback, useState } from 'react'
import { userMessage } from '../services/errors'

/** A page after a list's first, as the list actions answer it (docs/functions-api.md "Lists"). */
export interface MorePage<T> {
  rows: T[]
  nextCursor?: string
}

/**
 * The rows after a list's first page, fetched by its `nextCursor` a page at a time (加载更多, issue 26).
 * `cursor(first)`: where the next page starts (`first` is the first page's nextCursor), undefined at the
 * end; `more(first)` fetches it and appends its rows (a failure is kept in `failed`, what a person reads,
 * and the same page can be asked again); `reset()` forgets them when the first page reloads.
 */
export function useMore<T>(fetchPage: (cursor: string) => Promise<MorePage<T>>) {
  const [extra, setExtra] = useState<{ rows: T[]; cursor?: string }>()
  const [loading, setLoading] = useState(false)
  const [failed, setFailed] = useState<string>()
  const cursor = (first: string | undefined) => (extra ? extra.cursor : first)
  const more = async (first: string | undefined) => {
    const at = cursor(first)
    if (!at || loading) return
    setLoading(true)
    setFailed(undefined)
    try {
      const page = await fetchPage(at)
      setExtra({ rows: [...(extra?.rows ?? []), ...page.rows], cursor: page.nextCursor })
    } catch (err) {
      setFailed(userMessage(err))
    } finally {
      setLoading(false)
    }
  }
  const reset = useCallback(() => setExtra(undefined), [])
  return { rows: extra?.rows ?? [], cursor, more, reset, loading, failed }
}
