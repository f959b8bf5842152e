// `{action: 'ping'}`: every function's answer to merchant.selfCheck, which cannot read another
// function's environment variables (each function sees only its own). A function answers with the
// names of the required variables it lacks (server/config.ts requiredSettings), never a value, and only
// to another function of its environment: SOURCE ending in `scf` (getWXContext 使用说明: a function called
// from a function gets the chain with `,scf` added), which a Mini Program cannot forge.
import { missingSettings, type FunctionName } from '../config'
import { ErrCode } from '../errors'
import { callCloudFunction, type CallerIdentity } from './wx-cloud'

export const PING = 'ping'

export interface PingReply {
  errcode: number
  errmsg?: string
  fn?: string
  /** required variables this function lacks */
  missing?: string[]
}

export function isPing(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { action?: unknown }).action === PING
}

const calledByFunction = (source: string | undefined) => (source ?? '').split(',').pop() === 'scf'

/** The answer of function `fn` to a ping from `caller`. */
export function answerPing(fn: FunctionName, caller: CallerIdentity, env: NodeJS.ProcessEnv = process.env): PingReply {
  if (!calledByFunction(caller.source))
    return { errcode: ErrCode.FORBIDDEN, errmsg: `${fn}.ping answers only another function of its environment` }
  return { errcode: 0, fn, missing: missingSettings(fn, env) }
}

/** Pings function `fn` from this one: its missing variables, or why it could not answer. */
export async function pingFunction(fn: FunctionName): Promise<{ missing: string[] } | { error: string }> {
  try {
    const r = (await callCloudFunction(fn, { action: PING })) as PingReply | null
    if (r && r.errcode === 0 && Array.isArray(r.missing)) return { missing: r.missing }
    return { error: r?.errmsg ?? `unexpected reply ${JSON.stringify(r)}` }
  } catch (err) {
    const e = err as { errCode?: number; errMsg?: string; message?: string }
    return { error: `${e.errCode ?? ''} ${e.errMsg ?? e.message ?? String(err)}`.trim() }
  }
}
