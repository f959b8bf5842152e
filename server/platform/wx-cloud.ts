// The one file that imports wx-server-sdk. Everything else in server/ sees the cloud through the
// narrow functions exported here, so it runs unchanged in the deployed function and in the local
// cloud runtime (which provides its own wx-server-sdk module to the bundles it loads).
import cloud from 'wx-server-sdk'

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

/** The caller as the cloud context states it. Never taken from the event. */
export function callerIdentity(): CallerIdentity {
  ensureInit()
  const ctx = cloud.getWXContext()
  return {
    openid: ctx.OPENID || undefined,
    appid: ctx.APPID || undefined,
    unionid: ctx.UNIONID || undefined,
    source: ctx.SOURCE || undefined,
  }
}

export function cloudDatabase(): cloud.Database {
  ensureInit()
  return cloud.database()
}

/** Cloud Pay's unifiedOrder (the function must be deployed with Cloud Pay enabled). */
export function cloudPayUnifiedOrder(req: cloud.CloudPayUnifiedOrder): Promise<Record<string, unknown>> {
  ensureInit()
  return cloud.cloudPay.unifiedOrder(req)
}

/** Cloud Pay's refund (idempotent on outRefundNo). */
export function cloudPayRefund(req: cloud.CloudPayRefund): Promise<Record<string, unknown>> {
  ensureInit()
  return cloud.cloudPay.refund(req)
}

/** The Cloud Development environment id the function runs in. */
export function currentEnvId(): string {
  ensureInit()
  return cloud.getWXContext().ENV ?? ''
}
