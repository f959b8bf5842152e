// Documented request rules, checked before anything is sent so that a mistake is reported with the
// field's name instead of a bare WeChat errcode.
//
// Lengths: the documents give limits in "Chinese characters" and type the fields as string(N bytes)
// (title string(27) = 9, notice string(48) = 16): WeChat measures UTF-8 bytes, so a limit of n
// characters is checked as at most 3n bytes (9 Chinese characters, or 27 ASCII ones).
import { WxRuleError } from './errors'

/** 2038-01-19T03:14:07Z: WeChat stores timestamps as 32-bit seconds. */
export const MAX_TIMESTAMP = 2147483647

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** WeChat's image CDN hosts: the documents' examples' mmbiz.qpic.cn and mmbiz.qlogo.cn. */
const WECHAT_CDN_HOST = /^mmbiz\.(qpic|qlogo)\.cn$/

/**
 * Whether a picture URL is on WeChat's CDN, i.e. came from cgi-bin/media/uploadimg. gift-card-api line
 * 350: "the logo must be uploaded to the CDN first, otherwise the error is reported"; friend-coupons.zh.txt
 * line 450: "40141图片url错误须使用将图片上传至CDN后获得的url". `apiOrigin` is the platform the client speaks
 * to: the local stack's emulated WeChat serves its own CDN there.
 */
export function onWechatCdn(url: unknown, apiOrigin?: string): boolean {
  if (typeof url !== 'string') return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
  return WECHAT_CDN_HOST.test(u.hostname) || (!!apiOrigin && u.origin === apiOrigin)
}

export class Rules {
  /** @param apiOrigin the WeChat the client speaks to, whose CDN pictures are accepted besides mmbiz.qpic.cn */
  constructor(
    private readonly endpoint: string,
    private readonly apiOrigin?: string,
  ) {}

  /** A picture field: a URL on WeChat's CDN (see onWechatCdn). */
  picture(field: string, value: unknown, required = true): void {
    if (value === undefined || value === null || value === '') {
      if (required) this.fail(field, 'is required')
      return
    }
    if (!onWechatCdn(value, this.apiOrigin))
      this.fail(field, 'must be a picture uploaded to WeChat’s CDN first (cgi-bin/media/uploadimg; errcode 40141 otherwise)')
  }

  fail(field: string, rule: string): never {
    throw new WxRuleError(this.endpoint, field, rule)
  }

  chinese(field: string, value: unknown, max: number, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'is required')
      return
    }
    if (typeof value !== 'string') this.fail(field, 'must be a string')
    if (required && value.length === 0) this.fail(field, 'must not be empty')
    if (utf8Bytes(value) > max * 3)
      this.fail(field, `must be at most ${max} Chinese characters (${max * 3} UTF-8 bytes), got ${utf8Bytes(value)} bytes`)
  }

  /** "limited to 4 characters and 12 bytes" (gift-card-api §11.2): both limits at once. */
  charsAndBytes(field: string, value: unknown, chars: number, bytes: number): void {
    if (value === undefined || value === null) return
    if (typeof value !== 'string') this.fail(field, 'must be a string')
    const n = [...value].length
    if (n > chars) this.fail(field, `must be at most ${chars} characters, got ${n}`)
    if (utf8Bytes(value) > bytes) this.fail(field, `must be at most ${bytes} UTF-8 bytes, got ${utf8Bytes(value)}`)
  }

  timestamp(field: string, value: unknown, required = false): void {
    if (value === undefined) {
      if (required) this.fail(field, 'is required')
      return
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(field, 'must be a whole number of seconds')
    if (value > MAX_TIMESTAMP) this.fail(field, 'must be before 2038-01-19 (32-bit seconds)')
  }

  int(field: string, value: unknown, min: number, max: number, required = true): void {
    if (value === undefined) {
      if (required) this.fail(field, 'is required')
      return
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, 'must be an integer')
    if (value < min || value > max) this.fail(field, `must be from ${min} to ${max}, got ${value}`)
  }

  count(field: string, list: unknown, min: number, max: number): void {
    if (!Array.isArray(list)) this.fail(field, 'must be a list')
    if (list.length < min || list.length > max) this.fail(field, `must hold ${min} to ${max} entries, got ${list.length}`)
  }

  oneOf(field: string, value: unknown, allowed: readonly string[], required = true): void {
    if (value === undefined && !required) return
    if (typeof value !== 'string' || !allowed.includes(value)) this.fail(field, `must be one of ${allowed.join(', ')}`)
  }

  /** A window in seconds [begin, end] of at most `days` days. */
  window(beginField: string, begin: number, endField: string, end: number, days: number): void {
    this.timestamp(beginField, begin, true)
    this.timestamp(endField, end, true)
    if (end < begin) this.fail(endField, `must not be before ${beginField}`)
    if (end - begin > days * 86400) this.fail(`${beginField}..${endField}`, `must span at most ${days} days`)
  }

  /** Dates as YYYY-MM-DD, begin ≤ end, at most `days` days apart (inclusive). */
  dateRange(beginField: string, begin: unknown, endField: string, end: unknown, days: number): void {
    const parse = (field: string, v: unknown): number => {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) this.fail(field, 'must be a date as YYYY-MM-DD')
      const t = Date.parse(`${v}T00:00:00Z`)
      if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) this.fail(field, `is not a real date: ${v}`)
      return t
    }
    const b = parse(beginField, begin)
    const e = parse(endField, end)
    if (e < b) this.fail(endField, `must not be before ${beginField}`)
    if ((e - b) / 86400000 + 1 > days) this.fail(`${beginField}..${endField}`, `must span at most ${days} days`)
  }
}

export const COLORS = [
  'Color010',
  'Color020',
  'Color030',
  'Color040',
  'Color050',
  'Color060',
  'Color070',
  'Color080',
  'Color090',
  'Color100',
] as const
/** gift-card-api §6.3's list for gift cards. */
export const GIFT_CARD_CODE_TYPES = [
  'CODE_TYPE_TEXT',
  'CODE_TYPE_BARCODE',
  'CODE_TYPE_QRCODE',
  'CODE_TYPE_ONLY_QRCODE',
  'CODE_TYPE_ONLY_BARCODE',
] as const
/** friend-coupons.zh.txt adds CODE_TYPE_NONE (无code类型, online self-consume only). */
export const CODE_TYPES = [...GIFT_CARD_CODE_TYPES, 'CODE_TYPE_NONE'] as const
export const DATE_TYPES = ['DATE_TYPE_FIX_TIME_RANGE', 'DATE_TYPE_FIX_TERM', 'DATE_TYPE_PERMANENT'] as const
