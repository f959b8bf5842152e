// The field rules every action's input is built from, each failing with the words the functions have
// always answered (`<field> must be …`, errcode 1001): the handler puts the field's path in front.
// Shared by the functions (which validate with them) and the Mini Program (which takes their types).
import * as v from 'valibot'

/** Keys and values that could reach an object's prototype when merged or spread: never meaningful here. */
export const PROTO_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

type Len = { min?: number; max?: number }

/**
 * A non-empty string of at most `max` characters (256 unless said), matching `pattern` when given, and
 * never `__proto__` and the like (most id patterns would let one through).
 */
export function str(opts: Len & { pattern?: RegExp } = {}) {
  const max = opts.max ?? 256
  return v.pipe(
    v.string('must be a non-empty string'),
    v.minLength(1, 'must be a non-empty string'),
    v.minLength(opts.min ?? 1, `must be at least ${opts.min ?? 1} characters`),
    v.maxLength(max, `must be at most ${max} characters`),
    v.regex(opts.pattern ?? /^/, 'has an invalid format'),
    v.check((s) => !PROTO_KEYS.has(s), 'is not an allowed value'),
  )
}

/** A safe integer within [min, max]. */
export function int(opts: Len = {}) {
  return v.pipe(
    v.number('must be an integer'),
    v.safeInteger('must be an integer'),
    v.minValue(opts.min ?? Number.MIN_SAFE_INTEGER, `must be at least ${opts.min}`),
    v.maxValue(opts.max ?? Number.MAX_SAFE_INTEGER, `must be at most ${opts.max}`),
  )
}

/** true or false. */
export const bool = () => v.boolean('must be true or false')

/** An optional flag: absent is false. */
export const flag = () => v.optional(bool(), false)

/** An object whose fields are the entries' (other keys are ignored, as they always were). */
export const obj = <E extends v.ObjectEntries>(entries: E) => v.object(entries, 'must be a JSON object')

/** A list of `min`–`max` items. */
export function list<T extends v.GenericSchema>(item: T, opts: Len & { message?: string } = {}) {
  return v.pipe(
    v.array(item, opts.message ?? 'must be an array'),
    v.minLength(opts.min ?? 0, `must have at least ${opts.min} item(s)`),
    v.maxLength(opts.max ?? Number.MAX_SAFE_INTEGER, `must have at most ${opts.max} items`),
  )
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * A body passed on whole to WeChat (a card/create body, a shelf page …) or to a rule module that checks it
 * field by field with the document's words (contract/card-rules.ts and server/wechat): here only a JSON
 * object, typed as what the receiver takes.
 */
export const body = <T extends object = Record<string, unknown>>() => v.custom<T>((x) => isObject(x), 'must be a JSON object')

/** One of `values`. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message = `must be one of ${values.join(', ')}`) =>
  v.picklist(values, message)

/**
 * An answer part whose shape is declared as a type elsewhere in contract/ (one declaration, shared).
 * Answers are not checked at run time: their schema gives the type the server must return and the
 * Mini Program receives.
 */
export const typed = <T>() => v.custom<T>(() => true)

/** The input of an action that takes no fields. */
export const NONE = v.object({})

// The ids and patterns the actions share.
export const ID = /^[A-Za-z0-9_-]+$/
export const CARD_ID = str({ max: 64, pattern: ID })
export const CODE = str({ max: 64, pattern: ID })
/** One purchase (a tap) as the page sees it: a retry with the same id is the same request. */
export const REQUEST_ID = str({ min: 8, max: 64, pattern: ID })
/** The `renewTicket: true` a signing action carries after a failed wx.addCard (docs/functions-api.md). */
export const RENEW_TICKET = flag()

/** The page a list action is asked for (issue 26): `cursor` of the page before, `limit` 1–100. */
export const PAGE = {
  cursor: v.optional(str({ max: 1024, pattern: /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/ })),
  limit: v.optional(int({ min: 1, max: 100 })),
}
/** …and the `offset` the lists documented before cursors, up to `max`. */
export const offset = (max: number) => v.optional(int({ min: 0, max }))
