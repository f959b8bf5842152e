// The CloudBase database's error replies: HTTP 200 with `{code, message}`, which the SDK turns into its
// errCode (DATABASE_COLLECTION_NOT_EXIST → -502005 and so on) or, for DATABASE_TRANSACTION_CONFLICT at
// commit, into another attempt of runTransaction.
export type DbErrorCode =
  | 'DATABASE_REQUEST_FAILED'
  | 'DATABASE_INVALID_OPERRATOR'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'INVALID_PARAM'

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'DbError'
  }
}

export const notExist = (coll: string) => new DbError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${coll}`)

/** MongoDB's own words, which the service passes through for a duplicate _id. */
export const duplicateKey = (coll: string, id: string) =>
  new DbError(
    'DATABASE_REQUEST_FAILED',
    `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`,
  )
