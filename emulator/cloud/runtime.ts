// The local cloud runtime: finds each function as a folder with an index.js under the functions
// directory (dist/cloudfunctions/ or FUNCTIONS_DIR) when it is first invoked, and runs it in function
// instances (instances.ts) with the environment Cloud Development gives them: the function's own
// variables, TCB_CONTEXT_CNFG pointing the real wx-server-sdk at this local cloud's CloudBase API, and
// per invocation WX_OPENID, WX_APPID, WX_UNIONID, WX_API_TOKEN and WX_CONTEXT_KEYS.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { runSettings, type CloudbaseRc } from '../../scripts/deploy/cloudbaserc'
import { FunctionInstance, InstancePool, InvocationError, ThreadBank } from './instances'

export { InvocationError }

export interface InvocationIdentity {
  /** Mini Program openid of the caller (absent for timers and HTTP access). */
  openid?: string
  unionid?: string
  /** wx_client, wx_http (HTTP access), wx_trigger (timer), wx_pay; a function called by another gets its caller's with ",scf" added */
  source: string
}

/**
 * How the platform runs a function. Timeout, memory and triggers come from cloudbaserc.json (the
 * deployment's one source of truth, scripts/deploy/cloudbaserc.ts); a function it does not declare runs
 * with the platform's defaults (3 s, 256 MB) and the triggers of its config.json. config.json is read
 * only for what WeChat documents it for: `permissions` and `triggers`.
 */
export interface FunctionConfig {
  /** Seconds; Cloud Development's default is 3. */
  timeout: number
  memorySize: number
  triggers: { name: string; type: string; config: string }[]
  permissions?: { openapi?: string[] }
}

export interface CloudPayProvider {
  unifiedOrder(req: Record<string, unknown>, caller: { openid?: string; fn: string }): Promise<Record<string, unknown>>
  refund(req: Record<string, unknown>, caller: { openid?: string; fn: string }): Promise<Record<string, unknown>>
  queryOrder(req: Record<string, unknown>, caller: { openid?: string; fn: string }): Promise<Record<string, unknown>>
  queryRefund(req: Record<string, unknown>, caller: { openid?: string; fn: string }): Promise<Record<string, unknown>>
}

export interface RuntimeOptions {
  functionsDir: string
  /** Mini Program appid reported by getWXContext(). */
  appid: string
  envId: string
  /** The CloudBase API the functions' SDK calls (this local cloud's /admin). */
  apiUrl: () => string
  /** The deployment's cloudbaserc.json, read (timeout, memory and triggers of the functions it declares). */
  deployConfig?: CloudbaseRc
  /** The functions' environment variables (in production each function's own, set in the console). */
  env: Record<string, string>
  /** Instances per function at most (Cloud Development scales out further; threads cost memory here). */
  maxInstances: number
  /**
   * Start new instances on threads of ended ones (of any stack in this process) where one is idle: tests,
   * which start hundreds of stacks. Default false: every instance is a new thread, as in production.
   */
  reuseThreads?: boolean
  /** Told the API tokens an instance used when it ends (timeout, crash, reload): its open transactions can never finish. */
  onInstanceEnd?: (tokens: string[]) => void
}

/** Who is calling, as the CloudBase API learns it from the WX_API_TOKEN the SDK sends. */
export interface Caller extends InvocationIdentity {
  fn: string
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/

export class CloudRuntime {
  private readonly pools = new Map<string, { pool: InstancePool; config: FunctionConfig }>()
  private readonly tokens = new Map<string, Caller>()
  /** invocations started since the cloud started */
  invocations = 0

  constructor(readonly options: RuntimeOptions) {}

  functionNames(): string[] {
    const dir = this.options.functionsDir
    if (!existsSync(dir)) return []
    return readdirSync(dir).filter((n) => NAME.test(n) && existsSync(join(dir, n, 'index.js')))
  }

  private fileOf(name: string): string {
    if (!NAME.test(name)) throw new InvocationError(-501000, `FunctionName parameter could not be found: ${name}`)
    const file = join(this.options.functionsDir, name, 'index.js')
    if (!existsSync(file)) throw new InvocationError(-501000, `FunctionName parameter could not be found: ${name}`)
    return file
  }

  config(name: string): FunctionConfig {
    const cfg = join(this.options.functionsDir, name, 'config.json')
    this.fileOf(name)
    const raw = (existsSync(cfg) ? JSON.parse(readFileSync(cfg, 'utf8')) : {}) as Pick<Partial<FunctionConfig>, 'triggers' | 'permissions'>
    const run = runSettings(this.options.deployConfig, name)
    return {
      timeout: run.timeout,
      memorySize: run.memorySize,
      triggers: run.declared ? run.triggers : (raw.triggers ?? []),
      permissions: raw.permissions,
    }
  }

  /** The caller behind an API token an instance's SDK sent (undefined: an admin call from the host). */
  callerOf(token: unknown): Caller | undefined {
    return typeof token === 'string' ? this.tokens.get(token) : undefined
  }

  /** What every instance of the function starts with: its variables and the cloud's own. */
  private instanceEnv(name: string): Record<string, string> {
    const env = this.options.envId
    return {
      ...this.options.env,
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: this.options.apiUrl() }),
      // Any non-empty key pair: the local cloud does not check signatures.
      TENCENTCLOUD_SECRETID: 'AKIDlocalcloud',
      TENCENTCLOUD_SECRETKEY: randomBytes(16).toString('hex'),
      // SCF with a region and namespace: the SDK skips its metadata probe and takes the URL above.
      TENCENTCLOUD_RUNENV: 'SCF',
      TENCENTCLOUD_REGION: 'ap-shanghai',
      SCF_NAMESPACE: env,
      TCB_ENV: env,
      SCF_FUNCTIONNAME: name,
    }
  }

  private poolOf(name: string) {
    let entry = this.pools.get(name)
    if (!entry) {
      const file = this.fileOf(name)
      const env = this.instanceEnv(name)
      const config = this.config(name)
      const fallback = join(__dirname, '..', '..', 'node_modules')
      const bank = this.options.reuseThreads ? ThreadBank.shared() : undefined
      const pool = new InstancePool(
        (onExit) =>
          new FunctionInstance(
            file,
            env,
            fallback,
            config.memorySize,
            (dead) => {
              onExit(dead)
              this.options.onInstanceEnd?.(dead.tokens)
            },
            bank,
          ),
        this.options.maxInstances,
      )
      entry = { pool, config }
      this.pools.set(name, entry)
    }
    return entry
  }

  /** Starts one instance of every function now, so that first calls do not wait for a cold start. */
  async prewarm(): Promise<void> {
    await Promise.all(this.functionNames().map((name) => this.poolOf(name).pool.warm()))
  }

  /** Provisioned concurrency: `count` warm instances of the function (at most CLOUD_MAX_INSTANCES). */
  async provision(name: string, count: number): Promise<void> {
    await this.poolOf(name).pool.warm(count)
  }

  /** Warm instances of a function right now. */
  instanceCount(name: string): number {
    return this.pools.get(name)?.pool.size ?? 0
  }

  async invoke(name: string, event: unknown, identity: InvocationIdentity): Promise<unknown> {
    const { pool, config } = this.poolOf(name)
    this.invocations++
    const inst = await pool.acquire()
    const token = randomBytes(16).toString('hex')
    this.tokens.set(token, { ...identity, fn: name })
    const wx: Record<string, string> = { WX_API_TOKEN: token, TCB_SOURCE: identity.source }
    if (identity.openid) {
      wx.WX_OPENID = identity.openid
      wx.WX_APPID = this.options.appid
    }
    if (identity.unionid) wx.WX_UNIONID = identity.unionid
    if (identity.source === 'wx_trigger') {
      wx.TRIGGER_SRC = 'timer'
      wx.WX_TRIGGER_API_TOKEN_V0 = token
    }
    wx.WX_CONTEXT_KEYS = Object.keys(wx)
      .filter((k) => k.startsWith('WX_'))
      .join(',')
    const requestId = randomBytes(16).toString('hex')
    const context = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      memory_limit_in_mb: config.memorySize,
      time_limit_in_ms: config.timeout * 1000,
      namespace: this.options.envId,
    }
    try {
      return JSON.parse(await inst.invoke(event, context, wx, config.timeout * 1000, config.timeout)) as unknown
    } finally {
      this.tokens.delete(token)
      pool.release(inst)
    }
  }

  /** Ends every instance, so the next call loads the current bundles (after a rebuild). */
  async reload(): Promise<void> {
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map((p) => p.pool.close()))
  }

  close(): Promise<void> {
    return this.reload()
  }
}
