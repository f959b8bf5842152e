// The part of wx-server-sdk 3.0.x this project uses, typed. The package ships no declarations (its
// package.json names an index.d.ts it does not contain), so this facade states the shapes its source
// returns: errors carry errCode/errMsg, a transaction that keeps conflicting rejects with the service's
// plain `{code: 'DATABASE_TRANSACTION_CONFLICT', message}`. Types only: the one import of the package
// itself is in wx-cloud.ts.

export interface WXContext {
  OPENID?: string
  APPID?: string
  UNIONID?: string
  ENV?: string
  SOURCE?: string
}

/** An operator made by `db.command` (`_.inc(1)`, `_.gte(5)`); opaque to callers. */
export interface DbCommand {
  readonly _internalType?: unknown
}

export interface DbCommands {
  eq(v: unknown): DbCommand
  neq(v: unknown): DbCommand
  gt(v: unknown): DbCommand
  gte(v: unknown): DbCommand
  lt(v: unknown): DbCommand
  lte(v: unknown): DbCommand
  in(v: unknown[]): DbCommand
  nin(v: unknown[]): DbCommand
  /** a whole where() argument: any of the queries (logical commands as the real SDK's `_.or` / `_.and`) */
  or(queries: DbData[]): DbCommand
  and(queries: DbData[]): DbCommand
  inc(n: number): DbCommand
  remove(): DbCommand
  /** aggregation expressions; `pipeline()` builds a $lookup's sub-pipeline (`.done()` gives its stages) */
  aggregate: { pipeline(): WxPipeline }
}

/** A $lookup stage: by equal fields, or by a sub-pipeline on the joined collection. */
export interface WxLookup {
  from: string
  localField?: string
  foreignField?: string
  let?: DbData
  pipeline?: DbData[]
  as: string
}

/** The stages of an aggregation the project uses (the SDK has more). */
interface WxStages<Self> {
  match(q: DbData | DbCommand): Self
  sort(spec: Record<string, 1 | -1>): Self
  skip(n: number): Self
  limit(n: number): Self
  lookup(spec: WxLookup): Self
  replaceRoot(spec: { newRoot: unknown }): Self
  group(spec: DbData): Self
}

export interface WxPipeline extends WxStages<WxPipeline> {
  /** the stages as MongoDB stage objects, for WxLookup.pipeline */
  done(): DbData[]
}

/** `collection.aggregate()`: one database.aggregateDocuments request on end(). */
export interface WxAggregate extends WxStages<WxAggregate> {
  end(): Promise<{ list: DbData[]; errMsg: string }>
}

export type DbData = Record<string, unknown>

export interface DocRef {
  get(): Promise<{ data: DbData; errMsg: string }>
  set(opts: { data: DbData }): Promise<{ _id: string; stats: { updated: number; created: number }; errMsg: string }>
  update(opts: { data: DbData }): Promise<{ stats: { updated: number }; errMsg: string }>
  remove(): Promise<{ stats: { removed: number }; errMsg: string }>
}

export interface DbQuery {
  where(q: DbData | DbCommand): DbQuery
  orderBy(field: string, order: 'asc' | 'desc'): DbQuery
  skip(n: number): DbQuery
  limit(n: number): DbQuery
  field(projection: Record<string, boolean | number>): DbQuery
  get(): Promise<{ data: DbData[]; errMsg: string }>
  count(): Promise<{ total: number; errMsg: string }>
  update(opts: { data: DbData; multi?: boolean }): Promise<{ stats: { updated: number }; errMsg: string }>
  remove(opts?: { multi?: boolean }): Promise<{ stats: { removed: number }; errMsg: string }>
}

export interface CollectionRef extends DbQuery {
  doc(id: string): DocRef
  add(opts: { data: DbData }): Promise<{ _id: string; errMsg: string }>
  aggregate(): WxAggregate
}

export interface TxCollectionRef {
  doc(id: string): DocRef
  add(opts: { data: DbData }): Promise<{ _id: string; errMsg: string }>
}

export interface WxTransaction {
  collection(name: string): TxCollectionRef
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

export interface WxDatabase {
  command: DbCommands
  serverDate(opts?: { offset?: number }): unknown
  collection(name: string): CollectionRef
  runTransaction<T>(fn: (tx: WxTransaction) => Promise<T>, retries?: number): Promise<T>
  startTransaction(): Promise<WxTransaction>
  createCollection(name: string): Promise<{ errMsg: string }>
}

// Cloud Pay's requests as its documents list them (CloudPay.unifiedOrder / CloudPay.refund /
// CloudPay.queryRefund, 参数说明): sub_mch_id and nonce_str ("随机字符串，不长于32位") are 必填 on each;
// the SDK turns these camelCase names into the snake_case fields.
export interface CloudPayUnifiedOrder {
  body: string
  outTradeNo: string
  spbillCreateIp: string
  subMchId: string
  nonceStr: string
  totalFee: number
  envId: string
  functionName: string
  /** yyyyMMddHHmmss, Beijing time (WeChat Pay's time_expire) */
  timeExpire?: string
}

export interface CloudPayRefund {
  outTradeNo: string
  outRefundNo: string
  totalFee: number
  refundFee: number
  subMchId: string
  nonceStr: string
  /** CloudPay.refund: "结果通知回调云函数名 / 环境", where the refund result is delivered */
  envId: string
  functionName: string
  refundDesc?: string
}

export interface CloudPayQueryRefund {
  subMchId: string
  nonceStr: string
  /** one of refund_id, out_refund_no, transaction_id, out_trade_no ("四选一"); we always ask by out_refund_no */
  outRefundNo: string
}

export interface CloudPayQueryOrder {
  subMchId: string
  outTradeNo?: string
  transactionId?: string
}

/**
 * wxacode.getUnlimited's body (获取不限制的小程序码), in WeChat's own parameter names: `scene` at most 32
 * visible characters, `page` without a leading slash or parameters, `check_path` (default true: the page
 * must be published), `env_version` release (default), trial or develop, `width` 280–1280 (default 430).
 */
export interface WxacodeUnlimitedRequest {
  scene: string
  page?: string
  check_path?: boolean
  env_version?: 'release' | 'trial' | 'develop'
  width?: number
}

/** A 云调用 answering an image: its bytes and content type. */
export interface OpenApiBuffer {
  buffer: Buffer
  contentType: string
  errCode: number
  errMsg: string
}

export interface WxInitOptions {
  env?: string | symbol
  /** the CloudBase API's URL (otherwise from TCB_CONTEXT_CNFG or the region's endpoint) */
  serviceUrl?: string
  secretId?: string
  secretKey?: string
  timeout?: number
  throwOnNotFound?: boolean
}

export interface WxServerSdk {
  readonly version: string
  readonly DYNAMIC_CURRENT_ENV: symbol
  init(opts?: WxInitOptions): void
  getWXContext(): WXContext
  database(opts?: { env?: string; throwOnNotFound?: boolean }): WxDatabase
  callFunction(opts: { name: string; data?: unknown }): Promise<{ result: unknown; requestID?: string; errMsg: string }>
  cloudPay: {
    unifiedOrder(req: CloudPayUnifiedOrder): Promise<Record<string, unknown>>
    refund(req: CloudPayRefund): Promise<Record<string, unknown>>
    queryOrder(req: CloudPayQueryOrder): Promise<Record<string, unknown>>
    queryRefund(req: CloudPayQueryRefund): Promise<Record<string, unknown>>
  }
  /** 云调用: needs the API in the function's config.json permissions.openapi (else errCode -604101). */
  openapi: {
    wxacode: { getUnlimited(req: WxacodeUnlimitedRequest): Promise<OpenApiBuffer> }
  }
  /** A separately configured SDK instance (the local stack's host process uses one per cloud). */
  createNewInstance(opts: WxInitOptions): WxServerSdk
}

/** An error the SDK raised for a failed call: `errCode` is the service's numeric code. */
export interface WxSdkError {
  errCode?: number
  errMsg?: string
  /** the service's own code, on the plain objects runTransaction rejects with */
  code?: string
  message?: string
}
