// One call of the merchant function over the local cloud's HTTP route, telling a refusal by the function
// (errcode ≠ 0: a validation or permission problem to fix in the command) from a connection problem.

export type Caller = (action: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>

export class CallError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly wxErrcode?: number,
  ) {
    super(`errcode ${errcode}: ${errmsg}`)
  }
}

export class ConnectionError extends Error {}

export function httpCaller(url: string, openid: string): Caller {
  return async (action, input) => {
    let res: Response
    try {
      res = await fetch(`${url}/fn/merchant`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ ...input, action }),
      })
    } catch (err) {
      const c = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause
      const cause = c?.code ?? c?.errors?.[0]?.code ?? (err as Error).message
      throw new ConnectionError(`cannot reach the local cloud at ${url} (${cause}): is \`npm start\` running, and is --url right?`)
    }
    const text = await res.text()
    let body: Record<string, unknown>
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new ConnectionError(
        `${url} answered HTTP ${res.status} with something that is not the merchant function's JSON: is --url the local cloud?`,
      )
    }
    if (typeof body.errcode !== 'number')
      throw new ConnectionError(`${url} answered HTTP ${res.status} without an errcode: is --url the local cloud?`)
    if (body.errcode !== 0)
      throw new CallError(body.errcode, String(body.errmsg ?? ''), typeof body.wxErrcode === 'number' ? body.wxErrcode : undefined)
    return body
  }
}
