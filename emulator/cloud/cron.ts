// Cloud Development timer triggers use a 7-field cron: second minute hour day-of-month month
// day-of-week year. Fields take *, numbers, ranges a-b, lists a,b and steps */n or a-b/n; months and
// weekdays also take English three-letter names. (Day-of-month and day-of-week must not both be set.)

const FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'weekday', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2099 },
]

export interface CronSchedule {
  readonly source: string
  matches(date: Date): boolean
}

function parseValue(raw: string, f: (typeof FIELDS)[number]): number {
  const byName = f.names?.indexOf(raw.toUpperCase()) ?? -1
  const v = byName >= 0 ? byName + (f.name === 'month' ? 1 : 0) : Number(raw)
  if (!Number.isInteger(v) || v < f.min || v > f.max) throw new Error(`cron ${f.name}: ${raw} is not in ${f.min}-${f.max}`)
  return v
}

function parseField(expr: string, f: (typeof FIELDS)[number]): Set<number> | null {
  if (expr === '*' || expr === '?') return null
  const out = new Set<number>()
  for (const part of expr.split(',')) {
    const [range, stepRaw] = part.split('/')
    const step = stepRaw === undefined ? 1 : Number(stepRaw)
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron ${f.name}: bad step in ${part}`)
    let lo: number
    let hi: number
    if (range === '*') [lo, hi] = [f.min, f.max]
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-')
      ;[lo, hi] = [parseValue(a!, f), parseValue(b!, f)]
      if (lo > hi) throw new Error(`cron ${f.name}: range ${range} runs backwards`)
    } else {
      lo = parseValue(range!, f)
      hi = stepRaw === undefined ? lo : f.max
    }
    for (let v = lo; v <= hi; v += step) out.add(v)
  }
  return out
}

export function parseCron(source: string): CronSchedule {
  const parts = source.trim().split(/\s+/)
  if (parts.length !== 7)
    throw new Error(`a timer trigger needs 7 cron fields (second minute hour day month weekday year), got ${parts.length}: "${source}"`)
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!))
  if (sets[3] && sets[5]) throw new Error(`cron: day-of-month and day-of-week may not both be set: "${source}"`)
  return {
    source,
    matches(d: Date) {
      const values = [d.getSeconds(), d.getMinutes(), d.getHours(), d.getDate(), d.getMonth() + 1, d.getDay(), d.getFullYear()]
      return sets.every((s, i) => s === null || s.has(values[i]!))
    },
  }
}
