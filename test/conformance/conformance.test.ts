// The conformance run, three parts, each printed by `npm run conformance` (test-results/conformance.txt):
// - every JSON example and event XML of the five reference documents (test/conformance/examples.json),
//   run against the product's client (its rules and the reply fields its types declare) and against the
//   emulator: requests sent with the document's own values (only ids that must exist replaced), replies
//   compared field by field by JSON type and, where the document gives one, by value, the world first put
//   in the state the example shows; the documents' events pushed by the emulator, parsed by the product
//   (server/wechat/events.ts) and compared with the document's. An example passes when the outcome is the
//   default — sent unchanged, every field declared and answered alike, errcode 0 — or the reading pinned
//   for it in readings.ts;
// - every event the emulator pushes, read whole by the product;
// - the rule table (rule-table.ts): the documents' limits, errcodes and transitions, each quoting its line,
//   on the emulator and, where it checks before sending, on the client.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { createWechatClient } from '../../server/wechat/client'
import { CARD_EVENT_NAMES, EVENT_FIELDS, parseEvent, type CardEventName, type PushedEvent } from '../../server/wechat/events'
import { startEmu, startReceiver, type Receiver } from '../helpers/emulator'
import { memoryStore } from '../helpers/store'
import { clientVerdict, CLIENT_CALLS, REPLY_KEYS, undeclaredReplyFields } from './client-side'
import { extractAll, loadCorpus, REFERENCE_DIR, referenceAvailable, type CorpusExample } from './corpus'
import { DEFECT_READINGS, READINGS, type Reading } from './readings'
import {
  asDocumented,
  buildWorld,
  callEmulator,
  cannedProbe,
  replyDiff,
  served,
  substitute,
  uploadProbe,
  type World,
} from './emulator-side'
import { xmlFields } from './extract'
import { giftCard, RULES, type DocRule, type RuleOutcome } from './rule-table'
import { productUses, renderRuleTable, renderTable, type Outcome } from './table'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const corpus = loadCorpus()
const TABLE_FILE = join(__dirname, '..', '..', 'test-results', 'conformance.txt')
const outcomes = new Map<string, Outcome>()
const ruleOutcomes = new Map<string, RuleOutcome>()
let pushedLine = ''
const BASE_FIELDS = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event']

let rx: Receiver
let emu: WechatEmulator
let world: World
let store: Awaited<ReturnType<typeof memoryStore>>
/** Every push the emulator has made so far, as XML, by event name. */
const pushesOf = (event: string) => emu.platform.s.pushes.filter((p) => p.event === event).map((p) => p.xml)

beforeAll(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx, { cardExtWindowSeconds: 300 })
  world = await buildWorld(emu)
  store = await memoryStore()
  // The event scenario, so that the emulator pushes every event it knows: a shelf order sent to a group
  // and accepted, a card gifted between friends, an invoice authorized and coins bought (in buildWorld),
  // a purchase for oneself (user_get_card), a card viewed, consumed, deleted, a member card filled in
  // and its points changed, a card's review refused (card_pass_check comes with every card created).
  const post = (path: string, body: unknown) => fetch(`${emu.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  await post('/__emu/giftcard/accept', { user: 'carol', orderId: world.chatRoomOrderId })
  await post('/__emu/client/gift', { from: 'alice', to: 'bob', cardId: world.gift, code: world.freshCode(world.gift) })
  const alice = async (path: string, body: J) => post(`/__emu/client/${path}`, { user: 'alice', ...body })
  const seen = world.freshCode(world.gift)
  await alice('openCard', { cardList: [{ cardId: world.gift, code: seen }] })
  await callEmulator(world, 'card/code/consume', { card_id: world.gift, code: seen })
  await alice('deleteCard', { cardId: world.gift, code: world.freshCode(world.gift) })
  const memberCode = world.freshCode(world.member)
  await alice('memberForm', { cardId: world.member, code: memberCode, fields: { USER_FORM_INFO_FLAG_MOBILE: '15521328888' } })
  await callEmulator(world, 'card/membercard/updateuser', {
    card_id: world.member,
    code: memberCode,
    add_bonus: 10,
    record_bonus: '消费送积分',
  })
  emu.platform.o.reviewSeconds = 3600
  const refused = (await callEmulator(world, 'card/create', giftCard(world))).card_id as string
  emu.platform.o.reviewSeconds = 0
  await post('/__emu/review/reject', { cardId: refused, reason: '卡券标题含有违规内容' })
  await emu.platform.settle()
})

afterAll(async () => {
  await emu?.stop()
  await rx?.close()
  // Printed here, and kept in test-results/ so `npm run conformance` can show it after jest's summary.
  const table = `${renderTable(corpus, outcomes)}\n\n${pushedLine}\n\n${renderRuleTable(ruleOutcomes)}`
  mkdirSync(dirname(TABLE_FILE), { recursive: true })
  writeFileSync(TABLE_FILE, `${table}\n`)
  process.stdout.write(`\n${table}\n`)
})

/** A client whose transport answers every call with errcode 0 and reports what it sent. */
function stubClient(onSend: (path: string, body: unknown) => void) {
  const fetchFn = (async (url: URL, init?: RequestInit) => {
    const path = new URL(url).pathname.replace(/^\//, '')
    onSend(path, typeof init?.body === 'string' ? JSON.parse(init.body) : undefined)
    return new Response(JSON.stringify({ errcode: 0, access_token: 'T', expires_in: 7200, ticket: 't', url: 'http://mmbiz.qpic.cn/x' }))
  }) as unknown as typeof fetch
  return createWechatClient({ store, appid: 'wxconformance', secret: 's', apiBase: 'https://wx.test', fetch: fetchFn })
}

if (referenceAvailable()) {
  test('examples.json is what the documents hold now (re-extracted from REFERENCE_DIR)', () => {
    expect(extractAll(REFERENCE_DIR)).toEqual(corpus)
  })
}

test('the corpus holds every kind of example the documents have', () => {
  const count = (k: string) => corpus.examples.filter((e) => e.kind === k).length
  expect([count('request') > 50, count('response') > 50, count('event')]).toEqual([true, true, 6])
})

test('every defect the documents’ JSON shows has a reading', () => {
  const defects = new Set(corpus.examples.flatMap((e) => e.defects))
  expect([...defects].filter((d) => !DEFECT_READINGS[d])).toEqual([])
})

async function requestOutcome(ex: CorpusExample): Promise<Outcome> {
  const out: Outcome = { id: ex.id, endpoint: ex.endpoint, kind: ex.kind }
  if (CLIENT_CALLS[ex.endpoint]) out.client = await clientVerdict(stubClient, ex.endpoint, ex.json as J)
  if (served(ex.endpoint)) {
    const body = await substitute(world, ex.endpoint, ex.json as J, ex.doc)
    out.emulator = (await callEmulator(world, ex.endpoint, body)).errcode as number
    if (ex.defects.length) {
      // As written (single quotes, comments, trailing commas…), WeChat's strict JSON parser refuses it.
      const [path, query] = ex.endpoint.split('?')
      const res = await fetch(`${emu.url}/${path}?access_token=${await world.token()}${query ? `&${query}` : ''}`, {
        method: 'POST',
        body: ex.text,
      })
      out.verbatim = ((await res.json()) as J).errcode as number
    }
  }
  return out
}

/** The request that makes the emulator produce this reply: the same section's request example, else {}. */
function probeFor(ex: CorpusExample): CorpusExample | undefined {
  return corpus.examples
    .filter((e) => e.kind === 'request' && e.endpoint === ex.endpoint && e.doc === ex.doc && e.line < ex.line && e.json !== undefined)
    .at(-1)
}

async function responseOutcome(ex: CorpusExample): Promise<Outcome> {
  const out: Outcome = { id: ex.id, endpoint: ex.endpoint, kind: ex.kind }
  const doc = ex.json as J
  if (REPLY_KEYS[ex.endpoint]) out.clientMissing = undeclaredReplyFields(ex.endpoint, doc)
  // An error example (errcode ≠ 0) documents a refusal, not fields.
  if (served(ex.endpoint) && (doc.errcode ?? 0) === 0) {
    const probe = probeFor(ex)
    const canned = await cannedProbe(world, ex.endpoint, ex.id)
    const useCanned = canned && (!probe || (READINGS[probe.id]?.emulator ?? 0) !== 0 || ex.id === 'gift-card-api.en.txt:2237')
    const body = asDocumented(
      world,
      ex.endpoint,
      useCanned ? canned : probe ? await substitute(world, ex.endpoint, probe.json as J, ex.doc) : {},
      doc,
    )
    const reply = ex.endpoint === 'cgi-bin/media/uploadimg' ? await uploadProbe(world) : await callEmulator(world, ex.endpoint, body)
    out.emulator = reply.errcode as number
    out.emulatorDiff = reply.errcode === 0 ? replyDiff(doc, reply) : []
  }
  return out
}

/**
 * How the product reads the emulator's push of an event, against how it reads the document's example:
 * every field of the example present, of the same type once parsed (server/wechat/events.ts), and the
 * values the document gives as rules (MsgType, Event) equal.
 */
function eventDiff(doc: PushedEvent, got: PushedEvent): string[] {
  const d = (doc.known ? doc : { ...doc, ...doc.fields }) as unknown as J
  const g = (got.known ? got : { ...got, ...got.fields }) as unknown as J
  const out: string[] = []
  for (const [k, v] of Object.entries(d)) {
    if (k === 'known' || k === 'fields') continue
    if (g[k] === undefined) out.push(`missing: ${k}`)
    else if (typeof g[k] !== typeof v) out.push(`type: ${k} ${typeof v}→${typeof g[k]}`)
    else if ((k === 'MsgType' || k === 'Event') && g[k] !== v) out.push(`value: ${k} ${String(v)}→${String(g[k])}`)
  }
  return out
}

function eventOutcome(ex: CorpusExample): Outcome {
  const out: Outcome = { id: ex.id, endpoint: ex.event!, kind: 'event' }
  const fields = Object.keys(ex.fields ?? {}).filter((f) => !BASE_FIELDS.includes(f))
  let doc: PushedEvent | undefined
  try {
    doc = parseEvent(ex.text)
    const known = doc.known ? Object.keys(EVENT_FIELDS[doc.Event as CardEventName]) : []
    const undeclared = fields.filter((f) => !known.includes(f))
    out.client = !doc.known
      ? 'refused: unknown event'
      : undeclared.length
        ? `sent differently: undeclared ${undeclared.join(', ')}`
        : 'sent'
  } catch (err) {
    out.client = `refused: ${(err as Error).message}`
  }
  const pushed = pushesOf(ex.event!)
  if (pushed.length && doc) {
    // The push that matches the example best (a scenario may push one event in several shapes).
    out.emulatorDiff = pushed.map((xml) => eventDiff(doc!, parseEvent(xml))).sort((a, b) => a.length - b.length)[0]
    out.emulator = 0
  }
  return out
}

/** What the example must give: the defaults, or its pinned reading. */
function expected(ex: CorpusExample, got: Outcome): Omit<Outcome, 'id' | 'endpoint' | 'kind'> {
  const pin: Reading = READINGS[ex.id] ?? { why: '' }
  const want: Omit<Outcome, 'id' | 'endpoint' | 'kind'> = {}
  if (got.client !== undefined) want.client = pin.client ?? 'sent'
  if (got.emulator !== undefined) want.emulator = pin.emulator ?? 0
  if (got.verbatim !== undefined) want.verbatim = 47001
  if (got.clientMissing !== undefined) want.clientMissing = pin.clientMissing ?? []
  if (got.emulatorDiff !== undefined) want.emulatorDiff = pin.emulatorDiff ?? []
  return want
}

describe('every example of the documents', () => {
  test.each(corpus.examples.map((e) => [`${e.id} ${e.kind} ${e.endpoint || e.event}`, e] as const))('%s', async (_name, ex) => {
    let got: Outcome
    if (ex.kind === 'event') got = eventOutcome(ex)
    else if (ex.json === undefined) {
      // Not JSON even after the repairs: the reading must say what it is taken to mean.
      got = { id: ex.id, endpoint: ex.endpoint, kind: ex.kind, invalid: ex.error }
      expect(READINGS[ex.id]?.why).toEqual(expect.any(String))
      outcomes.set(ex.id, { ...got, pass: true, pinned: true })
      return
    } else got = ex.kind === 'request' ? await requestOutcome(ex) : await responseOutcome(ex)
    const { id, endpoint, kind, ...actual } = got
    void id
    void endpoint
    void kind
    const pass = JSON.stringify(actual) === JSON.stringify({ ...actual, ...expected(ex, got) })
    // An example no side can take (an API neither the client nor the emulator has) is listed, not scored.
    outcomes.set(ex.id, { ...got, pass: Object.keys(actual).length ? pass : undefined, pinned: !!READINGS[ex.id] })
    expect(actual).toEqual(expected(ex, got))
    if (READINGS[ex.id]) expect(READINGS[ex.id]!.why.length).toBeGreaterThan(10)
  })
})

test('every pinned reading belongs to an example of the corpus', () => {
  expect(Object.keys(READINGS).filter((id) => !corpus.examples.some((e) => e.id === id))).toEqual([])
})

test('the table counts what the product uses', () => {
  expect(productUses('card/code/get')).toBe(true)
  // #14's coin account lists coin orders (merchant.coinsOrders); the jsapi ticket is for web pages, which the product has none of.
  expect(productUses('card/pay/getorderlist')).toBe(true)
  expect(productUses('cgi-bin/ticket/getticket?type=jsapi')).toBe(false)
})

/** The client's verdict on a rule's body: 'sent', or 'refused: <field>'. */
async function ruleClient(rule: DocRule, body: J): Promise<string> {
  return clientVerdict(stubClient, rule.endpoint, JSON.parse(JSON.stringify(body)) as J)
}

describe('the rule table: every limit, errcode and transition the documents state, run on both sides', () => {
  test('it holds at least 60 rules, from all five documents', () => {
    expect(Object.keys(RULES).length).toBeGreaterThanOrEqual(60)
    expect(new Set(Object.values(RULES).map((r) => r.doc)).size).toBe(5)
  })

  if (referenceAvailable()) {
    test('each quote stands on the line it names', () => {
      const squash = (s: string) => s.replace(/\s+/g, '')
      const wrong = Object.entries(RULES).filter(([, r]) => {
        const line = squash(readFileSync(join(REFERENCE_DIR, r.doc), 'utf8').split('\n')[r.line - 1] ?? '')
        return !r.quote.split('…').every((part) => line.includes(squash(part)))
      })
      expect(wrong.map(([name, r]) => `${name}: ${r.doc}:${r.line}`)).toEqual([])
    })
  }

  test.each(Object.entries(RULES))('%s', async (name, rule) => {
    let emulator: unknown
    let client: string | undefined
    if (rule.run) emulator = await rule.run(world)
    else {
      const body = await rule.body!(world)
      if (rule.client !== undefined) client = await ruleClient(rule, body)
      emulator = (await callEmulator(world, rule.endpoint, body)).errcode
    }
    const wantClient = rule.client === undefined ? undefined : rule.client === 'sent' ? 'sent' : `refused: ${rule.client}`
    const pass = JSON.stringify(emulator) === JSON.stringify(rule.want) && client === wantClient
    ruleOutcomes.set(name, { name, rule, emulator, ...(client !== undefined ? { client } : {}), pass })
    expect({ emulator, client }).toEqual({ emulator: rule.want, client: wantClient })
  })
})

test('every event the emulator pushes is read by the product with every field declared and typed', () => {
  const events = [...new Set(emu.platform.s.pushes.map((p) => p.event))].sort()
  const problems: string[] = []
  for (const event of events) {
    for (const xml of pushesOf(event)) {
      try {
        const ev = parseEvent(xml)
        if (!ev.known) problems.push(`${event}: unknown to the product`)
        else {
          const declared = Object.keys(EVENT_FIELDS[ev.Event as CardEventName])
          const extra = Object.keys(xmlFields(xml)).filter((f) => !BASE_FIELDS.includes(f) && !declared.includes(f))
          if (extra.length) problems.push(`${event}: undeclared ${extra.join(', ')}`)
        }
      } catch (err) {
        problems.push(`${event}: ${(err as Error).message}`)
      }
    }
  }
  const silent = CARD_EVENT_NAMES.filter((n) => !events.includes(n))
  pushedLine = `Events the emulator pushed, parsed by the product (server/wechat/events.ts): ${events.length - new Set(problems.map((p) => p.split(':')[0])).size}/${events.length} read whole (${events.join(', ')}); declared but never pushed by the emulator: ${silent.join(', ') || 'none'}`
  expect(problems).toEqual([])
  // every event of the five documents, and the review's two outcomes, are among them
  expect(events).toEqual(
    expect.arrayContaining([
      ...Object.keys(corpus.events),
      'card_pass_check',
      'card_not_pass_check',
      'user_consume_card',
      'user_del_card',
      'user_view_card',
      'update_member_card',
      'submit_membercard_user_info',
      'card_pay_order',
    ]),
  )
  expect(pushesOf('card_not_pass_check').map((x) => parseEvent(x))).toContainEqual(
    expect.objectContaining({ Event: 'card_not_pass_check', RefuseReason: '卡券标题含有违规内容' }),
  )
})
