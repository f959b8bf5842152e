// The errcodes our cloud functions answer with. WeChat's own errcodes pass through inside errmsg
// (and as `wxErrcode`) so they are never confused with ours.
export const ErrCode = {
  INVALID_ARGUMENT: 1001,
  UNKNOWN_ACTION: 1002,
  UNAUTHENTICATED: 1003,
  FORBIDDEN: 1004,
  NOT_FOUND: 1005,
  CONFLICT: 1006,
  UPSTREAM: 1502,
  INTERNAL: 1500,
  /** the card (or entry) is changing too fast or its last change is still settling: try again shortly */
  BUSY: 1503,
} as const

export type ErrCodeValue = (typeof ErrCode)[keyof typeof ErrCode]

/** An error a caller is meant to see: an errcode and a message naming the field or rule. */
export class AppError extends Error {
  constructor(
    readonly errcode: ErrCodeValue,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** 1001 for the input `field`: the message names it, and so does the reply's `field` (for the page to put in words). */
export const invalid = (field: string, rule: string) => new AppError(ErrCode.INVALID_ARGUMENT, `${field} ${rule}`, { field })
