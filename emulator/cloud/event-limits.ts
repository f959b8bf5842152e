// What a callFunction body may be before it becomes a function's event (issue 25): refused in the
// product's own words — `{errcode: 1001, errmsg}` naming the limit (docs/functions-api.md) — instead of
// an HTTP error, so the page shows why.

/**
 * CloudBase's request body limit for a cloud function: "Maximum request body size limit for cloud
 * functions: 100KB for text type, 6MB for other types" (docs.cloudbase.net, error code
 * EXCEED_MAX_PAYLOAD_SIZE, "Error Cause"). A callFunction body is JSON (application/json), so 6 MB for
 * the calls that are not the Mini Program's (tests, the merchant CLI); MINIPROGRAM_CALL_MAX_BYTES is the
 * Mini Program's.
 */
export const CALL_FUNCTION_MAX_BYTES = 6 * 1024 * 1024

/**
 * What a call from the Mini Program (wx.cloud.callFunction) may carry: 100 KB. Cloud.callFunction's
 * "data 参数说明" puts the threshold for wx.cloud.CDN at 100 KB (建议临界值) so as not to hit the call
 * path's transfer limit, CloudBase counts 100 KB for a text body (above), and on phones
 * "cloud.callFunction:fail Error: data exceed max size" is reported for data of that order. A call is the
 * Mini Program's when it says so (MINIPROGRAM_HEADER, which the H5 preview's bridge sends): a picture
 * sent as base64 through the preview then fails as it does on a phone, while the tests and the CLI,
 * which call as a server would, keep the 6 MB.
 */
export const MINIPROGRAM_CALL_MAX_BYTES = 100 * 1024
/** `X-WX-CLIENT: miniprogram` on POST /fn/:name: the call comes from the Mini Program's client. */
export const MINIPROGRAM_HEADER = 'x-wx-client'
export const MINIPROGRAM_CLIENT = 'miniprogram'

/**
 * The deepest an event may nest. No action's fields nest more than a few levels (the deepest, a card
 * definition, about 6), while handling an event walks it recursively — copying it into the instance
 * (structured clone), validating, logging — and 5,000 levels overflowed the stack there and left the
 * instance serving nothing until its timeout. 64 is ten times any real shape and far below any stack.
 */
export const MAX_EVENT_DEPTH = 64

export const TOO_LARGE = `request body over CloudBase's limit for a cloud function (6 MB)`
export const TOO_LARGE_FROM_MINIPROGRAM = `request body over the Mini Program's limit for a cloud function call (100 KB): send a larger field marked with wx.cloud.CDN`
export const TOO_DEEP = `request body nested deeper than ${MAX_EVENT_DEPTH} levels`

/** The deepest nesting of objects and arrays in JSON text, counted without recursion (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c)
        i++ // a backslash escapes the next character
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x7b || ch === 0x5b) max = Math.max(max, ++depth)
    else if (ch === 0x7d || ch === 0x5d) depth--
  }
  return max
}
