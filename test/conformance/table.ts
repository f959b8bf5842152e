// The conformance table: every API and event the documents name, whether the emulator serves it, the
// product's client calls it, the product (functions and domain) uses it, and how its examples fare.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { EVENT_FIELDS } from '../../server/wechat/events'
import { CLIENT_CALLS } from './client-side'
import type { Corpus } from './corpus'
import type { RuleOutcome } from './rule-table'
import { served as emulatorServes } from './emulator-side'

export interface Outcome {
  id: string
  endpoint: string
  kind: string
  client?: string
  emulator?: number
  verbatim?: number
  clientMissing?: string[]
  emulatorDiff?: string[]
  invalid?: string
  pass?: boolean
  pinned?: boolean
}

const ROOT = join(__dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : []
  })
}

let productText: string | undefined
/** The product's own code that talks to WeChat's APIs and handles its events (not the client itself). */
function product(): string {
  productText ??= [join(ROOT, 'server', 'domain'), join(ROOT, 'server', 'platform'), join(ROOT, 'cloudfunctions')]
    .flatMap(sources)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
  return productText
}

/** The client method behind an endpoint, read from CLIENT_CALLS' source: `wx.code.get(` → code.get. */
function clientMethod(endpoint: string): string | undefined {
  const src = readFileSync(join(__dirname, 'client-side.ts'), 'utf8')
  // An entry may span lines (the formatter wraps long ones): read from its key to the next key.
  const lines = src.split('\n')
  const at = lines.findIndex((l) => l.trimStart().startsWith(`'${endpoint}':`))
  if (at < 0) return undefined
  const end = lines.findIndex((l, i) => i > at && /^\s*'[^']+':/.test(l))
  return /wx\.(\w+\.\w+)\(/.exec(lines.slice(at, end < 0 ? undefined : end).join(' '))?.[1]
}

export function productUses(name: string): boolean {
  if (name in EVENT_FIELDS) return new RegExp(`'${name}'`).test(product())
  if (name === 'cgi-bin/ticket/getticket?type=wx_card') return product().includes('cardTicket.get(')
  if (name === 'cgi-bin/media/uploadimg') return product().includes('.media.uploadImg(')
  const m = clientMethod(name)
  return !!m && product().includes(`.${m}(`)
}

const yes = (b: boolean) => (b ? 'yes' : '–')

const SHORT: Record<string, string> = {
  'gift-card-api.en.txt': 'gift',
  'card-getting-started.en.txt': 'start',
  'member-card-management.en.txt': 'member',
  'card-api-guide.zh.txt': 'guide',
  'friend-coupons.zh.txt': 'friend',
}

export function renderTable(corpus: Corpus, outcomes: Map<string, Outcome>): string {
  const rows: string[][] = [
    ['API / event', 'documents', 'emulator serves', 'client calls', 'product uses', 'examples passing', 'pinned readings'],
  ]
  const docsShort = (docs: string[]) => docs.map((d) => SHORT[d] ?? d).join(' ')
  const examplesOf = (name: string) => corpus.examples.filter((e) => (e.kind === 'event' ? e.event : e.endpoint) === name)
  const tally = (name: string) => {
    const ex = examplesOf(name)
    const done = ex.map((e) => outcomes.get(e.id)).filter((o): o is Outcome => !!o)
    const checked = done.filter((o) => o.pass !== undefined)
    const passing =
      ex.length === 0
        ? '—'
        : checked.length === 0
          ? `not checked (${ex.length})`
          : `${checked.filter((o) => o.pass).length}/${checked.length}`
    return [passing, String(done.filter((o) => o.pinned).length || '')]
  }
  let total = 0
  let passed = 0
  for (const [name, docs] of Object.entries(corpus.endpoints).sort()) {
    const served = emulatorServes(name)
    const called = !!CLIENT_CALLS[name] || name === 'cgi-bin/media/uploadimg'
    rows.push([name, docsShort(docs), yes(served), yes(called), yes(productUses(name)), ...tally(name)])
  }
  for (const [name, docs] of Object.entries(corpus.events).sort()) {
    rows.push([`event ${name}`, docsShort(docs), yes(true), yes(name in EVENT_FIELDS), yes(productUses(name)), ...tally(name)])
  }
  for (const o of outcomes.values()) {
    if (o.pass === undefined) continue
    total++
    if (o.pass) passed++
  }
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`
  const sep = `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`
  const unplaced = corpus.examples.filter((e) => !e.endpoint && e.kind !== 'event').length
  return [
    `Conformance to the reference documents: ${corpus.examples.length} examples (${corpus.examples.filter((e) => e.parse === 'repaired').length} repaired, ${corpus.examples.filter((e) => e.parse === 'invalid').length} not JSON), ${passed}/${total} checked examples passing${unplaced ? `, ${unplaced} without an API` : ''} (requests sent with the documents' own values, only ids that must exist substituted; replies and events compared field by field, by JSON type at every depth and by value where the document gives one)`,
    `documents: ${Object.entries(SHORT)
      .map(([d, a]) => `${a} = ${d}`)
      .join(', ')}`,
    line(rows[0]!),
    sep,
    ...rows.slice(1).map(line),
  ].join('\n')
}

const show = (v: unknown) => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v))

/** The rule table: each rule, where the document states it, what the emulator and the client did. */
export function renderRuleTable(outcomes: Map<string, RuleOutcome>): string {
  const rows: string[][] = [['rule', 'document:line', 'kind', 'API', 'emulator (want)', 'client', 'pass', 'the document’s words']]
  for (const o of outcomes.values()) {
    const r = o.rule
    const quote = r.quote.length > 48 ? `${r.quote.slice(0, 47)}…` : r.quote
    rows.push([
      o.name,
      `${SHORT[r.doc] ?? r.doc}:${r.line}`,
      r.kind,
      r.endpoint,
      `${show(o.emulator)} (${show(r.want)})`,
      o.client ?? '–',
      o.pass ? 'yes' : 'NO',
      quote,
    ])
  }
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c + ' '.repeat(width[i]! - [...c].length)).join(' | ')} |`
  const sep = `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`
  const passed = [...outcomes.values()].filter((o) => o.pass).length
  const byKind = (k: string) => [...outcomes.values()].filter((o) => o.rule.kind === k).length
  const clientRules = [...outcomes.values()].filter((o) => o.client !== undefined).length
  return [
    `Rules the documents state: ${passed}/${outcomes.size} passing (${byKind('limit')} limits, ${byKind('errcode')} errcodes, ${byKind('transition')} transitions; ${clientRules} also checked by the client before sending)`,
    line(rows[0]!),
    sep,
    ...rows.slice(1).map(line),
  ].join('\n')
}
