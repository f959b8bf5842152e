// The house's rules, checked on the import graph (docs/architecture.md draws it): no import cycle anywhere
// in the product or the local stack, no arrow from a lower floor up, and the domain's rooms calling only
// the rooms below them. Type-only imports count: a cycle of types is still a knot a reader must untie.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const ROOT = resolve(__dirname, '../..')
const SCANNED = ['src', 'contract', 'server', 'cloudfunctions', 'scripts', 'emulator']

/** The domain's rooms, lowest first: a room may import its own files and rooms on a lower floor. */
export const FLOORS: Record<string, number> = {
  catalog: 1,
  cards: 2,
  ledgers: 3,
  sync: 4,
  coupons: 4,
  members: 5,
  giftcards: 6,
  money: 7,
  merchant: 8,
  events: 9,
  upkeep: 9,
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) sourceFiles(p, out)
    else if (/\.(ts|tsx)$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p)
  }
  return out
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const base = resolve(dirname(from), spec)
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(c) && statSync(c).isFile()) return c
  }
  return undefined
}

/** file → the project files it imports (relative paths from the repo root); tests are not the product. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const dir of SCANNED) {
    for (const file of sourceFiles(join(ROOT, dir))) {
      if (/\.test\.tsx?$/.test(file)) continue
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      const deps = importedFiles
        .map((i) => resolveImport(file, i.fileName))
        .filter((p): p is string => !!p)
        .map((p) => relative(ROOT, p))
      graph.set(relative(ROOT, file), [...new Set(deps)])
    }
  }
  return graph
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

const graph = importGraph()
const arrows = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })))
const within = (dir: string) => (p: string) => p.startsWith(`${dir}/`)
const roomOf = (p: string) => /^server\/domain\/([^/]+)\//.exec(p)?.[1]

describe('the import graph', () => {
  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([])
  })

  it('sees the product: every domain room and every function', () => {
    const rooms = new Set([...graph.keys()].map(roomOf).filter(Boolean))
    expect([...rooms].sort()).toEqual(Object.keys(FLOORS).sort())
    expect(graph.get('cloudfunctions/card/index.ts')?.some(within('server/domain'))).toBe(true)
  })

  it('has no arrow from a lower floor up: log, config, errors, platform, wechat and store never import the domain', () => {
    const lower = (p: string) => p.startsWith('server/') && !p.startsWith('server/domain/')
    expect(arrows.filter((a) => lower(a.from) && (within('server/domain')(a.to) || within('cloudfunctions')(a.to)))).toEqual([])
  })

  it('keeps the domain out of the functions’ business: it never imports a function', () => {
    expect(arrows.filter((a) => within('server/domain')(a.from) && within('cloudfunctions')(a.to))).toEqual([])
  })

  it('lets each domain room call only itself and the rooms below it', () => {
    const upward = arrows.filter((a) => {
      const [from, to] = [roomOf(a.from), roomOf(a.to)]
      return from && to && from !== to && !((FLOORS[to] ?? Infinity) < (FLOORS[from] ?? 0))
    })
    expect(upward).toEqual([])
  })

  it('keeps contract/ free of the rest (both sides run it), and the Mini Program off the server', () => {
    expect(arrows.filter((a) => within('contract')(a.from) && !within('contract')(a.to))).toEqual([])
    expect(arrows.filter((a) => within('src')(a.from) && !within('src')(a.to) && !within('contract')(a.to))).toEqual([])
  })

  it('never lets the product import the local stack', () => {
    const product = (p: string) => ['src/', 'contract/', 'server/', 'cloudfunctions/'].some((d) => p.startsWith(d))
    expect(arrows.filter((a) => product(a.from) && within('emulator')(a.to))).toEqual([])
  })
})
