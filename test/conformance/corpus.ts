// The corpus: the five reference documents' examples, extracted once into examples.json (committed,
// so the tests need no copy of the documents) and re-checked against the documents when they are here.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CARD_EVENT_NAMES } from '../../server/wechat/events'
import { documentedEndpoints, extractExamples, type Example } from './extract'
import { SECTION_FIXES } from './sections'

export const REFERENCE_DOCS = [
  'gift-card-api.en.txt',
  'card-getting-started.en.txt',
  'member-card-management.en.txt',
  'card-api-guide.zh.txt',
  'friend-coupons.zh.txt',
]
export const EXAMPLES_FILE = join(__dirname, 'examples.json')
export const REFERENCE_DIR = process.env.REFERENCE_DIR || '/work/shared/reference'

export type CorpusExample = Example & { sectionFix?: string }

export interface Corpus {
  /** API paths the documents name, with the documents naming each */
  endpoints: Record<string, string[]>
  /** card event names the documents mention, with the documents mentioning each */
  events: Record<string, string[]>
  examples: CorpusExample[]
}

const EVENT_NAME =
  /\b(user_[a-z_]+|card_(?:pass|not_pass)_check|card_sku_remind|card_pay_order|giftcard_[a-z_]+|update_member_card|submit_membercard_user_info)\b/g

export function extractAll(dir: string): Corpus {
  const corpus: Corpus = { endpoints: {}, events: {}, examples: [] }
  for (const doc of REFERENCE_DOCS) {
    const text = readFileSync(join(dir, doc), 'utf8')
    for (const e of documentedEndpoints(text)) (corpus.endpoints[e] ??= []).push(doc)
    const named = new Set(
      [...text.matchAll(EVENT_NAME)]
        .map((m) => m[1]!)
        .filter((n) => (CARD_EVENT_NAMES as string[]).includes(n) || text.includes(`<Event><![CDATA[${n}]]>`)),
    )
    for (const n of named) (corpus.events[n] ??= []).push(doc)
    for (const e of extractExamples(doc, text)) {
      const fix = SECTION_FIXES[e.id]
      const ex: CorpusExample = fix
        ? { ...e, ...(fix.endpoint ? { endpoint: fix.endpoint } : {}), ...(fix.kind ? { kind: fix.kind } : {}), sectionFix: fix.why }
        : e
      if (ex.endpoint && !corpus.endpoints[ex.endpoint]?.includes(doc)) (corpus.endpoints[ex.endpoint] ??= []).push(doc)
      corpus.examples.push(ex)
    }
  }
  return corpus
}

export function loadCorpus(): Corpus {
  return JSON.parse(readFileSync(EXAMPLES_FILE, 'utf8')) as Corpus
}

export const referenceAvailable = () => REFERENCE_DOCS.every((d) => existsSync(join(REFERENCE_DIR, d)))
