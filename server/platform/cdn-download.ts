// Reading a field the Mini Program sent through wx.cloud.CDN. WeChat's Cloud.callFunction ("data 参数说明")
// advises marking a field over about 100 KB with wx.cloud.CDN: the client uploads its content to a
// temporary CDN and the function receives the field as that CDN URL, to download itself. This reads such
// a URL with a deadline and a size cap enforced while reading, so a slow or oversized answer can neither
// hold the function until its own timeout nor fill its memory.

/** Why a URL was not read, in words to follow the field's name ("contentUrl must be …"). */
export class CdnDownloadError extends Error {
  constructor(
    readonly rule: string,
    /** the answer was bigger than the cap: `bytes` when it said how big, else undefined */
    readonly tooLarge?: { bytes?: number },
  ) {
    super(rule)
    this.name = 'CdnDownloadError'
  }
}

export interface CdnDownloadOptions {
  /** the most bytes accepted; more is CdnDownloadError with `tooLarge` */
  maxBytes: number
  /** the whole download, headers and body, ms */
  timeoutMs: number
  fetch?: typeof fetch
}

/** 127.0.0.0/8, ::1 and localhost: the machine itself. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/**
 * The URL when it is one the function may read, else CdnDownloadError. https only, except http to a
 * loopback host: WeChat's temporary CDN answers with https URLs, and the one http CDN there is is the
 * local stack's emulation of it, which listens on 127.0.0.1. A deployed function has no CDN on its own
 * loopback, so allowing it there opens nothing a picture could come from, while any other http host
 * (readable and alterable on the way) is refused.
 */
export function cdnUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CdnDownloadError('must be a URL (the CDN URL wx.cloud.CDN gives)')
  }
  if (url.username || url.password) throw new CdnDownloadError('must be a URL without a user name or password')
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url
  throw new CdnDownloadError('must be an https URL (the CDN URL wx.cloud.CDN gives)')
}

/** Downloads `text` (checked by cdnUrl) within `timeoutMs`, refusing more than `maxBytes` as it reads. */
export async function downloadCdn(text: string, opts: CdnDownloadOptions): Promise<Uint8Array> {
  const url = cdnUrl(text)
  const seconds = `${opts.timeoutMs / 1000} s`
  const signal = AbortSignal.timeout(opts.timeoutMs)
  const timedOut = () => new CdnDownloadError(`could not be downloaded within ${seconds}`)
  let res: Response
  try {
    res = await (opts.fetch ?? fetch)(url, { signal })
  } catch {
    throw signal.aborted ? timedOut() : new CdnDownloadError('could not be downloaded (no answer from its host)')
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined)
    throw new CdnDownloadError(`could not be downloaded (HTTP ${res.status})`)
  }
  // A declared length over the cap is refused before reading; an undeclared or wrong one is caught below.
  const declared = Number(res.headers.get('content-length'))
  if (Number.isSafeInteger(declared) && declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined)
    throw new CdnDownloadError('is too large', { bytes: declared })
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = res.body?.getReader()
  try {
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined }
      if (next.done) break
      size += next.value.length
      if (size > opts.maxBytes) {
        await reader?.cancel().catch(() => undefined)
        throw new CdnDownloadError('is too large', {})
      }
      chunks.push(next.value)
    }
  } catch (err) {
    if (err instanceof CdnDownloadError) throw err
    throw signal.aborted ? timedOut() : new CdnDownloadError('could not be downloaded (the answer broke off)')
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
