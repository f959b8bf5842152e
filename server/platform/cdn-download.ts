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

/** What keeps the function from reading `url`, or undefined when it may (the rule cdnUrl explains). */
function refusalOf(url: URL): 'credentials' | 'scheme' | undefined {
  if (url.username || url.password) return 'credentials'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined
  return 'scheme'
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
  const refusal = refusalOf(url)
  if (refusal === 'credentials') throw new CdnDownloadError('must be a URL without a user name or password')
  if (refusal === 'scheme') throw new CdnDownloadError('must be an https URL (the CDN URL wx.cloud.CDN gives)')
  return url
}

/** The redirects followed, each checked as the URL given is; a CDN needs one or two at most. */
export const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** Where a redirect goes, without its path or query (which may carry a signature): `http://10.0.0.1`, `file:`. */
const placeOf = (url: URL) => (url.host ? `${url.protocol}//${url.host}` : url.protocol)

/**
 * The URL a redirect from `from` names in `location`, when the function may read it: the same rule as
 * the URL given (cdnUrl), and never from another host into the machine itself (a public URL sending
 * the function to its own loopback is no CDN's doing).
 */
function redirectTarget(from: URL, location: string): URL {
  let to: URL
  try {
    to = new URL(location, from)
  } catch {
    throw new CdnDownloadError('was redirected to an address that is not a URL')
  }
  const refusal = refusalOf(to)
  if (refusal === 'credentials') throw new CdnDownloadError('was redirected to a URL with a user name or password')
  if (refusal === 'scheme')
    throw new CdnDownloadError(`was redirected to ${placeOf(to)}, not an https URL (http is read only from this machine)`)
  if (isLoopback(to.hostname) && !isLoopback(from.hostname))
    throw new CdnDownloadError(`was redirected from ${placeOf(from)} to ${placeOf(to)}, this machine itself`)
  return to
}

/**
 * Downloads `text` (checked by cdnUrl) within `timeoutMs`, refusing more than `maxBytes` as it reads.
 * Redirects are followed by hand, at most MAX_REDIRECTS, each target checked before it is asked
 * (fetch's own following would go anywhere: http to any host, or into the network the function runs
 * in); the deadline covers every hop, and a redirect's own body is never read.
 */
export async function downloadCdn(text: string, opts: CdnDownloadOptions): Promise<Uint8Array> {
  let url = cdnUrl(text)
  const seconds = `${opts.timeoutMs / 1000} s`
  const signal = AbortSignal.timeout(opts.timeoutMs)
  const timedOut = () => new CdnDownloadError(`could not be downloaded within ${seconds}`)
  let res: Response
  for (let redirects = 0; ; redirects++) {
    try {
      res = await (opts.fetch ?? fetch)(url, { signal, redirect: 'manual' })
    } catch {
      throw signal.aborted ? timedOut() : new CdnDownloadError('could not be downloaded (no answer from its host)')
    }
    const location = REDIRECT_STATUSES.has(res.status) ? res.headers.get('location') : null
    if (location === null) break
    await res.body?.cancel().catch(() => undefined)
    if (redirects === MAX_REDIRECTS) throw new CdnDownloadError(`was redirected more than ${MAX_REDIRECTS} times`)
    url = redirectTarget(url, location)
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
