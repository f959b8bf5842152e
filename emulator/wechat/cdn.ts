// The emulated image CDN behind cgi-bin/media/uploadimg: an uploaded picture is kept (in memory, and
// under the data directory when there is one, so URLs survive restarts) and served at
// GET /__emu/cdn/<sha1>.<jpg|png>, a URL a browser can load like mmbiz.qpic.cn's.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type ImageType = 'jpg' | 'png'

export const CDN_PATH = /^\/__emu\/cdn\/([0-9a-f]{40})\.(jpg|png)$/

/** The picture's format by its first bytes (JPEG FF D8 FF, PNG's 8-byte signature), else undefined. */
export function sniffImage(bytes: Buffer): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  return undefined
}

/** WeChat's image CDN hosts (the documents' examples: mmbiz.qpic.cn, mmbiz.qlogo.cn). */
const WECHAT_CDN_HOST = /^mmbiz\.(qpic|qlogo)\.cn$/

/**
 * Whether a picture URL is on WeChat's CDN (or this emulator's stand-in for it, `base`). gift-card-api
 * line 350: "the logo must be uploaded to the CDN first, otherwise the error is reported";
 * friend-coupons.zh.txt line 450: "40141图片url错误须使用将图片上传至CDN后获得的url".
 */
export function onCdn(url: unknown, base: string): boolean {
  if (typeof url !== 'string') return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
  return WECHAT_CDN_HOST.test(u.hostname) || (base !== '' && u.origin === new URL(base).origin)
}

/** 40141 for a picture that is not on the CDN (friend-coupons.zh.txt line 450). */
export const IMAGE_URL_ERRCODE = 40141

export class Cdn {
  private readonly images = new Map<string, Buffer>()
  /** the emulator's own base URL, known once it listens */
  baseUrl = ''

  constructor(private readonly dir: string | null) {}

  /** Stores a picture and answers its public URL (the same picture always has the same URL). */
  put(bytes: Buffer, type: ImageType): string {
    const name = `${createHash('sha1').update(bytes).digest('hex')}.${type}`
    this.images.set(name, bytes)
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true })
      writeFileSync(join(this.dir, name), bytes)
    }
    return `${this.baseUrl}/__emu/cdn/${name}`
  }

  get(name: string): Buffer | undefined {
    const hit = this.images.get(name)
    if (hit || !this.dir) return hit
    const file = join(this.dir, name)
    return existsSync(file) ? readFileSync(file) : undefined
  }
}

/**
 * The parts of a multipart/form-data body: name → {filename, bytes}. Enough for the uploads WeChat's
 * media APIs take (one file field); a body that is not well-formed yields no parts.
 */
export function parseMultipart(body: Buffer, contentType: string): Map<string, { filename: string; bytes: Buffer }> {
  const parts = new Map<string, { filename: string; bytes: Buffer }>()
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return parts
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    const start = at + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next === -1) break
    const part = body.subarray(start + 2, next - 2) // CRLF after the delimiter, CRLF before the next
    const split = part.indexOf('\r\n\r\n')
    if (split !== -1) {
      const head = part.subarray(0, split).toString('utf8')
      const name = /name="([^"]*)"/i.exec(head)?.[1]
      const filename = /filename="([^"]*)"/i.exec(head)?.[1] ?? ''
      if (name) parts.set(name, { filename, bytes: Buffer.from(part.subarray(split + 4)) })
    }
    at = next
  }
  return parts
}
