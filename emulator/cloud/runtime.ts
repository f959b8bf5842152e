// The local cloud runtime: loads each function from its bundle in dist/cloudfunctions/<name>/index.js
// and invokes its `main(event, context)` the way Cloud Development does. Each load is a separate
// module instance (a "function instance"), with its own copy of module-level state; the bundle's
// `require('wx-server-sdk')` gets this runtime's implementation, whose getWXContext() answers the
// identity of the invocation it is called from.
import { AsyncLocalStorage } from 'node:async_hooks'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { join } from 'node:path'
import type { LocalDatabase } from './database'

export interface InvocationIdentity {
  /** Mini Program openid of the caller (absent for timers and HTTP access). */
  openid?: string
  unionid?: string
  /** wx_client, wx_http (HTTP access), wx_trigger (timer), wx_devtools … */
  source: string
}

export interface FunctionConfig {
  /** Seconds; Cloud Development's default is 3. */
  timeout: number
  triggers: { name: string; type: string; config: string }[]
  permissions?: { openapi?: string[] }
}

type Main = (event: unknown, context: Record<string, unknown>) => unknown

export interface RuntimeOptions {
  functionsDir: string
  db: LocalDatabase
  /** Mini Program appid reported by getWXContext(). */
  appid: string
  envId?: string
  /** Cloud Pay as this runtime provides it to `cloud.cloudPay` (the WeChat emulator plugs in here). */
  cloudPay?: CloudPayProvider
  /** The functions' environment variables (in production each function's own, set in the console). */
  env: Record<string, string>
  /** Told of every invocation (the local cloud's counters). */
  onInvoke?: (name: string) => void
}

export interface CloudPayProvider {
  unifiedOrder(req: Record<string, unknown>, caller: InvocationIdentity & { fn: string }): Promise<Record<string, unknown>>
  refund(req: Record<string, unknown>, caller: InvocationIdentity & { fn: string }): Promise<Record<string, unknown>>
}

interface Invocation extends InvocationIdentity {
  fn: string
  requestId: string
}

/** Errors an invocation can end with, in the shape the Mini Program's callFunction reports. */
export class InvocationError extends Error {
  constructor(readonly errCode: number, readonly errMsg: string) {
    super(errMsg)
  }
}

let requestSeq = 0
const PROCESS_ID = '\0wxemu:process'

export class CloudRuntime {
  private readonly context = new AsyncLocalStorage<Invocation>()
  private readonly instances = new Map<string, { main: Main; config: FunctionConfig }>()
  readonly DYNAMIC_CURRENT_ENV = Symbol('DYNAMIC_CURRENT_ENV')

  constructor(readonly options: RuntimeOptions) {}

  get db(): LocalDatabase {
    return this.options.db
  }

  functionNames(): string[] {
    if (!existsSync(this.options.functionsDir)) return []
    return readdirSync(this.options.functionsDir).filter((n) => existsSync(join(this.options.functionsDir, n, 'index.js')))
  }

  config(name: string): FunctionConfig {
    return this.instance(name).config
  }

  /** The wx-server-sdk module this runtime gives to its bundles. */
  private sdk() {
    return {
      DYNAMIC_CURRENT_ENV: this.DYNAMIC_CURRENT_ENV,
      init: () => undefined,
      getWXContext: () => {
        const inv = this.context.getStore()
        const ctx: Record<string, string> = { ENV: this.options.envId ?? 'local', SOURCE: inv?.source ?? '' }
        if (inv?.openid) {
          ctx.OPENID = inv.openid
          ctx.APPID = this.options.appid
        }
        if (inv?.unionid) ctx.UNIONID = inv.unionid
        return ctx
      },
      database: () => this.options.db,
      callFunction: async ({ name, data }: { name: string; data?: unknown }) => {
        const inv = this.context.getStore()
        const result = await this.invoke(name, data ?? {}, { openid: inv?.openid, unionid: inv?.unionid, source: 'wx_server' })
        return { result, requestID: `local-${requestSeq}`, errMsg: 'cloud.callFunction:ok' }
      },
      cloudPay: {
        unifiedOrder: async (req: Record<string, unknown>) => {
          const provider = this.options.cloudPay
          if (!provider) throw new InvocationError(-1, 'cloudPay.unifiedOrder:fail Cloud Pay is not connected in this local stack')
          const inv = this.context.getStore()
          return provider.unifiedOrder(req, { fn: inv?.fn ?? '', openid: inv?.openid, unionid: inv?.unionid, source: inv?.source ?? '' })
        },
        refund: async (req: Record<string, unknown>) => {
          const provider = this.options.cloudPay
          if (!provider) throw new InvocationError(-1, 'cloudPay.refund:fail Cloud Pay is not connected in this local stack')
          const inv = this.context.getStore()
          return provider.refund(req, { fn: inv?.fn ?? '', openid: inv?.openid, unionid: inv?.unionid, source: inv?.source ?? '' })
        },
      },
    }
  }

  /** Loads a fresh instance of the function from its bundle (each call a new instance). */
  loadInstance(name: string): { main: Main; config: FunctionConfig } {
    if (!/^[a-z][a-z0-9_-]*$/i.test(name)) throw new InvocationError(-501000, `invalid function name ${name}`)
    const dir = join(this.options.functionsDir, name)
    const file = join(dir, 'index.js')
    if (!existsSync(file)) throw new InvocationError(-501000, `FunctionName parameter could not be found: ${name}`)
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Partial<FunctionConfig>
    const config: FunctionConfig = { timeout: raw.timeout ?? 3, triggers: raw.triggers ?? [], permissions: raw.permissions }
    const sdk = this.sdk()
    const mod = new Module(file) as Module & { _compile(code: string, filename: string): void }
    mod.filename = file
    const baseRequire = createRequire(file)
    // Module#_compile builds the bundle's require() on top of mod.require, which answers wx-server-sdk
    // with this runtime's implementation and everything else as usual.
    // The bundle's `process` is the real one but for `env`, which holds only the function's own
    // environment variables, as in production.
    const fnProcess = Object.create(process, { env: { value: { ...this.options.env }, enumerable: true } }) as NodeJS.Process
    mod.require = ((id: string) => (id === 'wx-server-sdk' ? sdk : id === PROCESS_ID ? fnProcess : baseRequire(id))) as NodeJS.Require
    // Prepended on the first line so that line numbers in stack traces stay those of the bundle.
    mod._compile(`var process = require(${JSON.stringify(PROCESS_ID)});${readFileSync(file, 'utf8')}`, file)
    const main = (mod.exports as { main?: Main }).main
    if (typeof main !== 'function') throw new InvocationError(-501000, `${name}/index.js exports no main`)
    return { main, config }
  }

  private instance(name: string) {
    let inst = this.instances.get(name)
    if (!inst) {
      inst = this.loadInstance(name)
      this.instances.set(name, inst)
    }
    return inst
  }

  /** Drops loaded instances so the next call loads the current bundles (after a rebuild). */
  reload(): void {
    this.instances.clear()
  }

  async invoke(name: string, event: unknown, identity: InvocationIdentity, instance?: { main: Main; config: FunctionConfig }): Promise<unknown> {
    const inst = instance ?? this.instance(name)
    this.options.onInvoke?.(name)
    const inv: Invocation = { ...identity, fn: name, requestId: `local-${++requestSeq}` }
    const ctx = { request_id: inv.requestId, function_name: name, environ: '', memory_limit_in_mb: 256, time_limit_in_ms: inst.config.timeout * 1000 }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InvocationError(-504003, `Invoking task timed out after ${inst.config.timeout} seconds`)),
        inst.config.timeout * 1000,
      )
    })
    try {
      return await Promise.race([this.context.run(inv, async () => inst.main(event, ctx)), timeout])
    } catch (err) {
      if (err instanceof InvocationError) throw err
      throw new InvocationError(-504002, `functions execute fail: ${(err as Error)?.stack ?? String(err)}`)
    } finally {
      clearTimeout(timer)
    }
  }
}
