// cloudbaserc.json, the CloudBase CLI's project file (docs.cloudbase.net/cli-v1/config and
// cli-v1/functions/configs): the one place that says how each function runs in the cloud (runtime,
// timeout, memory, variable names, fixed egress IP, timer triggers) and which HTTP route reaches it
// (gateway.routes, cli-v1/http-gateway/gateway). `npm run deploy`, the build (each function's config.json) and the local
// cloud all read it through this module.
//
// Variable values are never in the file: each is `{{env.NAME}}`, the CLI's 2.0 dynamic variable (the
// CLI fills it from .env / .env.local / .env.<mode>; `npm run deploy` from the process environment).
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseCron } from '../../emulator/cloud/cron'

export const CLOUDBASERC = join(__dirname, '..', '..', 'cloudbaserc.json')

/**
 * A function's timeout when none is configured: 3 s, Cloud Development's default (WeChat's cloud
 * function docs; /work/shared/reference/README.md "Cloud functions: default timeout 3 s" and "Deploying
 * to Cloud Development"). Functions created by the CLI without a timeout get the CLI's own default (5 s,
 * cli-v1/functions/configs), which is why every function here states its timeout.
 */
export const DEFAULT_TIMEOUT_S = 3
/** SCF's default memory, and the CLI's (cli-v1/functions/configs: 256). */
export const DEFAULT_MEMORY_MB = 256
/** The CLI's documented range and choices (cli-v1/functions/configs: timeout 1-60, memorySize 128…2048). */
const TIMEOUT_RANGE = [1, 60] as const
const MEMORY_SIZES = [128, 256, 512, 1024, 2048]

export interface TimerTrigger {
  name: string
  type: 'timer'
  /** 7-field cron: second minute hour day month weekday year */
  config: string
}

type Switch = 'ENABLE' | 'DISABLE'

/**
 * A function's public network access and fixed egress IP (固定出口 IP), in SCF's own terms
 * (CreateFunction / UpdateFunctionConfiguration PublicNetConfig: PublicNetStatus, EipConfig.EipStatus).
 * manager-node passes `publicNetConfig` through to both calls (AUTO_CONVERT_FIELDS and
 * UPDATE_CONFIG_FIELDS in lib/function/index.js; test/unit/manager-node-functions.test.ts).
 */
export interface PublicNetConfig {
  PublicNetStatus: Switch
  EipConfig: { EipStatus: Switch }
}

/**
 * A variable whose function may fetch the Service Account's access_token: WeChat gives one only to an
 * address on the account's API IP whitelist (40164 otherwise), so such a function needs a fixed egress IP.
 */
export const TOKEN_VARIABLE = 'WX_SA_SECRET'

export interface FunctionDecl {
  name: string
  description?: string
  runtime: string
  handler: string
  installDependency: boolean
  timeout: number
  memorySize: number
  /** absent: the platform's default (public network on, no fixed egress IP) */
  publicNetConfig?: PublicNetConfig
  /** variable name → `{{env.NAME}}` */
  envVariables: Record<string, string>
  triggers: TimerTrigger[]
}

export interface RouteDecl {
  path: string
  /** `function:<name>` */
  target: string
}

export interface CloudbaseRc {
  /** the file it was read from */
  file: string
  /** `{{env.TCB_ENV_ID}}` */
  envId: string
  /** absolute */
  functionRoot: string
  functions: FunctionDecl[]
  routes: RouteDecl[]
}

type Json = Record<string, unknown>

const TEMPLATE = /^\{\{env\.([A-Z][A-Z0-9_]*)\}\}$/

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`)
}

const SWITCH = ['ENABLE', 'DISABLE']

function readPublicNet(file: string, name: string, raw: unknown): PublicNetConfig | undefined {
  if (raw === undefined) return undefined
  const at = `${name}.publicNetConfig`
  const cfg = raw as { PublicNetStatus?: unknown; EipConfig?: { EipStatus?: unknown } } | null
  if (cfg === null || typeof cfg !== 'object') fail(file, `${at} must be {PublicNetStatus, EipConfig: {EipStatus}}`)
  if (!SWITCH.includes(cfg.PublicNetStatus as string)) fail(file, `${at}.PublicNetStatus must be "ENABLE" or "DISABLE"`)
  if (!SWITCH.includes(cfg.EipConfig?.EipStatus as string)) fail(file, `${at}.EipConfig.EipStatus must be "ENABLE" or "DISABLE"`)
  // "只有云函数开启公网访问的时候，该能力才能生效" (固定出口 IP, cloud.tencent.com/document/product/876/19360)
  if (cfg.EipConfig!.EipStatus === 'ENABLE' && cfg.PublicNetStatus !== 'ENABLE')
    fail(file, `${at}: a fixed egress IP (EipStatus "ENABLE") works only with public network access (PublicNetStatus "ENABLE")`)
  return { PublicNetStatus: cfg.PublicNetStatus as Switch, EipConfig: { EipStatus: cfg.EipConfig!.EipStatus as Switch } }
}

function readFunction(file: string, raw: Json, i: number): FunctionDecl {
  const at = `functions[${i}]`
  const name = raw.name
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name)) fail(file, `${at}.name must be a function name`)
  const timeout = raw.timeout ?? DEFAULT_TIMEOUT_S
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < TIMEOUT_RANGE[0] || timeout > TIMEOUT_RANGE[1]) {
    fail(file, `${name}.timeout must be whole seconds in ${TIMEOUT_RANGE.join('-')}`)
  }
  const memorySize = raw.memorySize ?? DEFAULT_MEMORY_MB
  if (typeof memorySize !== 'number' || !MEMORY_SIZES.includes(memorySize))
    fail(file, `${name}.memorySize must be one of ${MEMORY_SIZES.join(', ')}`)
  const vars = (raw.envVariables ?? {}) as Json
  for (const [k, v] of Object.entries(vars)) {
    // A literal value would be a value stored in the repository: only templates are allowed.
    if (typeof v !== 'string' || TEMPLATE.exec(v)?.[1] !== k)
      fail(file, `${name}.envVariables.${k} must be "{{env.${k}}}" (values come from the environment at deploy time)`)
  }
  const triggers = ((raw.triggers ?? []) as Json[]).map((t, j) => {
    if (t.type !== 'timer' || typeof t.name !== 'string' || typeof t.config !== 'string')
      fail(file, `${name}.triggers[${j}] must be {name, type: "timer", config}`)
    parseCron(t.config) // throws with the reason
    return { name: t.name, type: 'timer' as const, config: t.config }
  })
  // "one trigger per function" (reference README, Cloud functions)
  if (triggers.length > 1) fail(file, `${name} declares ${triggers.length} triggers; a function has at most one`)
  const publicNetConfig = readPublicNet(file, name, raw.publicNetConfig)
  if (TOKEN_VARIABLE in vars && publicNetConfig?.EipConfig.EipStatus !== 'ENABLE')
    fail(
      file,
      `${name} holds ${TOKEN_VARIABLE}, so it may fetch the access_token, which WeChat gives only to addresses on the ` +
        `Service Account's IP whitelist: it needs a fixed egress IP, ` +
        `"publicNetConfig": {"PublicNetStatus": "ENABLE", "EipConfig": {"EipStatus": "ENABLE"}}`,
    )
  return {
    name,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    runtime: typeof raw.runtime === 'string' ? raw.runtime : fail(file, `${name}.runtime is required`),
    handler: typeof raw.handler === 'string' ? raw.handler : 'index.main',
    installDependency: raw.installDependency === true,
    timeout,
    memorySize,
    envVariables: vars as Record<string, string>,
    ...(publicNetConfig ? { publicNetConfig } : {}),
    triggers,
  }
}

export function readCloudbaserc(file = CLOUDBASERC): CloudbaseRc {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Json
  if (raw.version !== '2.0') fail(file, 'version must be "2.0" (the CLI fills {{env.*}} only in 2.0 files)')
  if (typeof raw.envId !== 'string') fail(file, 'envId is required')
  if (typeof raw.functionRoot !== 'string') fail(file, 'functionRoot is required')
  const functions = ((raw.functions ?? []) as Json[]).map((f, i) => readFunction(file, f, i))
  const names = new Set(functions.map((f) => f.name))
  if (names.size !== functions.length) fail(file, 'a function is declared twice')
  const routes = (((raw.gateway as Json | undefined)?.routes ?? []) as Json[]).map((r, i) => {
    const target = /^function:(.+)$/.exec(String(r.target))?.[1]
    if (typeof r.path !== 'string' || !r.path.startsWith('/')) fail(file, `gateway.routes[${i}].path must start with /`)
    if (!target || !names.has(target)) fail(file, `gateway.routes[${i}].target must be function:<a declared function>`)
    return { path: r.path, target: r.target as string }
  })
  return { file, envId: raw.envId, functionRoot: resolve(dirname(file), raw.functionRoot), functions, routes }
}

/** The function a route reaches. */
export const routeFunction = (r: RouteDecl): string => r.target.slice('function:'.length)

/** How the platform runs a function: its declaration, or the platform's defaults when it has none. */
export function runSettings(
  rc: CloudbaseRc | undefined,
  name: string,
): { timeout: number; memorySize: number; triggers: TimerTrigger[]; declared: boolean } {
  const f = rc?.functions.find((d) => d.name === name)
  return f
    ? { timeout: f.timeout, memorySize: f.memorySize, triggers: f.triggers, declared: true }
    : { timeout: DEFAULT_TIMEOUT_S, memorySize: DEFAULT_MEMORY_MB, triggers: [], declared: false }
}

/** The environment variable a `{{env.NAME}}` template names. */
export const templateName = (template: string): string => TEMPLATE.exec(template)![1]!

/** The environment id the file names, filled from `env`. */
export function resolveEnvId(rc: CloudbaseRc, env: NodeJS.ProcessEnv): string {
  const m = TEMPLATE.exec(rc.envId)
  return m ? (env[m[1]!] ?? '') : rc.envId
}
