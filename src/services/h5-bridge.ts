// H5 preview only (imported behind TARO_ENV === 'h5'): cloud calls go to the local stack's preview
// server, which forwards them to the local cloud as the person chosen in the switcher. The weapp build
// never contains this file.

/** localStorage key the preview's person switcher writes. */
export const PREVIEW_USER_KEY = 'preview.user'

export const h5Transport = async (name: string, data: Record<string, unknown>): Promise<unknown> => {
  const user = window.localStorage.getItem(PREVIEW_USER_KEY) ?? ''
  const res = await fetch(`/__preview/fn/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-preview-user': user },
    body: JSON.stringify(data),
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
