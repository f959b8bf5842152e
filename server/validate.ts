// Input checks for everything that arrives from a client, a push or a file. Each failure names the field.
import { invalid } from './errors'

export type Input = Record<string, unknown>

export function asInput(v: unknown, what = 'event'): Input {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(what, 'must be a JSON object')
  return v as Input
}

const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Refuses an input with a key that could reach an object's prototype when merged or spread (anywhere
 * in it, to a bounded depth): no such key is ever meaningful to a function.
 */
export function assertNoProtoKeys(v: unknown, path = 'event', depth = 0): void {
  if (typeof v !== 'object' || v === null) return
  if (depth > 20) throw invalid(path, 'is nested too deeply')
  for (const [k, child] of Object.entries(v)) {
    if (PROTO_KEYS.has(k)) throw invalid(`${path}.${k}`, 'is not an allowed key')
    assertNoProtoKeys(child, `${path}.${k}`, depth + 1)
  }
}

export function str(input: Input, field: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string {
  const v = input[field]
  if (typeof v !== 'string' || v.length === 0) throw invalid(field, 'must be a non-empty string')
  if (opts.min !== undefined && v.length < opts.min) throw invalid(field, `must be at least ${opts.min} characters`)
  const max = opts.max ?? 256
  if (v.length > max) throw invalid(field, `must be at most ${max} characters`)
  if (opts.pattern && !opts.pattern.test(v)) throw invalid(field, `has an invalid format`)
  // An id used as a key must never name a prototype (`__proto__` matches most id patterns).
  if (PROTO_KEYS.has(v)) throw invalid(field, 'is not an allowed value')
  return v
}

export function optStr(input: Input, field: string, opts: { max?: number; pattern?: RegExp } = {}): string | undefined {
  return input[field] === undefined ? undefined : str(input, field, opts)
}

/** An optional true/false flag: absent is false. */
export function optBool(input: Input, field: string): boolean {
  const v = input[field]
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw invalid(field, 'must be true or false')
  return v
}

export function int(input: Input, field: string, opts: { min?: number; max?: number } = {}): number {
  const v = input[field]
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(field, 'must be an integer')
  if (opts.min !== undefined && v < opts.min) throw invalid(field, `must be at least ${opts.min}`)
  if (opts.max !== undefined && v > opts.max) throw invalid(field, `must be at most ${opts.max}`)
  return v
}

export function optInt(input: Input, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  return input[field] === undefined ? undefined : int(input, field, opts)
}

export function arr(input: Input, field: string, opts: { min?: number; max?: number } = {}): unknown[] {
  const v = input[field]
  if (!Array.isArray(v)) throw invalid(field, 'must be an array')
  if (opts.min !== undefined && v.length < opts.min) throw invalid(field, `must have at least ${opts.min} item(s)`)
  if (opts.max !== undefined && v.length > opts.max) throw invalid(field, `must have at most ${opts.max} items`)
  return v
}
