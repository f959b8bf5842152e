// The temporary CDN behind wx.cloud.CDN (Cloud.callFunction, "data 参数说明"): WeChat's client uploads a
// marked field's content there before the call and the function receives its URL, to download. Here the
// H5 preview's bridge plays the client: `POST /__cloud/cdn` with the bytes answers `{url}`, and
// `GET /__cloud/cdn/<id>` serves them. The URL is as unguessable as a real one and lives in memory only:
// the content is temporary (the newest uploads, up to TEMP_CDN_KEEP_BYTES in all, are kept).
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, readBytes, sendJson } from '../http'

/**
 * The most one upload may be. WeChat documents no limit for wx.cloud.CDN; what goes through it here is a
 * picture for media/uploadimg (1 MB), so 10 MB refuses only the absurd while keeping the stack's memory bounded.
 */
export const TEMP_CDN_MAX_BYTES = 10 * 1024 * 1024
/** Bytes kept in all (a marked field is read once, right after its call): older uploads go first. */
export const TEMP_CDN_KEEP_BYTES = 64 * 1024 * 1024

export const TEMP_CDN_PATH = /^\/__cloud\/cdn\/([0-9a-f]{32})$/

export class TempCdn {
  private readonly files = new Map<string, Buffer>()
  private kept = 0

  constructor(private readonly baseUrl: () => string) {}

  /** POST /__cloud/cdn: the body's bytes, answered with their URL. */
  async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBytes(req, TEMP_CDN_MAX_BYTES)
    if (bytes.length === 0) throw new HttpError(400, 'nothing to upload: send the content as the body')
    const id = randomBytes(16).toString('hex')
    this.files.set(id, bytes)
    this.kept += bytes.length
    for (const [old, content] of this.files) {
      if (this.kept <= TEMP_CDN_KEEP_BYTES || old === id) break
      this.files.delete(old)
      this.kept -= content.length
    }
    sendJson(res, 200, { url: `${this.baseUrl()}/__cloud/cdn/${id}` })
  }

  /** GET /__cloud/cdn/<id>: the bytes as uploaded. */
  serve(res: ServerResponse, id: string): void {
    const bytes = this.files.get(id)
    if (!bytes) throw new HttpError(404, 'no such file on the temporary CDN (or no longer kept)')
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length })
    res.end(bytes)
  }
}
