// Settings come from the cloud function's environment variables (set in the Cloud Development console in
// production, from .env locally). Secrets are read here and nowhere else, and never leave the server.
import { AppError, ErrCode } from './errors'

export interface ServerConfig {
  saAppid: string
  saSecret: string
  mpAppid: string
  apiBase: string
  pushToken: string
  pushAesKey: string
  pushMode: 'plain' | 'compat' | 'safe'
  merchantAdminOpenids: string[]
  /** Cloud Pay sub-merchant number (WX_PAY_SUBMCH_ID) */
  paySubMchId: string
  /** consume a card spent to zero with card/code/consume (CONSUME_ON_ZERO=1) */
  consumeOnZero: boolean
  /** per-request timeout for WeChat's API (WX_API_TIMEOUT_MS, default 5000) */
  apiTimeoutMs: number
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name]
  if (!v) throw new AppError(ErrCode.INTERNAL, `the function is not configured: environment variable ${name} is not set`)
  return v
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const mode = env.WX_PUSH_MODE ?? 'safe'
  if (mode !== 'plain' && mode !== 'compat' && mode !== 'safe') {
    throw new AppError(ErrCode.INTERNAL, `WX_PUSH_MODE must be plain, compat or safe, got ${mode}`)
  }
  return {
    saAppid: need(env, 'WX_SA_APPID'),
    saSecret: need(env, 'WX_SA_SECRET'),
    mpAppid: env.WX_MP_APPID ?? '',
    apiBase: (env.WX_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    pushToken: env.WX_PUSH_TOKEN ?? '',
    pushAesKey: env.WX_PUSH_AES_KEY ?? '',
    pushMode: mode,
    merchantAdminOpenids: (env.MERCHANT_ADMIN_OPENIDS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    paySubMchId: env.WX_PAY_SUBMCH_ID ?? '',
    consumeOnZero: env.CONSUME_ON_ZERO === '1' || env.CONSUME_ON_ZERO === 'true',
    apiTimeoutMs: Number(env.WX_API_TIMEOUT_MS) > 0 ? Number(env.WX_API_TIMEOUT_MS) : 5000,
  }
}
