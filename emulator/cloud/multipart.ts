// multipart/form-data as the SDK's `request` library sends wx.openApi and wx.wxPayApi calls: named
// parts, some of them binary (protobuf, JSON bytes).
export function parseMultipart(body: Buffer, contentType: string): Record<string, Buffer> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  if (!m) throw new Error('multipart body without a boundary')
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`)
  const out: Record<string, Buffer> = {}
  let pos = body.indexOf(delimiter)
  while (pos >= 0) {
    const start = pos + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next < 0) break
    // part = CRLF headers CRLF CRLF content CRLF
    const part = body.subarray(start + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8')
      const name = /name="([^"]*)"/i.exec(headers)?.[1]
      if (name !== undefined) out[name] = part.subarray(split + 4)
    }
    pos = next
  }
  return out
}
