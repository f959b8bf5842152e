// The shape every cloud function shares: `{action, ...fields}` in, `{errcode: 0, ...result}` or
// `{errcode, errmsg}` out. Identity comes from the cloud context only; a `userInfo` or `openid` in the
// event is ignored.
import type { FunctionName } from '../config'
import { AppError, ErrCode, invalid } from '../errors'
import type { Store } from '../store/port'
import type { WechatClient } from '../wechat/client'
import { merchantAdvice, WECHAT_ADVICE } from '../wechat/advice'
import { WxApiError, WxRuleError, WxTransportError } from '../wechat/errors'
import { instanceWechat } from './wechat'
import * as v from 'valibot'
import type { ActionSchema, Answer, Valid } from '../../contract/actions/define'
import { PROTO_KEYS } from '../../contract/actions/fields'
import { instanceStore } from './store'
import { callerIdentity, type CallerIdentity } from './wx-cloud'
import { log } from '../log'
import { answerPing, PING } from './ping'

export interface ActionContext {
  /** the action called (`spend`, `orderRefund` …) */
  action: string
  caller: CallerIdentity
  store: Store
  /** the Service Account client of this instance (created on first use) */
  wx: () => WechatClient
}

/** One action's code: its input as its schema left it (contract/actions/), its answer as declared there. */
export type Action<A extends ActionSchema = ActionSchema> = (input: Valid<A>, ctx: ActionContext) => Promise<Answer<A>>

/** An action whose caller is checked (`guard`, e.g. a merchant role) before its input is even read. */
export interface GuardedAction<A extends ActionSchema = ActionSchema> {
  guard: (ctx: ActionContext) => Promise<void>
  run: Action<A>
}

/** Every action of a function's contract, and no other. */
export type Actions<C extends Record<string, ActionSchema>> = { [K in keyof C]: Action<C[K]> | GuardedAction<C[K]> }

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

/**
 * The function `fn`: each event's `action` looked up in `contract` (its schemas, contract/actions/<fn>.ts)
 * and `actions` (its code); the input validated by the action's schema before the code runs (1001 naming
 * the field), after the action's guard when it has one.
 */
export function createHandler<C extends Record<string, ActionSchema>>(fn: FunctionName, contract: C, actions: Actions<C>) {
  return async function main(event: unknown): Promise<Reply> {
    let action = '?'
    try {
      const input = eventOf(event)
      if (typeof input.action !== 'string') throw new AppError(ErrCode.INVALID_ARGUMENT, 'action must be a string')
      action = input.action
      if (action === PING) return { ...answerPing(fn, callerIdentity()) }
      if (!Object.prototype.hasOwnProperty.call(contract, action) || !Object.prototype.hasOwnProperty.call(actions, action))
        throw new AppError(ErrCode.UNKNOWN_ACTION, `unknown action ${action} for ${fn}; known: ${Object.keys(actions).join(', ')}`)
      const name: keyof C = action
      const store = await instanceStore()
      const ctx: ActionContext = { action, caller: callerIdentity(), store, wx: () => instanceWechat(store) }
      const result = await dispatch(contract[name], actions[name], input, ctx)
      return { errcode: 0, ...result }
    } catch (err) {
      if (err instanceof AppError) {
        if (err.errcode === ErrCode.FORBIDDEN || err.errcode === ErrCode.UNAUTHENTICATED) {
          log('warn', { fn, action, refused: err.message, caller: safeCaller() })
        }
        return { errcode: err.errcode, errmsg: err.message, ...err.extra }
      }
      if (err instanceof WxRuleError) return { errcode: ErrCode.INVALID_ARGUMENT, errmsg: err.message, field: err.field }
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

/** The event as an object with no key that could reach a prototype (anywhere in it, to a bounded depth). */
function eventOf(event: unknown): Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw invalid('event', 'must be a JSON object')
  assertNoProtoKeys(event, 'event', 0)
  return event as Record<string, unknown>
}

function assertNoProtoKeys(value: unknown, path: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return
  if (depth > 20) throw invalid(path, 'is nested too deeply')
  for (const [k, child] of Object.entries(value)) {
    if (PROTO_KEYS.has(k)) throw invalid(`${path}.${k}`, 'is not an allowed key')
    assertNoProtoKeys(child, `${path}.${k}`, depth + 1)
  }
}

/** The guard, then the input validated, then the action. */
async function dispatch<A extends ActionSchema>(
  schema: A,
  code: Action<A> | GuardedAction<A>,
  input: Record<string, unknown>,
  ctx: ActionContext,
): Promise<object> {
  if (typeof code !== 'function') await code.guard(ctx)
  const valid = validInput(schema, input)
  return (typeof code === 'function' ? code : code.run)(valid, ctx)
}

/** The input as the action's schema leaves it, or 1001 naming the first field that fails (`cardList[0].code`). */
function validInput<A extends ActionSchema>(schema: A, input: Record<string, unknown>): Valid<A> {
  const r = v.safeParse(schema.input, input, { abortEarly: true })
  if (r.success) return r.output
  const issue = r.issues[0]
  const path = issue.path ?? []
  const name = path.map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')
  // A required field left out is reported by its object (`Invalid key`): say what the field must be instead.
  const missing = issue.type === 'object' && issue.input === undefined && path.length > 0
  throw invalid(name.replace(/^\./, '') || 'event', missing ? fieldRule(schema.input, path) : issue.message)
}

/** The rule of the field at `path`, in its own words (what it says of a value left out). */
function fieldRule(root: v.GenericSchema, path: readonly v.IssuePathItem[]): string {
  let at: unknown = root
  for (const p of path) {
    while (at && typeof at === 'object' && 'wrapped' in at) at = at.wrapped
    if (at && typeof at === 'object' && 'entries' in at && p.type === 'object') at = (at.entries as Record<string, unknown>)[String(p.key)]
    else if (at && typeof at === 'object' && 'item' in at && p.type === 'array') at = at.item
  }
  const r = v.safeParse(at as v.GenericSchema, undefined)
  return r.success ? 'is required' : r.issues[0].message
}

function safeCaller(): CallerIdentity | undefined {
  try {
    return callerIdentity()
  } catch {
    return undefined
  }
}
