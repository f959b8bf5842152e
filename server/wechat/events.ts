// WeChat's event pushes: XML in, typed objects out.
// - Parsed with fast-xml-parser, entity processing off; a DOCTYPE or ENTITY declaration is refused
//   outright (no entity expansion of any kind), and so is a body over MAX_EVENT_BYTES.
// - Every card event of the documents has a typed shape with the documents' field names; events we do
//   not know are kept (known: false) with all their fields, never dropped.
// - dedupKey(): FromUserName + CreateTime is not unique (one batch addCard pushes several
//   user_get_card with the same pair), so the key also holds Event, CardId, UserCardCode and OrderId.
import { createHash } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'

export const MAX_EVENT_BYTES = 64 * 1024

type S = 's'
type I = 'i'
type B = 'b'
type FieldKind = S | I | B

const S: S = 's'
const I: I = 'i'
const B: B = 'b'

/** The fields each card event carries (beyond ToUserName, FromUserName, CreateTime, MsgType, Event). */
export const EVENT_FIELDS = {
  user_get_card: {
    CardId: S,
    IsGiveByFriend: I,
    UserCardCode: S,
    FriendUserName: S,
    OuterId: I,
    OldUserCardCode: S,
    OuterStr: S,
    IsRestoreMemberCard: I,
    UnionId: S,
    IsRecommendByFriend: I,
  },
  user_gifting_card: { CardId: S, UserCardCode: S, IsReturnBack: I, FriendUserName: S, IsChatRoom: I },
  user_del_card: { CardId: S, UserCardCode: S },
  user_consume_card: {
    CardId: S,
    UserCardCode: S,
    ConsumeSource: S,
    LocationName: S,
    StaffOpenId: S,
    VerifyCode: S,
    RemarkAmount: S,
    OuterStr: S,
  },
  user_pay_from_pay_cell: { CardId: S, UserCardCode: S, TransId: S, LocationId: S, Fee: I, OriginalFee: I },
  user_view_card: { CardId: S, UserCardCode: S, OuterStr: S },
  user_enter_session_from_card: { CardId: S, UserCardCode: S },
  card_pass_check: { CardId: S, RefuseReason: S },
  card_not_pass_check: { CardId: S, RefuseReason: S },
  update_member_card: { CardId: S, UserCardCode: S, ModifyBonus: I, ModifyBalance: I },
  card_sku_remind: { CardId: S, Detail: S },
  card_pay_order: {
    OrderId: S,
    Status: S,
    CreateOrderTime: I,
    PayFinishTime: I,
    Desc: S,
    FreeCoinCount: S,
    PayCoinCount: S,
    RefundFreeCoinCount: S,
    RefundPayCoinCount: S,
    OrderType: S,
    Memo: S,
    ReceiptInfo: S,
  },
  submit_membercard_user_info: { CardId: S, UserCardCode: S },
  giftcard_pay_done: { PageId: S, OrderId: S },
  giftcard_send_to_friend: { PageId: S, OrderId: S, IsChatRoom: B, IsReturnBack: B },
  giftcard_user_accept: { PageId: S, OrderId: S, IsChatRoom: B },
  user_authorize_invoice: { SuccOrderId: S, FailOrderId: S, AppId: S, Source: S },
} as const satisfies Record<string, Record<string, FieldKind>>

export type CardEventName = keyof typeof EVENT_FIELDS
export const CARD_EVENT_NAMES = Object.keys(EVENT_FIELDS) as CardEventName[]

/** The gift-card events, answered with `<xml>ok</xml>` (gift-card-api §10). */
export const GIFT_CARD_EVENTS: ReadonlySet<string> = new Set(['giftcard_pay_done', 'giftcard_send_to_friend', 'giftcard_user_accept'])

type Kind<K> = K extends I ? number : K extends B ? boolean : string

export interface EventBase {
  ToUserName: string
  FromUserName: string
  CreateTime: number
  MsgType: string
}

export type CardEventOf<E extends CardEventName> = EventBase & { Event: E; known: true } & {
  [F in keyof (typeof EVENT_FIELDS)[E]]?: Kind<(typeof EVENT_FIELDS)[E][F]>
}

export type CardEvent = { [E in CardEventName]: CardEventOf<E> }[CardEventName]

export interface UnknownEvent extends EventBase {
  Event: string
  known: false
  fields: Record<string, string>
}

export type PushedEvent = CardEvent | UnknownEvent

export class EventParseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EventParseError'
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
})

/** Parses any `<xml>…</xml>` document of flat fields into strings (also used for safe-mode envelopes). */
export function parseXmlFields(xml: string): Record<string, string> {
  if (Buffer.byteLength(xml) > MAX_EVENT_BYTES) throw new EventParseError(`XML body over ${MAX_EVENT_BYTES} bytes`)
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EventParseError('XML with a DOCTYPE or ENTITY declaration is refused')
  let doc: unknown
  try {
    doc = parser.parse(xml, true)
  } catch (err) {
    throw new EventParseError(`malformed XML: ${(err as Error).message}`)
  }
  const root = (doc as { xml?: unknown })?.xml
  if (!root || typeof root !== 'object') throw new EventParseError('the document has no <xml> root')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
    else if (v === '' || v === null) out[k] = ''
    else out[k] = JSON.stringify(v)
  }
  return out
}

function convert(field: string, raw: string, kind: FieldKind): string | number | boolean {
  if (kind === 's') return raw
  if (kind === 'b') {
    if (/^(true|1)$/i.test(raw)) return true
    if (/^(false|0|)$/i.test(raw)) return false
    throw new EventParseError(`${field} must be true/false or 1/0, got ${JSON.stringify(raw)}`)
  }
  if (raw === '') return 0
  if (!/^-?\d+$/.test(raw)) throw new EventParseError(`${field} must be an integer, got ${JSON.stringify(raw)}`)
  return Number(raw)
}

export function parseEvent(xml: string): PushedEvent {
  const f = parseXmlFields(xml)
  for (const need of ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType'] as const) {
    if (f[need] === undefined || f[need] === '') throw new EventParseError(`${need} is missing`)
  }
  if (!/^\d{1,10}$/.test(f.CreateTime!)) throw new EventParseError('CreateTime must be whole seconds')
  const base: EventBase = {
    ToUserName: f.ToUserName!,
    FromUserName: f.FromUserName!,
    CreateTime: Number(f.CreateTime),
    MsgType: f.MsgType!,
  }
  const name = f.Event ?? ''
  if (f.MsgType === 'event' && Object.prototype.hasOwnProperty.call(EVENT_FIELDS, name)) {
    const spec = EVENT_FIELDS[name as CardEventName] as Record<string, FieldKind>
    const ev: Record<string, unknown> = { ...base, Event: name, known: true }
    for (const [field, kind] of Object.entries(spec)) if (f[field] !== undefined) ev[field] = convert(field, f[field]!, kind)
    return ev as unknown as CardEvent
  }
  const fields = { ...f }
  for (const k of ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event']) delete fields[k]
  return { ...base, Event: name, known: false, fields }
}

/** The identity of a push for exactly-once processing. */
export function dedupKey(ev: PushedEvent): string {
  const g = (k: string) => {
    const v = ev.known ? (ev as unknown as Record<string, unknown>)[k] : ev.fields[k]
    return v === undefined ? '' : String(v)
  }
  const parts = [ev.FromUserName, String(ev.CreateTime), ev.Event, g('CardId'), g('UserCardCode'), g('OrderId'), g('PageId')]
  if (!ev.known) parts.push(createHash('sha1').update(JSON.stringify(ev.fields)).digest('hex'))
  // Two changes of one member card's points or balance within a second are two events, not a repeat.
  if (ev.Event === 'update_member_card') parts.push(g('ModifyBonus'), g('ModifyBalance'))
  return createHash('sha1').update(parts.join('\u0000')).digest('hex')
}

/** The reply that makes WeChat stop retrying: `<xml>ok</xml>` for gift-card events, `success` for the rest. */
export function ackFor(ev: PushedEvent): string {
  return GIFT_CARD_EVENTS.has(ev.Event) ? '<xml>ok</xml>' : 'success'
}
