// Where a function's CPU goes: sums the V8 CPU profiles that instances write under CLOUD_CPU_PROF_DIR
// (emulator/cloud/instances.ts), per function, by package (our bundle, each node_modules package, Node's
// internals) and by hottest function, idle left out. A profile is one instance's whole life: its cold
// start (module compile) is in it too.
//   CLOUD_CPU_PROF_DIR=/tmp/prof BENCH_ONLY=one-call npm run bench && npx tsx test/bench/cpu-profile.ts /tmp/prof
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
}

/** The function an instance ran: the folder its bundle was loaded from. */
function functionOf(p: Profile): string {
  for (const n of p.nodes) {
    const m = /\/([^/]+)\/(?:index|app)\.js$/.exec(n.callFrame.url)
    if (m && !n.callFrame.url.includes('node_modules')) return m[1]!
  }
  return '?'
}

/** node_modules/<pkg> (scoped too), node:<module>, or the bundle's own file. */
function packageOf(url: string): string {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/')
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
  }
  if (url === '') return '(V8: GC, compiler, native)'
  return url.startsWith('node:') ? url : `ours: ${url.split('/').slice(-2).join('/')}`
}

function main() {
  const dir = process.argv[2]
  if (!dir) throw new Error('usage: tsx test/bench/cpu-profile.ts <CLOUD_CPU_PROF_DIR>')
  const perFunction = new Map<string, { files: number; busy: number; byPackage: Map<string, number>; byFn: Map<string, number> }>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
    const fn = functionOf(p)
    const acc = perFunction.get(fn) ?? { files: 0, busy: 0, byPackage: new Map(), byFn: new Map() }
    perFunction.set(fn, acc)
    acc.files++
    const self = new Map<number, number>()
    p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
    for (const n of p.nodes) {
      const us = self.get(n.id) ?? 0
      if (!us || n.callFrame.functionName === '(idle)') continue
      const ms = us / 1000
      acc.busy += ms
      const pkg = packageOf(n.callFrame.url)
      acc.byPackage.set(pkg, (acc.byPackage.get(pkg) ?? 0) + ms)
      const name = `${n.callFrame.functionName || '(anonymous)'} ${pkg}`
      acc.byFn.set(name, (acc.byFn.get(name) ?? 0) + ms)
    }
  }
  const top = (m: Map<string, number>, busy: number, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `    ${((v / busy) * 100).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n')
  for (const [fn, acc] of [...perFunction].sort((a, b) => b[1].busy - a[1].busy)) {
    console.log(`${fn}: ${acc.files} instance(s), ${acc.busy.toFixed(0)} ms CPU (idle left out)`)
    console.log('  by package:')
    console.log(top(acc.byPackage, acc.busy, 15))
    console.log('  hottest functions (self time):')
    console.log(top(acc.byFn, acc.busy, 12))
  }
}

main()
