// cgi-bin/media/uploadimg: the card's logo and every picture a card or shelf shows must be on WeChat's
// CDN first (gift-card-api §6.1 "upload … to the WeChat CDN first, and after obtaining the url, the
// logo_url field and the background_pic_url field"; card-getting-started step 2 "Upload Image
// Material Interface … Buffer: The picture you choose"). The picture is sent as multipart form data
// in the field `media` (WeChat's material API names the upload field so; the documents call the
// parameter "buffer"); the reply is `{"url": "http://mmbiz.qpic.cn/…"}`.
//
// Size: "上传的图片限制文件大小限制1MB,支持JPG 格式" (friend-coupons.zh.txt, 上传图片接口, line 184);
// the wider platform takes PNG too and answers 40005 (invalid file type) and 40009 (invalid image
// size), so the client refuses those before sending.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export const UPLOADIMG_MAX_BYTES = 1024 * 1024

/** The image format by its first bytes, or undefined if it is neither JPEG nor PNG. */
export function imageType(bytes: Uint8Array): 'jpg' | 'png' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png'
  return undefined
}

export class MediaApi {
  constructor(private readonly t: WxTransport) {}

  /** Uploads a JPEG or PNG picture; resolves with the CDN URL to use as logo_url, background_pic_url, … */
  async uploadImg(bytes: Uint8Array, filename = 'image') {
    const r = new Rules('cgi-bin/media/uploadimg')
    const type = imageType(bytes)
    if (!type) r.fail('media', 'must be a JPEG or PNG picture')
    if (bytes.length > UPLOADIMG_MAX_BYTES) r.fail('media', `must be at most 1 MB, got ${bytes.length} bytes`)
    const form = new FormData()
    const name = /\.(jpe?g|png)$/i.test(filename) ? filename : `${filename}.${type}`
    form.append('media', new Blob([Uint8Array.from(bytes)], { type: type === 'png' ? 'image/png' : 'image/jpeg' }), name)
    // Not idempotent: a second upload after a lost reply only stores the picture twice, which is
    // harmless, but the caller decides whether to retry.
    return this.t.call<{ url: string }>('cgi-bin/media/uploadimg', { form, idempotent: false })
  }
}
