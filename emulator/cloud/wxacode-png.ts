// The picture the local cloud answers for wxacode.getUnlimited: a real PNG that a phone's camera reads as
// a QR code (drawn with uqr, the QR library the Mini Program already uses) of `wxacode:<page>?scene=<scene>`,
// and that a test reads back exactly from its tEXt chunks (`page`, `scene`, `env_version`). WeChat's own
// code is a round 小程序码 no library draws; what matters here is which page and scene it opens.
// zlib.crc32: Node 20.15+ (package.json engines).
import { crc32, deflateSync, inflateSync } from 'node:zlib'
import { encode } from 'uqr'

export interface WxacodeContent {
  page: string
  scene: string
  env_version: string
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** A grayscale PNG of the QR code, `width` pixels square at most (WeChat's width: 280–1280, default 430). */
export function wxacodePng(content: WxacodeContent, width = 430): Buffer {
  const qr = encode(`wxacode:${content.page}?scene=${content.scene}`, { border: 4 })
  const modules = qr.size
  const scale = Math.max(1, Math.floor(width / modules))
  const side = modules * scale
  const raw = Buffer.alloc((side + 1) * side)
  for (let y = 0; y < side; y++) {
    const row = y * (side + 1)
    raw[row] = 0 // filter: none
    for (let x = 0; x < side; x++) raw[row + 1 + x] = qr.data[Math.floor(y / scale)]![Math.floor(x / scale)] ? 0 : 255
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(side, 0)
  ihdr.writeUInt32BE(side, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // grayscale
  const text = (key: string, value: string) => chunk('tEXt', Buffer.from(`${key}\0${value}`, 'latin1'))
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    text('page', content.page),
    text('scene', content.scene),
    text('env_version', content.env_version),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** What a picture from wxacodePng points at, and its size; throws on anything that is not a whole, valid PNG. */
export function readWxacodePng(png: Buffer): WxacodeContent & { width: number; height: number } {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (no signature)')
  const text: Record<string, string> = {}
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  let pos = 8
  let ended = false
  while (pos < png.length) {
    const len = png.readUInt32BE(pos)
    const type = png.toString('latin1', pos + 4, pos + 8)
    const data = png.subarray(pos + 8, pos + 8 + len)
    if (png.readUInt32BE(pos + 8 + len) !== crc32(png.subarray(pos + 4, pos + 8 + len))) throw new Error(`PNG chunk ${type}: bad CRC`)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
    } else if (type === 'tEXt') {
      const nul = data.indexOf(0)
      text[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1)
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') ended = true
    pos += 12 + len
  }
  if (!ended || !width) throw new Error('PNG without IHDR or IEND')
  if (inflateSync(Buffer.concat(idat)).length !== (width + 1) * height) throw new Error('PNG image data does not match its size')
  return { page: text.page ?? '', scene: text.scene ?? '', env_version: text.env_version ?? '', width, height }
}
