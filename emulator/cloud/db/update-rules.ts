// The rules MongoDB checks when it applies an update, which mingo does not: mingo silently skips an
// operator that does not fit the document ($inc of a string, $push onto a number, a field created inside a
// number), where MongoDB fails the whole write and changes nothing. A CloudBase record is a MongoDB
// document ("单条记录大小受底层 BSON 限制", doc-store.ts), and the service passes MongoDB's refusal through as
// DATABASE_REQUEST_FAILED (-502001 in the SDK: "数据库请求失败,数据库通用错误"), as it does a duplicate _id
// (errors.ts). Sources, MongoDB manual: update operators' behaviour ($inc: "Use of the $inc operator on a field
// with a null value will generate an error"; $push: "If the field is not an array, the operation will fail";
// $pop/$pull: "fails if the <field> is not an array"), and "Update Operators → Behavior": two operators may
// not name the same path or one inside the other.
//
// A positional path ($, $[], $[id]) is left to mingo; $rename's target is checked for conflicts only.
import { DbError } from './errors'
import { isPlainObject, type Doc } from './ejson'

/**
 * Operators that create what their path leads to: a path through a non-document fails them ($setOnInsert
 * does nothing on an update).
 */
const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$currentDate', '$push', '$addToSet'])
const NUMERIC = new Set(['$inc', '$mul'])
/** Operators on an array field: a field there that is not an array fails them. */
const ON_ARRAYS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll'])

const refused = (message: string) => new DbError('DATABASE_REQUEST_FAILED', message)

/** By tag: a Date of another realm (node:v8 deserializes into Node's own) is one too. */
const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]'

/** MongoDB's name for a value's BSON type, as its messages give it. */
function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (isDate(v)) return 'date'
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double'
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    default:
      return 'object'
  }
}

/** A value as MongoDB prints it in a message (short: scalars, or the container's kind). */
function shown(v: unknown): string {
  if (Array.isArray(v)) return `[ ${v.length} items ]`
  if (isPlainObject(v)) return '{ … }'
  return typeof v === 'string' ? JSON.stringify(v) : isDate(v) ? `new Date(${v.getTime()})` : String(v)
}

/** A path segment naming an array element (MongoDB's dotted index). */
export const isIndex = (seg: string) => /^(0|[1-9]\d*)$/.test(seg)

/**
 * Where `path` leads in `doc`: the value at its end (undefined: not there), or the first element on the
 * way that cannot hold the next field (a scalar, or an array asked for a field name).
 */
function follow(doc: Doc, path: string[]): { value: unknown } | { blocked: { field: string; name: string; element: unknown } } {
  let cur: unknown = doc
  let name = ''
  for (const seg of path) {
    if (cur === undefined) return { value: undefined }
    const holds = isPlainObject(cur) || (Array.isArray(cur) && isIndex(seg))
    if (!holds) return { blocked: { field: seg, name, element: cur } }
    cur = (cur as Record<string, unknown>)[seg]
    name = seg
  }
  return { value: cur }
}

/** Refuses `modifier` on `cur` as MongoDB would (DATABASE_REQUEST_FAILED in its words); returns when it applies. */
export function assertUpdateApplies(cur: Doc, modifier: Record<string, Record<string, unknown>>): void {
  const paths: { path: string; segs: string[] }[] = []
  for (const [op, fields] of Object.entries(modifier)) {
    if (!isPlainObject(fields)) continue
    for (const [field, arg] of Object.entries(fields)) {
      const segs = field.split('.')
      paths.push({ path: field, segs })
      if (op === '$rename' && typeof arg === 'string') paths.push({ path: arg, segs: arg.split('.') })
      if (segs.some((s) => s.startsWith('$'))) continue
      if (NUMERIC.has(op) && typeof arg !== 'number') {
        throw refused(`Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${field}: ${shown(arg)}}`)
      }
      const at = follow(cur, segs)
      if ('blocked' in at) {
        if (!CREATING.has(op)) continue
        const { field: f, name, element } = at.blocked
        throw refused(`Cannot create field '${f}' in element {${name}: ${shown(element)}}`)
      }
      const value = at.value
      if (value === undefined) continue
      if (NUMERIC.has(op) && typeof value !== 'number') {
        throw refused(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(cur._id)}} has the field '${segs.at(-1)}' of non-numeric type ${typeName(value)}`,
        )
      }
      if (ON_ARRAYS.has(op) && !Array.isArray(value)) {
        throw refused(
          `The field '${field}' must be an array but is of type ${typeName(value)} in document {_id: ${JSON.stringify(cur._id)}}`,
        )
      }
    }
  }
  // No two operators on one path, or on a path and one inside it.
  paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const [a, b] = [paths[i]!, paths[j]!]
      if (!b.path.startsWith(a.path)) break
      if (b.segs.length >= a.segs.length && a.segs.every((s, n) => s === b.segs[n])) {
        throw refused(`Updating the path '${b.path}' would create a conflict at '${a.path}'`)
      }
    }
  }
}
