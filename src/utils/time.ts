// Dates and times as merchants and cashiers in China read them: Beijing time (UTC+8, no daylight
// saving), whatever zone the phone is set to.
const BEIJING_MS = 8 * 3600 * 1000
const pad = (n: number) => String(n).padStart(2, '0')

function parts(ms: number) {
  const d = new Date(ms + BEIJING_MS)
  return {
    y: d.getUTCFullYear(),
    m: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    min: pad(d.getUTCMinutes()),
  }
}

/** Unix seconds → 2026-11-27; 0 (no date set) → — */
export function beijingDate(sec: number): string {
  if (!sec) return '—'
  const p = parts(sec * 1000)
  return `${p.y}-${p.m}-${p.d}`
}

/** Milliseconds → 2026-11-27 18:05 */
export function beijingDateTime(ms: number): string {
  const p = parts(ms)
  return `${p.y}-${p.m}-${p.d} ${p.h}:${p.min}`
}

/** Milliseconds → 18:05 */
export function beijingTime(ms: number): string {
  const p = parts(ms)
  return `${p.h}:${p.min}`
}
