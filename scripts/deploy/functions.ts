// Functions, their timer triggers and the HTTP access routes, deployed with @cloudbase/manager-node as
// cloudbaserc.json declares them. createFunction with force creates a function or, when it exists,
// updates its code and configuration (timeout, memory, variables: the variables are replaced as a whole).
// Triggers and routes are read first and made only when missing or different, so a second deploy does
// not trip over the ones the first made.
import type CloudBase from '@cloudbase/manager-node'
import { routeFunction, templateName, type CloudbaseRc, type FunctionDecl, type TimerTrigger } from './cloudbaserc'

type FunctionService = CloudBase['functions']
type AccessService = CloudBase['access']

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

export async function deployFunctions(app: CloudBase, rc: CloudbaseRc, env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  for (const f of rc.functions) {
    log(`  function ${f.name}: uploading ${rc.functionRoot}/${f.name}`)
    await app.functions.createFunction({
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
    await ensureTriggers(app.functions, f, log)
  }
  for (const r of rc.routes) await ensureRoute(app.access, r.path, routeFunction(r), log)
}
