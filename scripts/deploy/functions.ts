// Functions, their timer triggers and the HTTP access routes, deployed with @cloudbase/manager-node as
// cloudbaserc.json declares them. createFunction with force creates a function or, when it exists,
// updates its code and configuration (timeout, memory, variables: the variables are replaced as a whole;
// public network and fixed egress IP). The fixed egress address the functions report is printed: the
// Service Account's API IP whitelist needs it.
// Triggers and routes are read first and made only when missing or different, so a second deploy does
// not trip over the ones the first made. What would make the deployed product not work is checked before
// the first upload, and stops the deploy with what to do: the HTTP access service switched off, a
// function that exists with another runtime.
import type CloudBase from '@cloudbase/manager-node'
import type { ICloudFunction } from '@cloudbase/manager-node/types/interfaces'
import {
  resolveEnvId,
  routeFunction,
  templateName,
  type CloudbaseRc,
  type FunctionDecl,
  type PublicNetConfig,
  type TimerTrigger,
} from './cloudbaserc'

type FunctionService = Pick<
  CloudBase['functions'],
  'getFunctionDetail' | 'createFunction' | 'createFunctionTriggers' | 'deleteFunctionTrigger'
>
type AccessService = Pick<CloudBase['access'], 'getAccessList' | 'createAccess'>

/** The manager-node services the function half of a deploy calls (app.functions and app.access). */
export interface FunctionDeployApi {
  functions: FunctionService
  access: AccessService
}

/** A reason not to deploy, found before anything was changed. */
export class DeployStopped extends Error {}

/** The function's variables with their values from `env`; unset optional ones are left out (the code's default applies). */
export function variableValues(f: FunctionDecl, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of Object.values(f.envVariables)) {
    const name = templateName(t)
    const v = env[name]
    if (v) out[name] = v
  }
  return out
}

/** SCF reports a timer's cron in TriggerDesc, as the cron or as {"cron": …}. */
function cronOf(desc: string): string {
  try {
    const parsed = JSON.parse(desc) as { cron?: string }
    return parsed.cron ?? desc
  } catch {
    return desc
  }
}

async function ensureTriggers(
  fns: FunctionService,
  f: FunctionDecl,
  existing: { TriggerName: string; Type: string; TriggerDesc: string }[],
  log: (l: string) => void,
): Promise<void> {
  const missing: TimerTrigger[] = []
  for (const t of f.triggers) {
    const have = existing.find((e) => e.TriggerName === t.name)
    if (have && have.Type === 'timer' && cronOf(have.TriggerDesc) === t.config) continue
    if (have) await fns.deleteFunctionTrigger(f.name, t.name)
    missing.push(t)
  }
  if (missing.length) {
    await fns.createFunctionTriggers(f.name, missing)
    for (const t of missing) log(`  + trigger ${f.name}/${t.name} "${t.config}"`)
  }
}

async function ensureRoute(access: AccessService, path: string, fn: string, log: (l: string) => void): Promise<void> {
  const { APISet } = await access.getAccessList({ name: fn })
  if ((APISet ?? []).some((a) => a.Path === path && a.Name === fn)) return
  await access.createAccess({ name: fn, path })
  log(`  + route ${path} → ${fn}`)
}

/**
 * The HTTP access service has a global switch (云开发控制台 → 环境管理 → HTTP 访问服务, at the top of the
 * page; "开启后方可使用相关功能": cloud.tencent.com/document/product/876/130728). While it is off no route
 * answers, so WeChat's pushes never reach wxpush. DescribeCloudBaseGWAPI reports it as EnableService.
 */
async function checkHttpAccess(access: AccessService, rc: CloudbaseRc, envId: string): Promise<void> {
  const first = rc.routes[0]
  if (!first) return
  const { EnableService } = await access.getAccessList({ name: routeFunction(first) })
  if (EnableService !== false) return
  const routes = rc.routes.map((r) => `${r.path} → ${routeFunction(r)}`).join(', ')
  throw new DeployStopped(
    `the HTTP access service (HTTP 访问服务) of ${envId} is switched off, so no route answers (${routes}): ` +
      `WeChat's pushes to the Service Account's server URL would never reach wxpush. Turn it on in ` +
      `云开发控制台 → 环境管理 → HTTP 访问服务 (the switch at the top of the page), then run npm run deploy again ` +
      `(docs/deploy.md 6.3).`,
  )
}

/** GetFunction's two "函数不存在" error codes (SCF API 3.0, GetFunction). */
const isMissing = (err: unknown): boolean => /^ResourceNotFound\.Function(Name)?$/.test(String((err as { code?: unknown })?.code))

/** The runtime of the function as it exists in the cloud; undefined when there is no such function. */
async function cloudRuntime(fns: FunctionService, name: string): Promise<string | null | undefined> {
  try {
    return (await fns.getFunctionDetail(name)).Runtime ?? null
  } catch (err) {
    if (isMissing(err)) return undefined
    throw err
  }
}

/**
 * createFunction with force updates an existing function's code and configuration, and its configuration
 * update cannot carry the runtime: "Runtime, Handler, Code, Type, ProtocolType 只能在 CreateFunction 时指定"
 * (manager-node lib/function/index.js, updateFunctionConfig; SCF's UpdateFunctionConfiguration has no
 * Runtime). A function made earlier with another runtime would keep it, and the bundles refuse to start on
 * a runtime older than the one declared. The deploy does not delete functions: the merchant does, knowingly.
 */
async function checkRuntimes(fns: FunctionService, rc: CloudbaseRc): Promise<void> {
  const wrong: string[] = []
  for (const f of rc.functions) {
    const have = await cloudRuntime(fns, f.name)
    // GetFunction may report no runtime ("此字段可能返回 null"): nothing to compare then.
    if (have && have !== f.runtime) wrong.push(`${f.name}: ${have} in the cloud, cloudbaserc.json says ${f.runtime}`)
  }
  if (!wrong.length) return
  const names = wrong.map((w) => w.slice(0, w.indexOf(':')))
  throw new DeployStopped(
    `${wrong.length === 1 ? 'a function exists' : `${wrong.length} functions exist`} with another runtime than ` +
      `cloudbaserc.json declares, and CloudBase sets a function’s runtime only when it creates the function (an ` +
      `update keeps the old one):\n${wrong.map((w) => `  ${w}\n`).join('')}` +
      `Delete ${names.map((n) => `${n} (云开发控制台 → 云函数 → ${n} → 删除)`).join(', ')} in the console, ` +
      `then run npm run deploy again: it creates ${names.length === 1 ? 'it' : 'them'} with the declared runtime, ` +
      `variables, trigger and route (docs/deploy.md 6, "A function made with another runtime").`,
  )
}

export async function deployFunctions(
  cloud: FunctionDeployApi,
  rc: CloudbaseRc,
  env: NodeJS.ProcessEnv,
  log: (l: string) => void,
): Promise<void> {
  await checkHttpAccess(cloud.access, rc, resolveEnvId(rc, env))
  await checkRuntimes(cloud.functions, rc)
  /** fixed egress address → the functions that report it */
  const egress = new Map<string, string[]>()
  const noAddress: string[] = []
  for (const f of rc.functions) {
    log(`  function ${f.name}: uploading ${rc.functionRoot}/${f.name}`)
    // publicNetConfig is not in manager-node's ICloudFunction type, but its createFunction and
    // updateFunctionConfig pass it on as SCF's PublicNetConfig (cloudbaserc.ts PublicNetConfig).
    const func: ICloudFunction & { publicNetConfig?: PublicNetConfig } = {
      name: f.name,
      description: f.description,
      runtime: f.runtime,
      handler: f.handler,
      installDependency: f.installDependency,
      timeout: f.timeout,
      memorySize: f.memorySize,
      envVariables: variableValues(f, env),
      ...(f.publicNetConfig ? { publicNetConfig: f.publicNetConfig } : {}),
    }
    await cloud.functions.createFunction({ func, functionRootPath: rc.functionRoot, force: true })
    const detail = await cloud.functions.getFunctionDetail(f.name)
    await ensureTriggers(cloud.functions, f, detail.Triggers ?? [], log)
    if (f.publicNetConfig?.EipConfig.EipStatus === 'ENABLE') {
      const addresses = detail.PublicNetConfig?.EipConfig?.EipAddress ?? []
      if (!addresses.length) noAddress.push(f.name)
      for (const a of addresses) egress.set(a, [...(egress.get(a) ?? []), f.name])
    }
  }
  for (const r of rc.routes) await ensureRoute(cloud.access, r.path, routeFunction(r), log)
  // Functions with a fixed egress IP share one address per environment (876/19360 固定出口 IP): the one
  // the Service Account's API IP whitelist needs.
  if (egress.size) {
    const list = [...egress.keys()]
    log(
      `fixed egress IP of the functions: ${list.join(', ')} — the Service Account's API IP whitelist must list ` +
        `${list.length === 1 ? 'it' : 'them all'} (docs/deploy.md 6.2)`,
    )
  }
  if (noAddress.length)
    log(
      `! ${noAddress.join(', ')}: a fixed egress IP is declared but CloudBase reports no address yet; see ` +
        `云开发控制台 → 云函数 → the function → 函数配置 → 固定出口 IP, and run npm run deploy again later`,
    )
}
