// The one file that loads wx-server-sdk. Everything else in server/ sees the cloud through the narrow
// functions exported here. The bundle requires the real package unchanged, in the deployed function and
// in the local cloud alike (whose CloudBase API the SDK reaches through TCB_CONTEXT_CNFG).
import type {
  CloudPayQueryRefund,
  CloudPayRefund,
  CloudPayUnifiedOrder,
  OpenApiBuffer,
  WxacodeUnlimitedRequest,
  WxDatabase,
  WxServerSdk,
} from './wx-server-sdk'

// The package ships no type declarations; wx-server-sdk.ts types the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxServerSdk

let initialised = false

function ensureInit(): void {
  if (initialised) return
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
  initialised = true
}

export interface CallerIdentity {
  /** Mini Program openid of the caller; absent for timer triggers and HTTP access. */
  openid?: string
  appid?: string
  unionid?: string
  /** what invoked the function: wx_client (the Mini Program), wx_devtools, wx_http, a trigger, Cloud Pay… */
  source?: string
}

/** getWXContext() turns all-digit values into numbers; identities are strings. */
const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v))

/** The caller as the cloud context states it (read at call time from this invocation's environment). Never taken from the event. */
export function callerIdentity(): CallerIdentity {
  ensureInit()
  const ctx = cloud.getWXContext()
  return { openid: str(ctx.OPENID), appid: str(ctx.APPID), unionid: str(ctx.UNIONID), source: str(ctx.SOURCE) }
}

export function cloudDatabase(): WxDatabase {
  ensureInit()
  return cloud.database()
}

/**
 * 云调用 wxacode.getUnlimited: a Mini Program code's image. The function's config.json must permit it
 * (permissions.openapi); a refusal rejects with the SDK's errCode (-604101 without the permission, WeChat's
 * errcode such as 41030 or 40169 otherwise).
 */
export function wxacodeGetUnlimited(req: WxacodeUnlimitedRequest): Promise<OpenApiBuffer> {
  ensureInit()
  return cloud.openapi.wxacode.getUnlimited(req)
}

/** Cloud Pay's unifiedOrder (the function must be deployed with Cloud Pay enabled). */
export function cloudPayUnifiedOrder(req: CloudPayUnifiedOrder): Promise<Record<string, unknown>> {
  ensureInit()
  return cloud.cloudPay.unifiedOrder(req)
}

/** Cloud Pay's refund (idempotent on outRefundNo). */
export function cloudPayRefund(req: CloudPayRefund): Promise<Record<string, unknown>> {
  ensureInit()
  return cloud.cloudPay.refund(req)
}

/** Cloud Pay's queryRefund: a refund's state as WeChat Pay reports it. */
export function cloudPayQueryRefund(req: CloudPayQueryRefund): Promise<Record<string, unknown>> {
  ensureInit()
  return cloud.cloudPay.queryRefund(req)
}

/**
 * The Cloud Development environment id the function runs in: the context's ENV, else the function's own
 * environment — TCB_ENV, or SCF_NAMESPACE (a function's SCF namespace is its environment id). wx-server-sdk's
 * getWXContext() fills ENV from those two only while WX_CONTEXT_KEYS is set, and answers an empty context
 * without it, as a timer-triggered invocation can (issue 23): Cloud Pay's envId must never be empty.
 */
export function currentEnvId(env: NodeJS.ProcessEnv = process.env): string {
  ensureInit()
  return str(cloud.getWXContext().ENV) ?? str(env.TCB_ENV) ?? str(env.SCF_NAMESPACE) ?? ''
}

/**
 * Calls another function of this environment (cloud.callFunction). The callee sees this invocation's
 * caller with `,scf` added to its SOURCE (getWXContext, 使用说明: "小程序调用云函数 A，再在云函数 A 内调用云函数 B
 * … B 内获得的 SOURCE 为 wx_client,scf"). Rejects as the SDK does when the function is missing or fails.
 */
export async function callCloudFunction(name: string, data: Record<string, unknown>): Promise<unknown> {
  ensureInit()
  return (await cloud.callFunction({ name, data })).result
}
