// A stand-in for the part of @cloudbase/manager-node's FunctionService that `npm run deploy` calls
// (scripts/deploy/functions.ts), over an SCF namespace held in memory. manager-node sends function calls
// to the scf service (scf.tencentcloudapi.com), which unlike tcb has no endpoint override, so the deploy's
// function half cannot be pointed at the local cloud; tests give deployFunctions this instead, next to
// the real access service talking to the local cloud's /__tcb.
//
// What it keeps to is what manager-node and SCF do, as read in manager-node's lib/function/index.js and
// SCF's API 3.0 docs:
// - getFunctionDetail (GetFunction) of a missing function fails with a CloudBaseError whose code is
//   ResourceNotFound.FunctionName (one of GetFunction's two "函数不存在" codes);
// - createFunction without force fails on an existing function; with force it updates the code and the
//   configuration (updateFunctionConfig: timeout, memory, variables as a whole, publicNetConfig) and keeps
//   the runtime, which only CreateFunction sets;
// - a new function's runtime is func.runtime, or manager-node's default Nodejs20.19 (configToParams);
// - publicNetConfig reaches SCF as PublicNetConfig, its keys PascalCased (toPascalCaseKeys); a function
//   with EipStatus ENABLE is given the namespace's fixed egress address (shared by every such function,
//   876/19360 固定出口 IP), reported in GetFunction's PublicNetConfig.EipConfig.EipAddress;
// - triggers: BatchCreateTrigger adds, DeleteTrigger removes; GetFunction lists them (TriggerDesc the cron).
import { createRequire } from 'node:module'
import type { ICreateFunctionParam } from '@cloudbase/manager-node/types/function'
import type { ICloudFunctionTrigger } from '@cloudbase/manager-node/types/interfaces'

/** manager-node's own error class (lib/error.js; its declaration is types/error.d.ts). */
const { CloudBaseError } = createRequire(__filename)(
  '@cloudbase/manager-node/lib/error',
) as typeof import('@cloudbase/manager-node/types/error')

export interface ScfFunction {
  FunctionName: string
  Runtime: string
  Handler: string
  Timeout: number
  MemorySize: number
  Environment: { Variables: { Key: string; Value: string }[] }
  PublicNetConfig: { PublicNetStatus: string; EipConfig: { EipStatus: string; EipAddress: string[] | null } }
  Triggers: { TriggerName: string; Type: string; TriggerDesc: string }[]
  Status: string
}

type PublicNetIn = { PublicNetStatus?: string; EipConfig?: { EipStatus?: string } }

/** toPascalCaseKeys of manager-node: each key's first letter upper-cased, all the way down. */
function pascal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pascal)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(x)]))
}

export class FakeScf {
  readonly functions = new Map<string, ScfFunction>()
  /** every call, as `method name` */
  readonly calls: string[] = []
  /** the createFunction params received, in order */
  readonly created: ICreateFunctionParam[] = []

  /** `eip`: the namespace's fixed egress address */
  constructor(private readonly eip = '203.0.113.7') {}

  /** A function made earlier (in the console, or by an older deploy). */
  seed(name: string, runtime: string, publicNet: PublicNetIn = {}): void {
    this.functions.set(name, {
      FunctionName: name,
      Runtime: runtime,
      Handler: 'index.main',
      Timeout: 3,
      MemorySize: 256,
      Environment: { Variables: [] },
      PublicNetConfig: this.publicNet(publicNet),
      Triggers: [],
      Status: 'Active',
    })
  }

  private publicNet(cfg: PublicNetIn | undefined, was?: ScfFunction['PublicNetConfig']): ScfFunction['PublicNetConfig'] {
    const PublicNetStatus = cfg?.PublicNetStatus ?? was?.PublicNetStatus ?? 'ENABLE'
    const EipStatus = cfg?.EipConfig?.EipStatus ?? was?.EipConfig.EipStatus ?? 'DISABLE'
    const fixed = PublicNetStatus === 'ENABLE' && EipStatus === 'ENABLE'
    return { PublicNetStatus, EipConfig: { EipStatus, EipAddress: fixed ? [this.eip] : null } }
  }

  private must(name: string): ScfFunction {
    const f = this.functions.get(name)
    if (!f) throw new CloudBaseError('函数不存在', { action: 'GetFunction', code: 'ResourceNotFound.FunctionName' })
    return f
  }

  async getFunctionDetail(name: string): Promise<ScfFunction> {
    this.calls.push(`getFunctionDetail ${name}`)
    return structuredClone(this.must(name))
  }

  async createFunction(param: ICreateFunctionParam): Promise<{ RequestId: string }> {
    const { func, force } = param
    this.calls.push(`createFunction ${func.name}`)
    this.created.push(structuredClone(param))
    const publicNet = pascal((func as { publicNetConfig?: unknown }).publicNetConfig) as PublicNetIn | undefined
    const vars = Object.entries(func.envVariables ?? {}).map(([Key, v]) => ({ Key, Value: String(v) }))
    const was = this.functions.get(func.name)
    if (was && !force)
      throw new CloudBaseError(`[${func.name}] 部署失败：\n函数已存在`, { action: 'CreateFunction', code: 'ResourceInUse.FunctionName' })
    this.functions.set(func.name, {
      FunctionName: func.name,
      // UpdateFunctionConfiguration cannot change the runtime: an existing function keeps its own.
      Runtime: was ? was.Runtime : (func.runtime ?? 'Nodejs20.19'),
      Handler: func.handler ?? 'index.main',
      Timeout: func.timeout ?? was?.Timeout ?? 3,
      MemorySize: func.memorySize ?? was?.MemorySize ?? 256,
      // manager-node sends Environment only when there are variables; then it replaces them all.
      Environment: vars.length ? { Variables: vars } : (was?.Environment ?? { Variables: [] }),
      PublicNetConfig: this.publicNet(publicNet, was?.PublicNetConfig),
      Triggers: was?.Triggers ?? [],
      Status: 'Active',
    })
    return { RequestId: 'fake' }
  }

  async createFunctionTriggers(name: string, triggers: ICloudFunctionTrigger[] = []): Promise<null | { RequestId: string }> {
    this.calls.push(`createFunctionTriggers ${name}`)
    if (!triggers.length) return null
    const f = this.must(name)
    for (const t of triggers) f.Triggers.push({ TriggerName: t.name, Type: t.type, TriggerDesc: t.config })
    return { RequestId: 'fake' }
  }

  async deleteFunctionTrigger(name: string, triggerName: string): Promise<{ RequestId: string }> {
    this.calls.push(`deleteFunctionTrigger ${name}`)
    const f = this.must(name)
    f.Triggers = f.Triggers.filter((t) => t.TriggerName !== triggerName)
    return { RequestId: 'fake' }
  }
}
