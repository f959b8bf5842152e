// The shape every cloud function shares: `{action, ...fields}` in, `{errcode: 0, ...result}` or
// `{errcode, errmsg}` out. Identity comes from the cloud context only; a `userInfo` or `openid` in the
// event is ignored.
import type { FunctionName } from '../config'
import { AppError, ErrCode } from '../errors'
import type { Store } from '../store/port'
import type { WechatClient } from '../wechat/client'
import { merchantAdvice, WECHAT_ADVICE } from '../wechat/advice'
import { WxApiError, WxRuleError, WxTransportError } from '../wechat/errors'
import { instanceWechat } from './wechat'
import { asInput, assertNoProtoKeys, type Input } from '../validate'
import { instanceStore } from './store'
import { callerIdentity, type CallerIdentity } from './wx-cloud'
import { log } from '../log'
import { answerPing, PING } from './ping'

export interface ActionContext {
  caller: CallerIdentity
  store: Store
  /** the Service Account client of this instance (created on first use) */
  wx: () => WechatClient
}

export type Action = (input: Input, ctx: ActionContext) => Promise<Record<string, unknown>>

export interface Reply {
  errcode: number
  errmsg?: string
  [k: string]: unknown
}

/** Actions that need a Mini Program caller get it here, or are refused. */
export function requireOpenid(ctx: ActionContext): string {
  if (!ctx.caller.openid)
    throw new AppError(ErrCode.UNAUTHENTICATED, 'this action needs a Mini Program caller (no OPENID in the cloud context)')
  return ctx.caller.openid
}

export function createHandler(fn: FunctionName, actions: Record<string, Action>) {
  return async function main(event: unknown): Promise<Reply> {
    let action = '?'
    try {
      const input = asInput(event)
      assertNoProtoKeys(input)
      if (typeof input.action !== 'string') throw new AppError(ErrCode.INVALID_ARGUMENT, 'action must be a string')
      action = input.action
      if (action === PING) return { ...answerPing(fn, callerIdentity()) }
      const run = Object.prototype.hasOwnProperty.call(actions, action) ? actions[action] : undefined
      if (!run) throw new AppError(ErrCode.UNKNOWN_ACTION, `unknown action ${action} for ${fn}; known: ${Object.keys(actions).join(', ')}`)
      const store = await instanceStore()
      const ctx: ActionContext = { caller: callerIdentity(), store, wx: () => instanceWechat(store) }
      const result = await run(input, ctx)
      return { errcode: 0, ...result }
    } catch (err) {
      if (err instanceof AppError) {
        if (err.errcode === ErrCode.FORBIDDEN || err.errcode === ErrCode.UNAUTHENTICATED) {
          log('warn', { fn, action, refused: err.message, caller: safeCaller() })
        }
        return { errcode: err.errcode, errmsg: err.message, ...err.extra }
      }
      if (err instanceof WxRuleError) return { errcode: ErrCode.INVALID_ARGUMENT, errmsg: err.message }
      if (err instanceof WxApiError || err instanceof WxTransportError) {
        log('warn', { fn, action, wechat: err.message })
        // A retired API (45103), a missing permission or an IP off the whitelist (40164) is something
        // only the merchant can fix: the message says what to do instead of WeChat's bare errmsg.
        const advice = err instanceof WxApiError ? merchantAdvice(err.errcode, err.endpoint, err.errmsg) : undefined
        // reason WECHAT_ADVICE: the errmsg is the merchant's own sentence, to be shown as it is.
        return {
          errcode: ErrCode.UPSTREAM,
          errmsg: advice ?? `WeChat: ${err.message}`,
          ...(err instanceof WxApiError ? { wxErrcode: err.errcode } : {}),
          ...(advice ? { reason: WECHAT_ADVICE } : {}),
        }
      }
      log('error', { fn, action, error: (err as Error)?.stack ?? String(err) })
      return { errcode: ErrCode.INTERNAL, errmsg: `internal error in ${fn}.${action}` }
    }
  }
}

function safeCaller(): CallerIdentity | undefined {
  try {
    return callerIdentity()
  } catch {
    return undefined
  }
}
