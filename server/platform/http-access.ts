// The event Cloud Development's HTTP access service hands a function, and the integration response it
// expects back.
export interface HttpEvent {
  path: string
  httpMethod: string
  headers: Record<string, string>
  queryStringParameters: Record<string, string>
  body: string
  isBase64Encoded: boolean
}

export interface HttpResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: false
}

export function isHttpEvent(e: unknown): e is HttpEvent {
  return typeof e === 'object' && e !== null && typeof (e as HttpEvent).httpMethod === 'string'
}

export function httpBody(event: HttpEvent): string {
  return event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')
}

export function reply(statusCode: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpResponse {
  return { statusCode, headers: { 'content-type': contentType }, body, isBase64Encoded: false }
}
