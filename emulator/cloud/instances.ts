// Function instances as Cloud Development runs them: each a worker thread (instance-worker.cjs) with
// its own environment, serving one invocation at a time and keeping its module state between them; a
// pool of warm instances per function, grown on demand up to a limit; an invocation that runs past the
// function's timeout ends its instance, not just the reply.
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'

/** Where instances write CPU profiles (unset: none). */
const PROF_DIR = process.env.CLOUD_CPU_PROF_DIR

/** Errors an invocation can end with, in the shape the Mini Program's callFunction reports. */
export class InvocationError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg)
  }
}

interface Pending {
  resolve: (json: string) => void
  reject: (err: Error) => void
}

let invocationSeq = 0

export class FunctionInstance {
  private readonly worker: Worker
  readonly ready: Promise<void>
  private pending: Pending | undefined
  private notReady: ((err: Error) => void) | undefined
  private dead = false
  private readonly bankKey: string
  /** told whether the thread is idle, when asked by end() */
  private parked: ((clean: boolean) => void) | undefined
  invocations = 0
  /** the API tokens of the invocations it served lately (its background work may still use them) */
  readonly tokens: string[] = []

  /**
   * @param memoryMb the function's memory: the instance's heap limit, as the platform's memory limit
   * @param bank where a thread of an ended instance may be taken from and given back (tests; see ThreadBank)
   */
  constructor(
    file: string,
    env: Record<string, string>,
    fallbackModules: string,
    memoryMb: number,
    private readonly onExit: (inst: FunctionInstance) => void,
    private readonly bank?: ThreadBank,
  ) {
    this.bankKey = `${memoryMb}\0${fallbackModules}`
    const reused = bank?.take(this.bankKey)
    this.worker =
      reused ??
      new Worker(join(__dirname, 'instance-worker.cjs'), {
        workerData: { file, fallbackModules },
        env,
        // Plain Node.js, as Cloud Development runs a function: not the flags of the process hosting the
        // local stack (under tsx that is a TypeScript loader, which doubled an instance's cold start).
        // …but for CLOUD_CPU_PROF_DIR (a diagnostic of the host): each instance writes its V8 CPU profile
        // there when it ends (`npx tsx test/bench/cpu-profile.ts <dir>` sums them by package).
        execArgv: PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [],
        resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      })
    this.ready = new Promise((resolve, reject) => {
      // A thread that exits or errs before it is ready fails the start too (fail()), or an invocation
      // waiting for this instance would wait forever.
      this.notReady = reject
      this.worker.once('message', (m: { type: string; message?: string }) => {
        this.notReady = undefined
        if (m.type === 'ready') resolve()
        else reject(new InvocationError(-504002, `functions execute fail: the function failed to load: ${m.message}`))
      })
    })
    this.ready.catch(() => this.kill())
    this.worker.on('message', (m: { type: string; id?: number; json?: string; message?: string; clean?: boolean }) => {
      if (m.type === 'result' || m.type === 'error') {
        const p = this.pending
        this.pending = undefined
        if (m.type === 'result') p?.resolve(m.json!)
        else p?.reject(new InvocationError(-504002, `functions execute fail: ${m.message}`))
      } else if (m.type === 'parked') this.parked?.(m.clean === true)
    })
    this.worker.on('error', (err) => this.fail(new InvocationError(-504002, `functions execute fail: ${err.stack ?? err.message}`)))
    this.worker.on('exit', () => this.fail(new InvocationError(-504002, 'functions execute fail: the instance exited')))
    if (reused) {
      reused.ref()
      reused.postMessage({ type: 'adopt', file, env })
    }
  }

  get alive(): boolean {
    return !this.dead
  }

  private fail(err: Error): void {
    this.notReady?.(err)
    this.notReady = undefined
    const p = this.pending
    this.pending = undefined
    p?.reject(err)
    if (!this.dead) {
      this.dead = true
      this.onExit(this)
    }
  }

  /** Runs one invocation; the result as JSON text. */
  invoke(
    event: unknown,
    context: Record<string, unknown>,
    env: Record<string, string>,
    timeoutMs: number,
    timeoutS: number,
  ): Promise<string> {
    if (this.pending) throw new Error('an instance serves one invocation at a time')
    this.invocations++
    if (env.WX_API_TOKEN) {
      this.tokens.push(env.WX_API_TOKEN)
      if (this.tokens.length > 64) this.tokens.shift()
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new InvocationError(-504003, `Invoking task timed out after ${timeoutS} seconds`))
        void this.worker.terminate()
      }, timeoutMs)
      this.pending = {
        resolve: (json) => {
          clearTimeout(timer)
          resolve(json)
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
      try {
        this.worker.postMessage({ id: ++invocationSeq, event, context, env })
      } catch (err) {
        // The event could not be copied to the instance (e.g. nested past the stack): this invocation
        // fails, and the instance, which never received it, is free again at once — not after the timeout.
        this.pending = undefined
        clearTimeout(timer)
        reject(
          new InvocationError(-504002, `functions execute fail: the event could not be passed to the function: ${(err as Error).message}`),
        )
      }
    })
  }

  /** Ends the instance; its exit takes it out of its pool. */
  kill(): Promise<void> {
    return this.worker.terminate().then(() => undefined)
  }

  /**
   * Ends the instance as kill() does, but gives its thread to the bank when it has one and the thread is
   * idle: not serving an invocation and running nothing left over from one (no timer, socket or request).
   */
  async end(): Promise<void> {
    const bank = this.bank
    if (!bank || this.dead || this.pending || !bank.hasRoom(this.bankKey)) return this.kill()
    const clean = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000)
      this.parked = (c) => {
        clearTimeout(timer)
        resolve(c)
      }
      this.worker.postMessage({ type: 'park' })
    })
    this.parked = undefined
    if (!clean || this.dead || this.pending || !bank.hasRoom(this.bankKey)) return this.kill()
    // Ended as far as the runtime knows (its tokens are told, its pool forgets it); the thread lives on.
    this.dead = true
    detach(this.worker)
    bank.give(this.bankKey, this.worker)
    this.onExit(this)
  }
}

/** Drops an instance's listeners from its thread (not Node's own, which keep its message port referenced). */
function detach(worker: Worker): void {
  for (const event of ['message', 'error', 'exit'] as const) worker.removeAllListeners(event)
}

/**
 * Threads of ended instances, kept for new instances of any function with the same memory limit (tests
 * only: RuntimeOptions.reuseThreads). A new instance on a kept thread gets a fresh environment and loads its
 * function afresh, so its own module state starts empty as in production; only node_modules stay loaded —
 * the real wx-server-sdk, whose load is ~0.3 s of CPU and was about half of the test suite's CPU time. One
 * bank per process, shared by every stack in it (jest gives each test file its own module registry, so it
 * lives on a Node core module's class, which all of them share).
 */
export class ThreadBank {
  private readonly kept = new Map<string, Worker[]>()

  constructor(private readonly perKey: number) {}

  static shared(): ThreadBank {
    const home = Worker as unknown as Record<symbol, ThreadBank | undefined>
    const key = Symbol.for('wx-giftcard.instance-thread-bank')
    return (home[key] ??= new ThreadBank(24))
  }

  /** Threads kept now, of every key. */
  get size(): number {
    let n = 0
    for (const list of this.kept.values()) n += list.length
    return n
  }

  hasRoom(key: string): boolean {
    return (this.kept.get(key)?.length ?? 0) < this.perKey
  }

  give(key: string, worker: Worker): void {
    // A kept thread must not keep the process alive.
    worker.unref()
    // One that dies while kept (out of memory) is dropped.
    worker.once('exit', () => {
      const list = this.kept.get(key)
      const i = list?.indexOf(worker) ?? -1
      if (i >= 0) list!.splice(i, 1)
    })
    const list = this.kept.get(key) ?? []
    list.push(worker)
    this.kept.set(key, list)
  }

  take(key: string): Worker | undefined {
    const worker = this.kept.get(key)?.pop()
    if (worker) detach(worker)
    return worker
  }
}

/** Warm instances of one function. */
export class InstancePool {
  private readonly idle: FunctionInstance[] = []
  private readonly all = new Set<FunctionInstance>()
  private readonly waiting: ((inst: FunctionInstance) => void)[] = []

  constructor(
    private readonly spawn: (onExit: (i: FunctionInstance) => void) => FunctionInstance,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.all.size
  }

  async acquire(): Promise<FunctionInstance> {
    for (;;) {
      const warm = this.idle.pop()
      if (warm?.alive) return warm
      if (!warm) break
    }
    if (this.all.size < this.max) {
      const inst = this.start()
      await inst.ready
      return inst
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /**
   * Starts instances ahead of invocations until `count` are up (Cloud Development's provisioned
   * concurrency), at most the pool's limit; they wait idle for the first invocations.
   */
  async warm(count = 1): Promise<void> {
    const want = Math.min(count, this.max) - this.all.size
    if (want <= 0) return
    const started = await Promise.all(
      Array.from({ length: want }, () => {
        const inst = this.start()
        return inst.ready.then(
          () => inst,
          () => undefined,
        )
      }),
    )
    for (const inst of started) if (inst) this.release(inst)
  }

  /** A new instance of the pool; its exit takes it out again. */
  private start(): FunctionInstance {
    const inst = this.spawn((dead) => this.forget(dead))
    this.all.add(inst)
    return inst
  }

  release(inst: FunctionInstance): void {
    if (!inst.alive) return
    const next = this.waiting.shift()
    if (next) next(inst)
    else this.idle.push(inst)
  }

  private forget(inst: FunctionInstance): void {
    this.all.delete(inst)
    const i = this.idle.indexOf(inst)
    if (i >= 0) this.idle.splice(i, 1)
    // Someone waiting for an instance gets a new one in place of the dead one.
    const next = this.waiting.shift()
    if (next) this.acquire().then(next, () => this.waiting.unshift(next))
  }

  async close(): Promise<void> {
    const all = [...this.all]
    this.all.clear()
    this.idle.length = 0
    await Promise.all(all.map((i) => i.end()))
  }
}
