// The functions' contract (contract/actions/) against what docs/functions-api.md documents and what the
// handlers dispatch: a field added to a schema and not to the document (or the other way), or an action
// a handler runs without a schema, fails here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { actions } from '../../contract/actions'

const DOC = readFileSync(join(__dirname, '../../docs/functions-api.md'), 'utf8')
const FUNCTIONS = Object.keys(actions) as (keyof typeof actions)[]

/** The text with every (…), {…} and […] group taken out, nested ones too: what is left is the top level. */
function topLevel(text: string): string {
  let out = ''
  let depth = 0
  for (const ch of text) {
    if ('({['.includes(ch)) depth++
    else if (')}]'.includes(ch)) depth = Math.max(0, depth - 1)
    else if (depth === 0) out += ch
  }
  return out
}

/** The field names a table's fields cell lists: `name` or `name?` at the top level of each `…` span. */
function fieldsOf(cell: string): string[] {
  const names: string[] = []
  for (const [, span] of topLevel(cell).matchAll(/`([^`]*)`/g)) {
    for (const piece of (span ?? '').split(',')) {
      const m = /^\s*([a-z][A-Za-z0-9]*)\??\s*(:|$)/.exec(piece) ?? /^\s*([a-z][A-Za-z0-9]*)\??\s*$/.exec(piece.trim())
      if (m?.[1]) names.push(m[1])
    }
  }
  return names
}

/** function → action → the fields the document lists for it (the union of every row naming it). */
function documented(): Map<string, Map<string, Set<string>>> {
  const docs = new Map<string, Map<string, Set<string>>>()
  let fn = ''
  for (const line of DOC.split('\n')) {
    const heading = /^#{2,3} (?:merchant|The merchant console)|^#{2,3} (\w+)/.exec(line)
    if (heading) fn = line.includes('merchant') && !heading[1] ? 'merchant' : (heading[1] ?? 'merchant')
    if (!line.startsWith('| `')) continue
    const [, first = '', fieldsCell = ''] = line.split(/(?<!\\)\|/).map((c) => c.trim())
    const names = [...first.matchAll(/`([\w.]+)`/g)].map((m) => m[1] ?? '')
    const perAction = names.length > 1 && topLevel(fieldsCell).includes(' / ') ? topLevel(fieldsCell).split(' / ') : undefined
    names.forEach((name, i) => {
      const [f = fn, action = name] = name.includes('.') ? name.split('.') : [fn, name]
      const fields = fieldsOf(perAction ? (perAction[i] ?? '') : fieldsCell)
      const ofFn = docs.get(f) ?? new Map<string, Set<string>>()
      const known = ofFn.get(action) ?? new Set<string>()
      fields.forEach((x) => known.add(x))
      docs.set(f, ofFn.set(action, known))
    })
  }
  return docs
}

const docs = documented()

describe.each(FUNCTIONS)('%s: the schemas and docs/functions-api.md', (fn) => {
  test('every action with a schema is documented, and every documented action has a schema', () => {
    expect([...(docs.get(fn)?.keys() ?? [])].sort()).toEqual(Object.keys(actions[fn]).sort())
  })

  test.each(Object.keys(actions[fn]))('%s: the input fields are the documented ones', (name) => {
    const schema = (actions[fn] as Record<string, { input: { entries: Record<string, unknown> } }>)[name]
    expect(Object.keys(schema?.input.entries ?? {}).sort()).toEqual([...(docs.get(fn)?.get(name) ?? [])].sort())
  })
})

describe('the handlers dispatch exactly the actions that have a schema', () => {
  test.each(FUNCTIONS)('%s', async (fn) => {
    const { main } = (await import(`../../cloudfunctions/${fn}/index`)) as {
      main: (e: unknown) => Promise<{ errcode: number; errmsg: string }>
    }
    const r = await main({ action: 'no-such-action' })
    expect(r.errcode).toBe(1002)
    const known = r.errmsg.replace(/^.*known: /, '').split(', ')
    expect(known.sort()).toEqual(Object.keys(actions[fn]).sort())
  })
})
