// 云调用 (cloud.openapi) as the local cloud serves it. wx-server-sdk 3.0.4 sends `cloud.openapi.<api>(data)`
// as the CloudBase action wx.openApi (multipart: apiName, requestData): requestData is a protobuf
// CommApiData whose openapiData.pairs hold each parameter as {key, value: its JSON}; the reply is a
// protobuf CommOpenApiResp {respData, contentType, errorCode}. The SDK turns errorCode into its errCode
// (-604101 "function has no permission to call this API" when the calling function's config.json does not
// list the API in permissions.openapi), a JSON respData with errcode into WeChat's errcode, and any other
// respData into `{buffer, contentType}`. The messages' field numbers are the SDK's (src/protobuf/openapi.js).
//
// Served: wxacode.getUnlimited (获取不限制的小程序码) with WeChat's documented checks. Any other API is
// -604100 (API not found) here.
import { wxacodePng } from './wxacode-png'

// ---------- the few protobuf wire rules these two messages need ----------

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let v = 0n
  let shift = 0n
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint')
    const b = buf[pos++]!
    v |= BigInt(b & 0x7f) << shift
    if (!(b & 0x80)) return [v, pos]
    shift += 7n
  }
}

/** The fields of one message: number → the values seen (bytes for length-delimited, bigint for varints). */
function readFields(buf: Buffer): Map<number, (Buffer | bigint)[]> {
  const out = new Map<number, (Buffer | bigint)[]>()
  let pos = 0
  while (pos < buf.length) {
    const [tag, p] = readVarint(buf, pos)
    pos = p
    const field = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    let value: Buffer | bigint
    if (wire === 0) [value, pos] = readVarint(buf, pos)
    else if (wire === 2) {
      const [len, q] = readVarint(buf, pos)
      value = buf.subarray(q, q + Number(len))
      pos = q + Number(len)
    } else if (wire === 1) {
      value = buf.subarray(pos, pos + 8)
      pos += 8
    } else if (wire === 5) {
      value = buf.subarray(pos, pos + 4)
      pos += 4
    } else throw new Error(`protobuf wire type ${wire} not expected`)
    out.set(field, [...(out.get(field) ?? []), value])
  }
  return out
}

function varint(n: bigint): Buffer {
  const bytes: number[] = []
  let v = BigInt.asUintN(64, n)
  do {
    const b = Number(v & 0x7fn)
    v >>= 7n
    bytes.push(v ? b | 0x80 : b)
  } while (v)
  return Buffer.from(bytes)
}

const bytesField = (field: number, data: Buffer) => Buffer.concat([varint(BigInt((field << 3) | 2)), varint(BigInt(data.length)), data])
const intField = (field: number, n: number) => Buffer.concat([varint(BigInt(field << 3)), varint(BigInt(n))])

/** CommApiData → its openapiData pairs, each value parsed from its JSON. */
export function decodeOpenApiRequest(requestData: Buffer): Record<string, unknown> {
  const data = readFields(requestData)
  const openapiData = data.get(2)?.[0]
  const params: Record<string, unknown> = {}
  if (!Buffer.isBuffer(openapiData)) return params
  for (const pair of readFields(openapiData).get(1) ?? []) {
    if (!Buffer.isBuffer(pair)) continue
    const kv = readFields(pair)
    const key = (kv.get(1)?.[0] as Buffer | undefined)?.toString('utf8')
    const value = (kv.get(2)?.[0] as Buffer | undefined)?.toString('utf8')
    if (key === undefined) continue
    try {
      params[key] = value === undefined ? undefined : JSON.parse(value)
    } catch {
      params[key] = value
    }
  }
  return params
}

/** CommOpenApiResp: WeChat's answer (bytes and their type), or a platform error code. */
export function encodeOpenApiResponse(r: { respData?: Buffer; contentType?: string; errorCode?: number }): Buffer {
  const parts: Buffer[] = []
  if (r.respData) parts.push(bytesField(1, r.respData))
  if (r.contentType !== undefined) parts.push(bytesField(2, Buffer.from(r.contentType, 'utf8')))
  if (r.errorCode) parts.push(intField(3, r.errorCode))
  parts.push(intField(4, 200))
  return Buffer.concat(parts)
}

// ---------- the APIs ----------

export interface OpenApiReply {
  respData?: Buffer
  contentType?: string
  errorCode?: number
}

/** The cloud's own refusals (wx-server-sdk's error table). */
export const OPENAPI_NOT_FOUND = -604100
export const OPENAPI_NO_PERMISSION = -604101
export const OPENAPI_ILLEGAL_SOURCE = -604104

const wechatError = (errcode: number, errmsg: string): OpenApiReply => ({
  respData: Buffer.from(JSON.stringify({ errcode, errmsg })),
  contentType: 'application/json; encoding=utf-8',
})

/** getUnlimited's scene: at most 32 visible characters of digits, letters and !#$&'()*+,/:;=?@-._~ */
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/
const ENV_VERSIONS = ['release', 'trial', 'develop']

/**
 * wxacode.getUnlimited (获取不限制的小程序码): scene required, 1–32 characters (else 40169 "invalid length
 * for scene"), of the documented set (else 40129 "invalid scene"); page (default: the home page) without a
 * leading slash or parameters (else 41030 "invalid page"); check_path defaults to true, when the page must
 * be one of the published version's, and this local cloud has no published version: a page with check_path
 * not false is 41030 too. env_version release (default), trial or develop (else 40097 "invalid args");
 * width 280–1280 (default 430). The answer is an image/png (wxacode-png.ts).
 */
function getUnlimited(p: Record<string, unknown>): OpenApiReply {
  const scene = p.scene
  if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32)
    return wechatError(40169, 'invalid length for scene, or the data is not json string')
  if (!SCENE_CHARS.test(scene)) return wechatError(40129, 'invalid scene')
  const page = p.page === undefined ? '' : p.page
  if (typeof page !== 'string' || page.startsWith('/') || /[?#&=\s]/.test(page)) return wechatError(41030, 'invalid page')
  if (page && p.check_path !== false) return wechatError(41030, 'invalid page (check_path: the local cloud has no published version)')
  const env = p.env_version ?? 'release'
  if (typeof env !== 'string' || !ENV_VERSIONS.includes(env)) return wechatError(40097, 'invalid args: env_version')
  const width = p.width === undefined ? 430 : Number(p.width)
  if (!Number.isFinite(width)) return wechatError(40097, 'invalid args: width')
  const png = wxacodePng({ page, scene, env_version: env }, Math.min(1280, Math.max(280, width)))
  return { respData: png, contentType: 'image/png' }
}

const APIS: Record<string, (p: Record<string, unknown>) => OpenApiReply> = {
  'wxacode.getUnlimited': getUnlimited,
}

/**
 * One wx.openApi call. `permitted`: the calling function's config.json permissions.openapi, or undefined
 * when the caller is not a function (the host's admin SDK), which 云调用 does not serve.
 */
export function callOpenApi(apiName: string, requestData: Buffer, permitted: string[] | undefined): OpenApiReply {
  if (permitted === undefined) return { errorCode: OPENAPI_ILLEGAL_SOURCE }
  const api = APIS[apiName]
  if (!api) return { errorCode: OPENAPI_NOT_FOUND }
  if (!permitted.includes(apiName)) return { errorCode: OPENAPI_NO_PERMISSION }
  return api(decodeOpenApiRequest(requestData))
}
