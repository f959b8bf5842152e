// Errors from talking to WeChat. Every non-zero errcode becomes a WxApiError carrying the endpoint;
// a request refused before it was sent (it broke a documented rule) is a WxRuleError naming the field.

export class WxApiError extends Error {
  constructor(
    readonly endpoint: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${endpoint}: errcode ${errcode}: ${errmsg}`)
    this.name = 'WxApiError'
  }
}

export class WxRuleError extends Error {
  constructor(
    readonly endpoint: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${endpoint}: ${field} ${rule}`)
    this.name = 'WxRuleError'
  }
}

/** The network failed or WeChat answered something that is not its JSON. */
export class WxTransportError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super(`${endpoint}: ${message}`)
    this.name = 'WxTransportError'
  }
}

/** errcodes that mean the access_token used is invalid or expired. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001])
/** "System busy, try again later." */
export const BUSY_ERRCODE = -1
