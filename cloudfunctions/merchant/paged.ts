// The merchant's list actions share one way to page (issue 26): the page asked for — `cursor` for this
// list, its filters and the caller, or the `offset` the action documented before cursors — then the list
// read on it, and its last row's key sealed as `nextCursor` while rows remain.
import { listScope, nextCursor, pageRequest, type PageInput } from '../../server/platform/cursor'
import type { ActionContext } from '../../server/platform/handler'
import type { PageKey, PageRequest } from '../../server/store/pages'

export async function paged<R extends { next?: PageKey }>(
  i: PageInput,
  ctx: ActionContext,
  list: string,
  filters: Record<string, unknown>,
  opts: { defaultLimit: number },
  run: (page: PageRequest) => Promise<R>,
): Promise<Omit<R, 'next'> & { nextCursor?: string }> {
  const scope = listScope(`merchant.${list}`, ctx.caller.openid, filters)
  const { next, ...rest } = await run(pageRequest(i, scope, opts))
  return { ...rest, ...nextCursor(next, scope) }
}

/** The `nextCursor` of a list's first page read inside another action (a card's history in cardLookup). */
export function firstPageCursor(
  ctx: ActionContext,
  list: string,
  filters: Record<string, unknown>,
  next: PageKey | undefined,
): { nextCursor?: string } {
  return nextCursor(next, listScope(`merchant.${list}`, ctx.caller.openid, filters))
}
