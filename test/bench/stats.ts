// Small helpers for benchmark figures.
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)
  return sortedMs[Math.max(0, i)]!
}

export function summary(ms: number[]): { n: number; p50: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b)
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN }
}

/** Runs fn repeatedly for about `ms` and returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
  }
  return n / ((performance.now() - t0) / 1000)
}

export const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The answers that were not successes, counted by errcode (with the first message of each). */
export function refusals(results: { errcode?: unknown; errmsg?: unknown }[]): string {
  const by = new Map<string, { n: number; first: string }>()
  for (const r of results) {
    if (r.errcode === 0) continue
    const seen = by.get(String(r.errcode)) ?? { n: 0, first: String(r.errmsg ?? '').slice(0, 80) }
    seen.n++
    by.set(String(r.errcode), seen)
  }
  return by.size ? ` (refused: ${[...by].map(([code, { n, first }]) => `${n}× errcode ${code}, e.g. "${first}"`).join('; ')})` : ''
}
