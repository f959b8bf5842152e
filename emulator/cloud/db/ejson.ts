// Values on the wire and on disk are MongoDB Extended JSON, as the CloudBase database speaks it: the SDK
// sends canonical EJSON strings (`{"$numberInt":"1"}`, `{"$date":…}`) and parses what comes back the
// same way. bson's own EJSON does the work; the one CloudBase addition is `db.serverDate()`, which the
// SDK sends as `{"$tcb_server_date":{"offset":n}}` for the server to resolve at write time.
import { EJSON } from 'bson'

export type Doc = Record<string, unknown> & { _id: string }

/** EJSON text (or an already-parsed value) → plain JS values (numbers, strings, Dates, objects). */
export function parseEjson(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? undefined
  if (text === '') return undefined
  return EJSON.parse(text, { relaxed: true })
}

/** Canonical EJSON, so that an integer stays an integer and a double a double across the round trip. */
export function toEjson(value: unknown): string {
  return EJSON.stringify(value as Record<string, unknown>, { relaxed: false })
}

/**
 * A plain object: its prototype null or an Object.prototype — of any realm: node:v8 deserializes into Node's
 * own constructors, which jest's sandbox does not share (a bson value's or a Date's prototype is not one).
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as object | null
  return proto === null || Object.getPrototypeOf(proto) === null
}

/** Replaces every `$tcb_server_date` marker with the server's clock (plus the marker's offset, ms). */
export function resolveServerDates(v: unknown, now: number): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveServerDates(x, now))
  if (!isPlainObject(v)) return v
  const keys = Object.keys(v)
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const offset = Number((v.$tcb_server_date as { offset?: unknown } | undefined)?.offset ?? 0)
    return new Date(now + (Number.isFinite(offset) ? offset : 0))
  }
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = resolveServerDates(v[k], now)
  return out
}

export { isPlainObject }
