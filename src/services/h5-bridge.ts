// H5 preview only (imported behind TARO_ENV === 'h5'): cloud calls go to the local stack's preview
// server, which forwards them to the local cloud as the person chosen in the switcher. The weapp build
// never contains this file.

/** localStorage key the preview's person switcher writes. */
export const PREVIEW_USER_KEY = 'preview.user'

/** A value marked with (the preview's) wx.cloud.CDN: what cdn.ts's markForCdn gives on H5. */
class CdnMark {
  constructor(readonly target: string | ArrayBuffer | { type: 'filePath'; filePath: string }) {}
}

export const h5Cdn = (target: CdnMark['target']): CdnMark => new CdnMark(target)

/**
 * Puts a marked value on the local cloud's temporary CDN (through the preview server) and answers its URL,
 * as WeChat's client does before the call. A file path here is the blob URL H5's chooseImage gives.
 */
async function uploadToCdn(target: CdnMark['target']): Promise<string> {
  const body = typeof target === 'string' || target instanceof ArrayBuffer ? target : await (await fetch(target.filePath)).blob()
  const res = await fetch('/__preview/cdn', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body })
  const json = (await res.json().catch(() => ({}))) as { url?: unknown; error?: unknown }
  if (!res.ok || typeof json.url !== 'string') throw new Error(`cloud.CDN upload failed: ${String(json.error ?? `HTTP ${res.status}`)}`)
  return json.url
}

export const h5Transport = async (name: string, data: Record<string, unknown>): Promise<unknown> => {
  const user = window.localStorage.getItem(PREVIEW_USER_KEY) ?? ''
  // The data's marked fields (wx.cloud.CDN marks fields of the data) go up first and are sent as URLs.
  const sent: Record<string, unknown> = { ...data }
  for (const [key, value] of Object.entries(sent)) if (value instanceof CdnMark) sent[key] = await uploadToCdn(value.target)
  const res = await fetch(`/__preview/fn/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-preview-user': user },
    body: JSON.stringify(sent),
  })
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`preview bridge answered HTTP ${res.status}: ${text.slice(0, 200)}`)
  }
}

/** WeChat's client side (addCard, openCard, requestPayment), played by the emulator for this person. */
export async function h5Wx(api: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const user = window.localStorage.getItem(PREVIEW_USER_KEY) ?? ''
  const res = await fetch(`/__preview/wx/${encodeURIComponent(api)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-preview-user': user },
    body: JSON.stringify(body),
  })
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok) throw new Error(String(json.errMsg ?? json.error ?? `${api}:fail HTTP ${res.status}`))
  return json
}
