// Pulls every JSON example and every event XML out of the reference documents, with the document and
// line each starts at, the API it belongs to (the nearest api.weixin.qq.com URL above it) and, when
// the example is not valid JSON, what is wrong with it and the JSON it reads as once that is repaired.
//
// The documents write JSON loosely: single quotes (card-api-guide.zh.txt), `//` comments after values,
// trailing commas, a missing comma between two members, elided bodies ("················", "..."),
// examples cut off mid-structure. Each repair is named in `defects`, so a fixture says how its
// document broke JSON and the conformance test pins the reading taken; what no repair can read stays
// `parse: 'invalid'` with the parser's complaint.

export interface Example {
  /** `<document>:<line>` — stable as long as the documents do not change */
  id: string
  doc: string
  line: number
  endLine: number
  kind: 'request' | 'response' | 'event'
  /** the API path, with `?action=` where the action selects the API (card/invoice/setbizattr) */
  endpoint: string
  /** the event name, for event XML */
  event?: string
  text: string
  parse: 'json' | 'repaired' | 'invalid' | 'xml'
  defects: string[]
  json?: unknown
  /** XML fields, for events */
  fields?: Record<string, string>
  error?: string
}

const URL_RE = /api\.weixin\.qq\.com\/([A-Za-z_/-]+?)\s*\?([^\s]*)/g

/** Every API path a document names (its api.weixin.qq.com URLs). */
export function documentedEndpoints(text: string): string[] {
  return [...new Set(endpointMarks(text).map(([, e]) => e))]
}

/** Where each API section starts: [index in text, endpoint]. */
function endpointMarks(text: string): [number, string][] {
  const marks: [number, string][] = []
  for (const m of text.matchAll(URL_RE)) {
    const path = m[1]!.replace(/\/+$/, '')
    const action = /(?:^|&)action=([a-z_]+)/.exec(m[2] ?? '')?.[1]
    const type = /(?:^|&)type=([a-z_]+)/.exec(m[2] ?? '')?.[1]
    marks.push([m.index!, action ? `${path}?action=${action}` : type && path.endsWith('getticket') ? `${path}?type=${type}` : path])
  }
  return marks
}

function lineAt(text: string, index: number): number {
  let n = 1
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++
  return n
}

/** The end of the brace-balanced block starting at `start` (strings in "…" or '…' skipped), or -1. */
function blockEnd(text: string, start: number): number {
  let depth = 0
  let quote = ''
  for (let i = start; i < text.length && i < start + 20000; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote || c === '\n') quote = ''
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i + 1
  }
  return -1
}

/** A `{` that opens a JSON object: not code (`f({`, `){`, `x = {`), followed by a key, a quote or `}`. */
function opensJson(text: string, i: number): boolean {
  let p = i - 1
  while (p >= 0 && (text[p] === ' ' || text[p] === '\t')) p--
  if (p >= 0 && /[()=$]/.test(text[p]!)) return false
  const after = /^\s*(["'}]|\n\s*["'])/.exec(text.slice(i + 1, i + 200))
  return !!after
}

/** Repairs the documents' loose JSON, naming each repair; undefined json when it still does not parse. */
export function readLooseJson(src: string): { json?: unknown; defects: string[]; error?: string } {
  const defects = new Set<string>()
  let out = ''
  let quote = ''
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!
    if (quote) {
      if (c === '\\') {
        out += c + (src[i + 1] ?? '')
        i++
        continue
      }
      if (c === quote) {
        out += '"'
        quote = ''
        continue
      }
      if (c === '\n') {
        defects.add('a string broken across lines')
        continue
      }
      out += c === '"' ? '\\"' : c
      continue
    }
    if (c === '"' || c === "'") {
      if (c === "'") defects.add('single quotes instead of double quotes')
      quote = c
      out += '"'
      continue
    }
    if (c === '/' && src[i + 1] === '/') {
      defects.add('a // comment')
      while (i < src.length && src[i] !== '\n') i++
      out += '\n'
      continue
    }
    if (c === '·' || (c === '.' && src.slice(i, i + 3) === '...')) {
      defects.add('an elided part (··· or ...)')
      while (i < src.length && (src[i] === '·' || src[i] === '.')) i++
      i--
      continue
    }
    if (c === '\u00a0' || c === '\u3000') {
      defects.add('non-breaking or full-width spaces')
      out += ' '
      continue
    }
    out += c
  }
  // Trailing commas, then a missing comma between two members ("web""IsChatRoom", `} "x"`, `1 "x"`).
  let fixed = out.replace(/,(\s*[}\]])/g, (_m, close: string) => {
    defects.add('a trailing comma')
    return close
  })
  fixed = fixed.replace(/(["}\]\d]|true|false|null)(\s*)("[^"\n]*"\s*:)/g, (m, a: string, ws: string, key: string) => {
    defects.add('a missing comma between members')
    return `${a},${ws}${key}`
  })
  try {
    const json = trimKeys(JSON.parse(fixed), () => defects.add('a key with a stray space'))
    return { json, defects: [...defects] }
  } catch (err) {
    return { defects: [...defects], error: (err as Error).message }
  }
}

/** `"biz_field "` → `"biz_field"`: a space inside the quotes is the document's typo, not a field name. */
function trimKeys(v: unknown, found: () => void): unknown {
  if (Array.isArray(v)) return v.map((x) => trimKeys(x, found))
  if (!v || typeof v !== 'object') return v
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      if (k !== k.trim()) found()
      return [k.trim(), trimKeys(x, found)]
    }),
  )
}

/** The flat fields of an event's XML (CDATA or plain, whitespace around values trimmed). */
export function xmlFields(xml: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of xml.matchAll(/<([A-Za-z]+)>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*?))\s*<\/\1>/g))
    out[m[1]!] = (m[2] ?? m[3] ?? '').trim()
  return out
}

export function extractExamples(doc: string, text: string): Example[] {
  const marks = endpointMarks(text)
  const endpointAt = (i: number) => marks.filter(([at]) => at < i).at(-1)?.[1] ?? ''
  const out: Example[] = []
  // Two examples can start on one line ("Request: {} Return: {…}"): the second id gets "#2".
  const idAt = (line: number) => {
    const n = out.filter((e) => e.line === line).length
    return n ? `${doc}:${line}#${n + 1}` : `${doc}:${line}`
  }
  let from = 0
  for (let i = 0; i < text.length; i++) {
    if (i < from) continue
    if (text.startsWith('<xml>', i)) {
      const end = text.indexOf('</xml>', i)
      if (end === -1) continue
      const xml = text.slice(i, end + 6)
      const fields = xmlFields(xml)
      const line = lineAt(text, i)
      out.push({
        id: idAt(line),
        doc,
        line,
        endLine: lineAt(text, end),
        kind: 'event',
        endpoint: '',
        event: fields.Event ?? '',
        text: xml,
        parse: 'xml',
        defects: [],
        fields,
      })
      from = end + 6
      continue
    }
    if (text[i] !== '{' || !opensJson(text, i)) continue
    const end = blockEnd(text, i)
    const line = lineAt(text, i)
    const raw = end === -1 ? text.slice(i, text.indexOf('\n\n', i) === -1 ? i + 200 : text.indexOf('\n\n', i)) : text.slice(i, end)
    const read = end === -1 ? { defects: ['unbalanced braces'], error: 'the example never closes' } : readLooseJson(raw)
    const json = read.json as Record<string, unknown> | undefined
    const kind = json && typeof json === 'object' && 'errcode' in json ? 'response' : 'request'
    out.push({
      id: idAt(line),
      doc,
      line,
      endLine: lineAt(text, i + raw.length),
      kind,
      endpoint: endpointAt(i),
      text: raw,
      parse: read.json === undefined ? 'invalid' : read.defects.length ? 'repaired' : 'json',
      defects: read.defects,
      ...(read.json !== undefined ? { json: read.json } : {}),
      ...(read.error ? { error: read.error } : {}),
    })
    from = end === -1 ? i + 1 : end
  }
  return out
}
