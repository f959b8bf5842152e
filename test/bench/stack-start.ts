// `npx tsx test/bench/stack-start.ts`: what a test's local stack costs to start and stop (issue 24, test
// time), with every function prewarmed (`npm start`'s default, the baseline) and without (the tests'
// setting: a function's first instance starts on its first call), interleaved in one run. CPU is the
// process's own (the function instances are worker threads of it), in ms. BENCH_ROUNDS=5 by default.
import { startStack, type StackOptions } from '../../emulator/stack'

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5

async function once(prewarm: boolean): Promise<{ wallMs: number; cpuMs: number }> {
  const opts: StackOptions = {
    inMemory: true,
    preview: false,
    timers: false,
    prewarm,
    env: { WXEMU_PORT: '0', CLOUD_PORT: '0' },
  }
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const stack = await startStack(opts)
  await stack.stop()
  const c = process.cpuUsage(c0)
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main() {
  await once(false) // the first start loads the modules both designs share
  const runs = { prewarmed: [] as { wallMs: number; cpuMs: number }[], lazy: [] as { wallMs: number; cpuMs: number }[] }
  for (let i = 0; i < ROUNDS; i++) {
    runs.prewarmed.push(await once(true))
    runs.lazy.push(await once(false))
  }
  console.log(`stack start + stop, median of ${ROUNDS} interleaved rounds`)
  console.log('  | stack | wall ms | CPU ms |')
  console.log('  | --- | --- | --- |')
  for (const [name, xs] of Object.entries(runs))
    console.log(
      `  | ${name === 'prewarmed' ? 'every function prewarmed (npm start)' : 'no prewarm (tests)'} | ${median(xs.map((x) => x.wallMs)).toFixed(0)} | ${median(xs.map((x) => x.cpuMs)).toFixed(0)} |`,
    )
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
