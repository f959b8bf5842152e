// Settings come from the cloud function's environment variables (set in the Cloud Development console in
// production, from .env locally). Secrets are read here and nowhere else, and never leave the server.
import { createHmac } from 'node:crypto'
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
  /** the key list cursors are signed with (cursor.ts): derived from WX_SA_SECRET under its own label */
  cursorKey: Buffer
  /** the key people's aliases are derived with (domain/cards/people.ts): from WX_SA_SECRET under its own label */
  personKey: Buffer
}

/**
 * A key of its own for list cursors, derived from the Service Account's AppSecret (the one secret every
 * function has) with HMAC-SHA256 under a label, so that a cursor's signature reveals nothing usable
 * elsewhere and no new variable must be set. Resetting the AppSecret invalidates the cursors then open
 * (their lists start again from the first page); WX_PUSH_TOKEN is not used: it is not secret from WeChat's
 * side and is shared with the push configuration page.
 */
function cursorKeyOf(saSecret: string): Buffer {
  return createHmac('sha256', saSecret).update('gift-card list cursor v1').digest()
}

/**
 * The key of the aliases the console names people by (顾客·7F3A), derived as cursorKeyOf is, under another
 * label: without the AppSecret an alias cannot be traced back to an openid, even by trying every openid.
 */
function personKeyOf(saSecret: string): Buffer {
  return createHmac('sha256', saSecret).update('gift-card person alias v1').digest()
}

/**
 * The key spend hints are sealed with (domain/cards/spend-hint.ts), derived as cursorKeyOf is, under its own
 * label; undefined in a process without WX_SA_SECRET (a hint is advice: spends then go without it). Derived
 * once per secret: every card view asks for it.
 */
export function spendHintKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const saSecret = env.WX_SA_SECRET
  if (!saSecret) return undefined
  if (hintKeyFor?.secret !== saSecret)
    hintKeyFor = { secret: saSecret, key: createHmac('sha256', saSecret).update('gift-card spend hint v1').digest() }
  return hintKeyFor.key
}
let hintKeyFor: { secret: string; key: Buffer } | undefined

const PUSH_MODES: readonly string[] = ['plain', 'compat', 'safe']
const isPushMode = (m: string): m is ServerConfig['pushMode'] => PUSH_MODES.includes(m)

/** MERCHANT_ADMIN_OPENIDS: the owners, readable even when the function lacks its other settings. */
export function ownerOpenids(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.MERCHANT_ADMIN_OPENIDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name]
  if (!v) throw new AppError(ErrCode.INTERNAL, `the function is not configured: environment variable ${name} is not set`)
  return v
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const mode = env.WX_PUSH_MODE ?? 'safe'
  if (!isPushMode(mode)) {
    throw new AppError(ErrCode.INTERNAL, `WX_PUSH_MODE must be plain, compat or safe, got ${mode}`)
  }
  const saSecret = need(env, 'WX_SA_SECRET')
  return {
    saAppid: need(env, 'WX_SA_APPID'),
    saSecret,
    mpAppid: env.WX_MP_APPID ?? '',
    apiBase: (env.WX_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    pushToken: env.WX_PUSH_TOKEN ?? '',
    pushAesKey: env.WX_PUSH_AES_KEY ?? '',
    pushMode: mode,
    merchantAdminOpenids: ownerOpenids(env),
    paySubMchId: env.WX_PAY_SUBMCH_ID ?? '',
    consumeOnZero: env.CONSUME_ON_ZERO === '1' || env.CONSUME_ON_ZERO === 'true',
    apiTimeoutMs: Number(env.WX_API_TIMEOUT_MS) > 0 ? Number(env.WX_API_TIMEOUT_MS) : 5000,
    cursorKey: cursorKeyOf(saSecret),
    personKey: personKeyOf(saSecret),
  }
}

/** The seven cloud functions (cloudfunctions/): each sees only its own environment variables. */
export const FUNCTION_NAMES = ['card', 'pay', 'gift', 'member', 'merchant', 'cron', 'wxpush'] as const
export type FunctionName = (typeof FUNCTION_NAMES)[number]

/** Every function calls the Service Account's API (loadConfig needs both). */
const EVERY_FUNCTION = ['WX_SA_APPID', 'WX_SA_SECRET']
/** Functions that decide merchant roles (card.whoami opens the console, merchant checks every action). */
const ROLES = ['MERCHANT_ADMIN_OPENIDS']
/** Functions that call Cloud Pay (cloudPayGateway): orders, recharges, refunds, the cron's late refunds. */
const PAY = ['WX_PAY_SUBMCH_ID']

/**
 * The variables a function cannot work without, by what it does; optional ones (timeouts, expiries,
 * CONSUME_ON_ZERO, WX_MP_APPID) have defaults. wxpush needs the push Token always and the
 * EncodingAESKey unless WX_PUSH_MODE is plain.
 */
export function requiredSettings(fn: FunctionName, env: NodeJS.ProcessEnv = process.env): string[] {
  switch (fn) {
    case 'card':
      return [...EVERY_FUNCTION, ...ROLES]
    case 'merchant':
      return [...EVERY_FUNCTION, ...ROLES, ...PAY]
    case 'pay':
    case 'member':
    case 'cron':
      return [...EVERY_FUNCTION, ...PAY]
    case 'gift':
      return EVERY_FUNCTION
    case 'wxpush':
      return [...EVERY_FUNCTION, 'WX_PUSH_TOKEN', ...(env.WX_PUSH_MODE === 'plain' ? [] : ['WX_PUSH_AES_KEY'])]
  }
}

/** The required variables `fn` lacks in `env` (names only: values never leave the function). */
export function missingSettings(fn: FunctionName, env: NodeJS.ProcessEnv = process.env): string[] {
  const missing = requiredSettings(fn, env).filter((name) => !env[name])
  // As loadConfig reads it: absent means safe; anything else must be one of the three.
  const mode = env.WX_PUSH_MODE
  if (mode !== undefined && !isPushMode(mode)) missing.push('WX_PUSH_MODE')
  return missing
}
