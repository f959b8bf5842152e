// Functions, their timer triggers and the HTTP access routes, deployed with @cloudbase/manager-node as
// cloudbaserc.json declares them. createFunction with force creates a function or, when it exists,
// updates its code and configuration (timeout, memory, variables: the variables are replaced as a whole).
// Triggers and routes are read first and made only when missing or different, so a second deploy does
// not trip over the ones the first made. What would make the deployed product not work is checked before
// the first upload, and stops the deploy with what to do: the HTTP access service switched off.
import type CloudBase from '@cloudbase/manager-node'
import { resolveEnvId, routeFunction, templateName, type CloudbaseRc, type FunctionDecl, type TimerTrigger } from './cloudbaserc'

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

async function ensureTriggers(fns: FunctionService, f: FunctionDecl, log: (l: string) => void): Promise<void> {
  const existing = (await fns.getFunctionDetail(f.name)).Triggers ?? []
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

export async function deployFunctions(
  cloud: FunctionDeployApi,
  rc: CloudbaseRc,
  env: NodeJS.ProcessEnv,
  log: (l: string) => void,
): Promise<void> {
  await checkHttpAccess(cloud.access, rc, resolveEnvId(rc, env))
  for (const f of rc.functions) {
    log(`  function ${f.name}: uploading ${rc.functionRoot}/${f.name}`)
    await cloud.functions.createFunction({
      func: {
        name: f.name,
        description: f.description,
        runtime: f.runtime,
        handler: f.handler,
        installDependency: f.installDependency,
        timeout: f.timeout,
        memorySize: f.memorySize,
        envVariables: variableValues(f, env),
      },
      functionRootPath: rc.functionRoot,
      force: true,
    })
    await ensureTriggers(cloud.functions, f, log)
  }
  for (const r of rc.routes) await ensureRoute(cloud.access, r.path, routeFunction(r), log)
}
