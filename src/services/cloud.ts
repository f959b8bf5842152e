import Taro from '@tarojs/taro'
import type { ActionName, ActionNamed, Answer, Input } from '../../contract/actions'

/** A cloud function answered `{errcode != 0, errmsg}`, or could not be reached. */
export class CloudCallError extends Error {
  constructor(
    readonly fn: string,
    readonly action: string,
    readonly errcode: number,
    readonly errmsg: string,
    /** why a refusal happened, for the page to put in words (e.g. GIFT_TAKEN) */
    readonly reason?: string,
    /** the input field a 1001 refused (`delta`, `card.gift_card.base_info.title`), as the function named it */
    readonly field?: string,
    /** what else the refusal said, as the function answered it (e.g. cardStock's `stock`) */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${fn}.${action}: ${errmsg} (errcode ${errcode})`)
    this.name = 'CloudCallError'
  }
}

/** Sends one call to a cloud function and resolves with the function's raw JSON result. */
export type Transport = (name: string, data: Record<string, unknown>) => Promise<unknown>

const weappTransport: Transport = async (name, data) => {
  const res = await Taro.cloud.callFunction({ name, data })
  return res.result
}

let transport: Transport | undefined

/**
 * Picks the transport once at start-up. On weapp it is `wx.cloud.callFunction`. The H5 build, where
 * Taro.cloud is only a stub, uses the local stack's preview bridge; the TARO_ENV check is replaced at
 * build time, so the bridge is dropped from the weapp bundle entirely.
 */
export function initCloud(): void {
  if (process.env.TARO_ENV === 'h5') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    transport = require('./h5-bridge').h5Transport as Transport
    return
  }
  // The environment named at build time (TARO_APP_CLOUD_ENV, inlined by config/index.ts, which refuses a
  // weapp build without one: wx.cloud.init's env is required).
  Taro.cloud.init({ env: process.env.TARO_APP_CLOUD_ENV, traceUser: true })
  transport = weappTransport
}

interface CloudReply {
  errcode?: unknown
  errmsg?: unknown
  reason?: unknown
  field?: unknown
  [k: string]: unknown
}

/**
 * Calls one action by its name (`card.spend`, contract/actions/) with its input; resolves with its answer
 * as its schema declares it, or throws CloudCallError. Only the contract's types are imported: the schemas
 * stay out of the Mini Program's bundle.
 */
export function call<N extends ActionName>(
  name: N,
  ...input: Partial<Input<ActionNamed<N>>> extends Input<ActionNamed<N>> ? [Input<ActionNamed<N>>?] : [Input<ActionNamed<N>>]
): Promise<Answer<ActionNamed<N>>> {
  const [fn = '', action = ''] = name.split('.')
  return send(fn, action, input[0] ?? {})
}

/** Sends `{action, ...fields}` to function `name`; the success body, or CloudCallError. */
async function send<T>(name: string, action: string, fields: object): Promise<T> {
  if (!transport) initCloud()
  let raw: unknown
  try {
    raw = await transport!(name, { ...fields, action })
  } catch (err) {
    throw new CloudCallError(name, action, -1, `could not reach the cloud function: ${(err as Error).message ?? String(err)}`)
  }
  const reply = (raw ?? {}) as CloudReply
  if (typeof reply.errcode !== 'number') {
    throw new CloudCallError(name, action, -1, 'the cloud function returned no errcode')
  }
  if (reply.errcode !== 0) {
    const { errcode: _errcode, errmsg, reason, field, ...details } = reply
    void _errcode
    throw new CloudCallError(
      name,
      action,
      reply.errcode,
      String(errmsg ?? 'unknown error'),
      typeof reason === 'string' ? reason : undefined,
      typeof field === 'string' ? field : undefined,
      details,
    )
  }
  return raw as T
}
