// The part of wx-server-sdk this project uses. The real package is installed only in the deployed
// function (dist/cloudfunctions/<name>/package.json); locally the emulator's runtime provides it.
declare module 'wx-server-sdk' {
  export interface WXContext {
    OPENID?: string
    APPID?: string
    UNIONID?: string
    ENV?: string
    SOURCE?: string
  }

  /** An opaque operator made by `db.command` (`_.inc(1)`, `_.gte(5)`). */
  export interface DbCommand {
    readonly __cmd: string
  }

  export interface Command {
    eq(v: unknown): DbCommand
    neq(v: unknown): DbCommand
    gt(v: unknown): DbCommand
    gte(v: unknown): DbCommand
    lt(v: unknown): DbCommand
    lte(v: unknown): DbCommand
    in(v: unknown[]): DbCommand
    nin(v: unknown[]): DbCommand
    /** Cross-field alternatives: `where(_.or([{a: 1}, {b: _.gt(2)}]))`. */
    or(conditions: Record<string, unknown>[]): DbCommand
    and(conditions: Record<string, unknown>[]): DbCommand
    inc(n: number): DbCommand
    remove(): DbCommand
  }

  export interface DocRef {
    get(): Promise<{ data: Record<string, unknown> }>
    set(opts: { data: Record<string, unknown> }): Promise<{ _id?: string; stats: { updated: number; created: number } }>
    update(opts: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>
    remove(): Promise<{ stats: { removed: number } }>
  }

  export interface Query {
    where(q: Record<string, unknown> | DbCommand): Query
    orderBy(field: string, order: 'asc' | 'desc'): Query
    skip(n: number): Query
    limit(n: number): Query
    get(): Promise<{ data: Record<string, unknown>[] }>
    count(): Promise<{ total: number }>
    update(opts: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>
    remove(): Promise<{ stats: { removed: number } }>
  }

  export interface CollectionRef extends Query {
    doc(id: string): DocRef
    add(opts: { data: Record<string, unknown> }): Promise<{ _id: string }>
  }

  export interface TxCollectionRef {
    doc(id: string): DocRef
    add(opts: { data: Record<string, unknown> }): Promise<{ _id: string }>
  }

  export interface Transaction {
    collection(name: string): TxCollectionRef
  }

  export interface Database {
    command: Command
    collection(name: string): CollectionRef
    runTransaction<T>(fn: (tx: Transaction) => Promise<T>, retries?: number): Promise<T>
    createCollection(name: string): Promise<unknown>
  }

  export interface CloudPayUnifiedOrder {
    body: string
    outTradeNo: string
    spbillCreateIp: string
    subMchId: string
    totalFee: number
    envId: string
    functionName: string
  }

  export interface CloudPayRefund {
    outTradeNo: string
    outRefundNo: string
    totalFee: number
    refundFee: number
    subMchId: string
    envId: string
    functionName: string
    refundDesc?: string
  }

  export const DYNAMIC_CURRENT_ENV: symbol
  export function init(opts?: { env?: string | symbol }): void
  export function getWXContext(): WXContext
  export function database(): Database
  export const cloudPay: {
    unifiedOrder(req: CloudPayUnifiedOrder): Promise<Record<string, unknown>>
    refund(req: CloudPayRefund): Promise<Record<string, unknown>>
  }
}
