// cgi-bin/media/uploadimg (card-getting-started step 2, gift-card-api §6.1): a picture in the form
// field `media` (WeChat's material API names it so, and the common SDKs send it) or `buffer` (the
// documents' parameter name: card-getting-started "Buffer: The picture you choose"), answered with `{"url": …}` on the emulated CDN. The documents give no limits; the
// wider platform takes jpg/png up to 1 MB and answers 40005 (invalid file type) and 40009 (invalid
// image size) otherwise, and 41005 when no media data is sent.
import type { Endpoint } from './api'
import { sniffImage } from './cdn'
import { WxError } from './platform'

export const UPLOADIMG_MAX_BYTES = 1024 * 1024

export const mediaApi: Record<string, Endpoint> = {
  'cgi-bin/media/uploadimg': {
    method: 'POST',
    multipart: true,
    handler: (p, b) => {
      const file = (b.media ?? b.buffer) as { bytes: Buffer; filename: string } | undefined
      if (!file || file.bytes.length === 0) throw new WxError(41005, 'media data missing: send the picture in the form field "media"')
      const type = sniffImage(file.bytes)
      if (!type) throw new WxError(40005, 'invalid file type: only jpg and png')
      if (file.bytes.length > UPLOADIMG_MAX_BYTES) throw new WxError(40009, 'invalid image size: at most 1 MB')
      return { url: p.cdn.put(file.bytes, type) }
    },
  },
}
