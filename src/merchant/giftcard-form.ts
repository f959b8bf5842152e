// A gift card as a merchant fills it in (yuan, dates), checked field by field against the document's
// rules as they type (gift-card-api §6.3: title ≤ 9 Chinese characters, brand ≤ 12, a gift card's
// notice ≤ 12, description ≤ 1000; a fixed validity range; a price), and turned into the body of
// card/create. Shared by the console's form and the CLI's warnings.

/** A customer-service number as the console takes it (card base_info.service_phone, a shelf's service_phone): 5–24 digits, +, - or spaces. */
export const isServicePhone = (v: string) => /^[0-9+\- ]{5,24}$/.test(v.trim())

export interface GiftCardForm {
  title: string
  brandName: string
  /** yuan as typed, e.g. "100" or "99.50" */
  price: string
  balance: string
  /** YYYY-MM-DD, Beijing time */
  beginDate: string
  endDate: string
  quantity: string
  notice: string
  description: string
  servicePhone: string
  logoUrl: string
  faceUrl: string
}

export type FieldError =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'yuan' }
  | { kind: 'positive' }
  | { kind: 'tooMuch' }
  | { kind: 'date' }
  | { kind: 'endBeforeBegin' }
  | { kind: 'expired' }
  | { kind: 'quantity' }
  | { kind: 'phone' }
  | { kind: 'image' }
  | { kind: 'cheap' }

/** Yuan typed by a person ("100", "99.5", "0.01") to integer fen, without floats; undefined if it is not an amount. */
export function parseYuan(text: string): number | undefined {
  const m = /^(-?)(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!m) return undefined
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return m[1] ? -fen : fen
}

/** A Beijing calendar date to Unix seconds at its start (or, with `end`, its last second). */
export function dateToSec(date: string, end = false): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined
  const ms = Date.parse(`${date}T${end ? '23:59:59' : '00:00:00'}+08:00`)
  if (Number.isNaN(ms) || new Date(ms + 8 * 3600_000).toISOString().slice(0, 10) !== date) return undefined
  return Math.floor(ms / 1000)
}

/** WeChat counts a Chinese character as 3 UTF-8 bytes: `max` characters means 3·max bytes. */
export function utf8Bytes(s: string): number {
  let n = 0
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
  }
  return n
}
const tooLong = (s: string, max: number) => utf8Bytes(s) > max * 3

/** The most a gift card may sell for or hold, fen: WeChat's card/create takes `giftcard_info.price` and
 * `init_balance` up to 100,000,000 fen (¥1,000,000) and refuses the card past it. */
export const MAX_CARD_FEN = 100_000_000

/** "Far below": a price under half the balance it buys is most likely a slip (a digit or ×100 missed). */
export const CHEAP_RATIO = 0.5

/** Errors that stop the form; `warnings` only ask the merchant to look again. */
export function checkGiftCardForm(
  f: GiftCardForm,
  nowSec = Math.floor(Date.now() / 1000),
): { errors: Partial<Record<keyof GiftCardForm, FieldError>>; warnings: Partial<Record<keyof GiftCardForm, FieldError>> } {
  const errors: Partial<Record<keyof GiftCardForm, FieldError>> = {}
  const warnings: Partial<Record<keyof GiftCardForm, FieldError>> = {}
  const text = (k: keyof GiftCardForm, max: number, required: boolean) => {
    if (!f[k].trim()) {
      if (required) errors[k] = { kind: 'required' }
    } else if (tooLong(f[k], max)) errors[k] = { kind: 'tooLong', max }
  }
  text('title', 9, true)
  text('brandName', 12, true)
  text('notice', 12, true)
  text('description', 1000, true)
  for (const k of ['price', 'balance'] as const) {
    const fen = parseYuan(f[k])
    if (!f[k].trim()) errors[k] = { kind: 'required' }
    // Ten digits or more are an amount too, only one past any card's limit.
    else if (fen === undefined) errors[k] = /^\d+(?:\.\d{1,2})?$/.test(f[k].trim()) ? { kind: 'tooMuch' } : { kind: 'yuan' }
    else if (fen <= 0) errors[k] = { kind: 'positive' }
    else if (fen > MAX_CARD_FEN) errors[k] = { kind: 'tooMuch' }
  }
  const begin = dateToSec(f.beginDate)
  const end = dateToSec(f.endDate, true)
  if (!f.beginDate) errors.beginDate = { kind: 'required' }
  else if (begin === undefined) errors.beginDate = { kind: 'date' }
  if (!f.endDate) errors.endDate = { kind: 'required' }
  else if (end === undefined) errors.endDate = { kind: 'date' }
  else if (end < nowSec) errors.endDate = { kind: 'expired' }
  else if (begin !== undefined && end <= begin) errors.endDate = { kind: 'endBeforeBegin' }
  if (!/^\d{1,9}$/.test(f.quantity.trim()) || Number(f.quantity) > 100_000_000) errors.quantity = { kind: 'quantity' }
  if (f.servicePhone && !isServicePhone(f.servicePhone)) errors.servicePhone = { kind: 'phone' }
  if (!/^https?:\/\//.test(f.logoUrl)) errors.logoUrl = { kind: 'image' }
  if (!/^https?:\/\//.test(f.faceUrl)) errors.faceUrl = { kind: 'image' }
  const price = parseYuan(f.price)
  const balance = parseYuan(f.balance)
  if (!errors.price && !errors.balance && price! < balance! * CHEAP_RATIO) warnings.price = { kind: 'cheap' }
  return { errors, warnings }
}

/** The fields the form cannot be sent without (marked 必填 before submitting): those an empty form has errors in, by the rules above. */
export const REQUIRED_GIFT_CARD_FIELDS: ReadonlySet<keyof GiftCardForm> = new Set(
  Object.keys(
    checkGiftCardForm({
      title: '',
      brandName: '',
      price: '',
      balance: '',
      beginDate: '',
      endDate: '',
      quantity: '',
      notice: '',
      description: '',
      servicePhone: '',
      logoUrl: '',
      faceUrl: '',
    }).errors,
  ) as (keyof GiftCardForm)[],
)

/** The card/create body of a checked form (gift-card-api §6.3). `mpUsername` links the card bag's buttons to the Mini Program. */
export function giftCardBody(f: GiftCardForm, mpUsername?: string) {
  const price = parseYuan(f.price)!
  const balance = parseYuan(f.balance)!
  const link = mpUsername
    ? {
        center_title: '去使用',
        center_app_brand_user_name: mpUsername,
        center_app_brand_pass: 'pages/card/index',
        custom_url_name: '余额明细',
        custom_app_brand_user_name: mpUsername,
        custom_app_brand_pass: 'pages/card/index',
      }
    : {}
  return {
    card_type: 'GENERAL_CARD',
    general_card: {
      sub_card_type: 'GIFT_CARD',
      background_pic_url: f.faceUrl,
      base_info: {
        logo_url: f.logoUrl,
        brand_name: f.brandName.trim(),
        code_type: 'CODE_TYPE_QRCODE',
        title: f.title.trim(),
        color: 'Color010',
        notice: f.notice.trim(),
        description: f.description.trim(),
        ...(f.servicePhone ? { service_phone: f.servicePhone } : {}),
        date_info: {
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: dateToSec(f.beginDate)!,
          end_timestamp: dateToSec(f.endDate, true)!,
        },
        sku: { quantity: Number(f.quantity) },
        get_limit: 0,
        use_custom_code: false,
        can_give_friend: true,
        max_give_friend_times: 1,
        giftcard_info: { price },
        need_push_on_view: true,
        ...link,
      },
      supply_balance: true,
      init_balance: balance,
      auto_activate: true,
    },
  }
}

/**
 * What a card/create body deserves a second look for before it is sent (the CLI asks): already
 * expired, or priced far below its balance. Reads the body as the document shapes it.
 */
export function giftCardBodyWarnings(card: unknown, nowSec = Math.floor(Date.now() / 1000)): ('expired' | 'cheap')[] {
  const c = (card ?? {}) as Record<string, Record<string, unknown>>
  const body = (c.general_card ?? {}) as {
    base_info?: { date_info?: { type?: string; end_timestamp?: number }; giftcard_info?: { price?: number } }
    init_balance?: number
  }
  const out: ('expired' | 'cheap')[] = []
  const d = body.base_info?.date_info
  if (d?.type === 'DATE_TYPE_FIX_TIME_RANGE' && typeof d.end_timestamp === 'number' && d.end_timestamp < nowSec) out.push('expired')
  const price = body.base_info?.giftcard_info?.price
  if (typeof price === 'number' && typeof body.init_balance === 'number' && price < body.init_balance * CHEAP_RATIO) out.push('cheap')
  return out
}
