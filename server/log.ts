// One way to log: a JSON line per event. Card codes are bearer secrets (a cashier accepts whoever
// shows one), so a log line never carries a whole one: fields named `code` keep their last 4
// characters, and any run of 10 or more digits elsewhere (a code inside an id or an error message)
// is masked the same way.
import { maskCode } from './mask'

type Level = 'info' | 'warn' | 'error'

const LONG_DIGITS = /\d{10,}/g

function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'code' ? maskCode(value) : value.replace(LONG_DIGITS, (d) => maskCode(d))
  if (Array.isArray(value)) return value.map((v) => redact(v))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]))
  return value
}

export function log(level: Level, fields: Record<string, unknown>): void {
  const line = JSON.stringify(redact({ level, ...fields }))
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.info(line)
}
