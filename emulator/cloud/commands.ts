// db.command operators and how they apply. Faithful to the cloud database's semantics where the product
// relies on them: plain nested objects in update() merge field by field; `set` replaces the document.

import { deserialize, serialize } from 'node:v8'

export const CMD = Symbol.for('wxemu.db.command')

/** A deep copy of stored data (plain objects, arrays, dates), independent of the caller's realm. */
export function clone<T>(v: T): T {
  return deserialize(serialize(v)) as T
}

export interface Cmd {
  readonly [CMD]: true
  readonly __cmd: string
  readonly value: unknown
}

function cmd(name: string, value?: unknown): Cmd {
  return { [CMD]: true, __cmd: name, value }
}

function logical(name: 'or' | 'and', conditions: Record<string, unknown>[]): Cmd {
  if (!Array.isArray(conditions) || conditions.length === 0) throw new TypeError(`_.${name} takes a non-empty array of conditions`)
  return cmd(name, conditions)
}

export function isCmd(v: unknown): v is Cmd {
  return typeof v === 'object' && v !== null && (v as Cmd)[CMD] === true
}

export const command = {
  eq: (v: unknown) => cmd('eq', v),
  neq: (v: unknown) => cmd('neq', v),
  gt: (v: unknown) => cmd('gt', v),
  gte: (v: unknown) => cmd('gte', v),
  lt: (v: unknown) => cmd('lt', v),
  lte: (v: unknown) => cmd('lte', v),
  in: (v: unknown[]) => cmd('in', v),
  nin: (v: unknown[]) => cmd('nin', v),
  /** Cross-field logic, as a whole where() argument: `where(_.or([{a: 1}, {b: _.gt(2)}]))`. */
  or: (conditions: Record<string, unknown>[]) => logical('or', conditions),
  and: (conditions: Record<string, unknown>[]) => logical('and', conditions),
  inc: (n: number) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError('_.inc takes a finite number')
    return cmd('inc', n)
  },
  remove: () => cmd('remove'),
}

const QUERY_OPS: Record<string, string> = {
  neq: '$ne', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte', in: '$in', nin: '$nin',
}

/** A where() condition in the cloud form → the embedded store's query. */
export function toStoreQuery(where: Record<string, unknown>): Record<string, unknown> {
  if (isCmd(where)) {
    if (where.__cmd !== 'or' && where.__cmd !== 'and') throw new Error(`where: operator ${where.__cmd} cannot stand for a whole condition`)
    return { [`$${where.__cmd}`]: (where.value as Record<string, unknown>[]).map(toStoreQuery) }
  }
  const out: Record<string, unknown> = {}
  for (const [field, v] of Object.entries(where)) {
    if (isCmd(v)) {
      if (v.__cmd === 'eq') out[field] = v.value
      else if (QUERY_OPS[v.__cmd]) out[field] = { [QUERY_OPS[v.__cmd]!]: v.value }
      else throw new Error(`where: operator ${v.__cmd} is not a query operator`)
    } else {
      out[field] = v
    }
  }
  return out
}

/** A plain object from any realm (structuredClone and the embedded store may hand out another realm's). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isCmd(v)) return false
  const proto = Object.getPrototypeOf(v) as object | null
  return proto === null || Object.getPrototypeOf(proto) === null
}

function setPath(doc: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = doc
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {}
    cur = cur[key] as Record<string, unknown>
  }
  cur[path[path.length - 1]!] = value
}

function getPath(doc: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = doc
  for (const key of path) cur = isPlainObject(cur) ? cur[key] : undefined
  return cur
}

function removePath(doc: Record<string, unknown>, path: string[]): void {
  const parent = getPath(doc, path.slice(0, -1))
  if (isPlainObject(parent)) delete parent[path[path.length - 1]!]
}

/** Applies an update() body to a copy of `doc`, as the cloud database does. */
export function applyUpdate(doc: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const next = clone(doc)
  const walk = (prefix: string[], obj: Record<string, unknown>) => {
    for (const [key, v] of Object.entries(obj)) {
      if (key === '_id') throw new Error('update: _id cannot be changed')
      const path = [...prefix, ...key.split('.')]
      if (isCmd(v)) {
        if (v.__cmd === 'inc') {
          const cur = getPath(next, path)
          if (cur !== undefined && typeof cur !== 'number') throw new Error(`update: cannot inc non-number field ${path.join('.')}`)
          setPath(next, path, ((cur as number | undefined) ?? 0) + (v.value as number))
        } else if (v.__cmd === 'remove') {
          removePath(next, path)
        } else {
          throw new Error(`update: operator ${v.__cmd} is not an update operator`)
        }
      } else if (isPlainObject(v) && Object.keys(v).length > 0) {
        walk(path, v)
      } else {
        setPath(next, path, clone(v))
      }
    }
  }
  walk([], data)
  return next
}

/** Rejects values the cloud database cannot store (functions, commands in a set(), undefined in arrays). */
export function assertStorable(data: Record<string, unknown>, where: string): void {
  const visit = (v: unknown, path: string) => {
    if (isCmd(v)) throw new Error(`${where}: ${path} holds a command, which only update() accepts`)
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new Error(`${where}: ${path} holds a ${typeof v}, which cannot be stored`)
    }
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}[${i}]`))
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$') || k.includes('.')) throw new Error(`${where}: field name ${path}.${k} may not start with $ or contain a dot`)
      visit(x, `${path}.${k}`)
    }
  }
  for (const [k, v] of Object.entries(data)) visit(v, k)
}
