// The part of Tencent Cloud's management API (service tcb, version 2018-06-08, API 3.0) that
// `npm run deploy` calls through @cloudbase/manager-node (its database and access services and
// commonService('tcb')), so that it can set up the local cloud's database and HTTP access exactly as it
// sets up a real environment. manager-node sends every tcb request to
// TCB_BASE_URL when it is set (lib/utils/cloud-api-request.js, `baseUrl`): point it at POST /__tcb.
//
// API 3.0 shape: a JSON body, the action in X-TC-Action, a TC3-HMAC-SHA256 Authorization header; the
// answer is HTTP 200 with {Response: {…, RequestId}} or {Response: {Error: {Code, Message}, RequestId}}.
// The signature is not checked (the local cloud has no secret to check it with), its presence is.
// Actions served: DescribeEnvInfo (manager-node's environment lookup), ListTables, DescribeTable,
// CreateTable, UpdateTable (CreateIndexes), DescribeDatabaseACL and ModifyDatabaseACL (a collection's
// permission), DescribeCloudBaseGWAPI and CreateCloudBaseGWAPI (the HTTP access service's routes and its
// switch, manager-node's access.getAccessList and createAccess). Anything else is InvalidAction: function
// deployment goes to the scf service, which has no endpoint override, and is not emulated.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readJson, sendJson } from '../http'
import type { DocStore } from './db/doc-store'

const VERSION = '2018-06-08'
/** The database instance id DescribeEnvInfo reports; manager-node passes it back as MongoConnector.DatabaseName. */
const DB_INSTANCE = 'tnt-localcloud'

/**
 * A collection's permission tags (AclTag) as ModifyDatabaseACL documents them (cloud.tencent.com/document/api/876/34819):
 * READONLY all users read, only the creator and admins write; PRIVATE only the creator and admins read
 * and write; ADMINWRITE all users read, only admins write; ADMINONLY only admins (server-side code) read
 * and write. CUSTOM (a security rule) is set with another action (ModifySafeRule), not this one.
 */
const ACL_TAGS = ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY']
/**
 * The tag of a collection whose permission was never set: 仅创建者及管理员可读写 (PRIVATE), what a
 * collection created by code reports (WeChat developer community,
 * developers.weixin.qq.com/community/develop/doc/0002aa68828dc842feb7cd09156400).
 */
const DEFAULT_ACL = 'PRIVATE'

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

type Params = Record<string, unknown>

export interface TcbApi {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** requests received (any action, refused ones included) */
  readonly calls: number
}

/** An HTTP access route as DescribeCloudBaseGWAPI lists it (CloudBaseGWAPI, 876/128121). */
interface GatewayApi {
  ServiceId: string
  APIId: string
  Path: string
  /** 1: a cloud function, 2: a container */
  Type: number
  Name: string
  /** unix seconds */
  CreateTime: number
  EnvId: string
  EnableAuth: boolean
}

export interface HttpAccessOptions {
  /**
   * The HTTP access service's switch (云开发控制台 → 环境管理 → HTTP 访问服务, the global switch at the top
   * of the page: cloud.tencent.com/document/product/876/130728): what DescribeCloudBaseGWAPI reports as
   * EnableService. It changes what the management API answers only; the local cloud's routes serve either way.
   */
  enabled: boolean
  /** the routes the local cloud serves (cloudbaserc.json's gateway): listed from the start */
  routes: { path: string; fn: string }[]
}

export function tcbApi(opts: { store: DocStore; envId: string; region: string; httpAccess?: HttpAccessOptions }): TcbApi {
  const { store, envId } = opts
  let calls = 0
  const gateway = {
    enabled: opts.httpAccess?.enabled ?? true,
    apis: (opts.httpAccess?.routes ?? []).map((r) => gatewayApi(r.path, r.fn)),
  }
  function gatewayApi(Path: string, Name: string, EnableAuth = false): GatewayApi {
    return {
      ServiceId: envId,
      APIId: randomUUID(),
      Path,
      Type: 1,
      Name,
      CreateTime: Math.floor(Date.now() / 1000),
      EnvId: envId,
      EnableAuth,
    }
  }
  /** The HTTP access actions name the environment ServiceId. */
  const checkService = (p: Params) => {
    if (p.ServiceId !== envId)
      throw new ApiError('ResourceNotFound', `environment ${String(p.ServiceId)} does not exist (this local cloud is ${envId})`)
  }

  const checkEnv = (p: Params) => {
    if (p.EnvId !== envId)
      throw new ApiError('ResourceNotFound', `environment ${String(p.EnvId)} does not exist (this local cloud is ${envId})`)
  }
  const tableName = (p: Params): string => {
    checkEnv(p)
    const name = p.TableName
    if (typeof name !== 'string' || !name) throw new ApiError('InvalidParameter', 'TableName is required')
    return name
  }
  const collectionName = (p: Params): string => {
    checkEnv(p)
    const name = p.CollectionName
    if (typeof name !== 'string' || !name) throw new ApiError('InvalidParameter', 'CollectionName is required')
    return name
  }
  const mustExist = (name: string) => {
    if (!store.hasCollection(name)) throw new ApiError('ResourceNotFound', `table ${name} does not exist`)
  }

  const actions: Record<string, (p: Params) => Params> = {
    DescribeEnvInfo: (p) => {
      checkEnv(p)
      return {
        EnvInfo: {
          EnvBaseInfo: {
            EnvId: envId,
            Alias: envId,
            Status: 'NORMAL',
            Region: opts.region,
            Databases: [{ InstanceId: DB_INSTANCE, Region: opts.region, Status: 'RUNNING' }],
            Functions: [{ Namespace: envId, Region: opts.region }],
            Storages: [],
          },
        },
      }
    },
    ListTables: (p) => {
      checkEnv(p)
      const all = store.collectionNames().sort()
      const offset = Number(p.MgoOffset ?? 0)
      const limit = Number(p.MgoLimit ?? 100)
      const page = all.slice(offset, offset + limit)
      return {
        Tables: page.length
          ? page.map((TableName) => ({
              TableName,
              Count: store.count(TableName),
              Size: 0,
              IndexCount: store.indexesOf(TableName).length + 1,
              IndexSize: 0,
            }))
          : null,
        Pager: { Offset: offset, Limit: limit, Total: all.length },
      }
    },
    DescribeTable: (p) => {
      const name = tableName(p)
      mustExist(name)
      const indexes = [
        { Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true },
        ...store.indexesOf(name).map((i) => ({
          Name: i.name,
          Keys: Object.entries(i.keys).map(([Name, d]) => ({ Name, Direction: String(d) })),
          Unique: i.unique,
        })),
      ]
      return {
        Indexes: indexes.map((i) => ({ ...i, Size: 0, Accesses: { Ops: 0, Since: new Date(0).toISOString() } })),
        IndexNum: indexes.length,
      }
    },
    CreateTable: (p) => {
      const name = tableName(p)
      if (store.hasCollection(name)) throw new ApiError('ResourceInUse', `table ${name} already exists`)
      store.createCollection(name)
      return {}
    },
    UpdateTable: (p) => {
      const name = tableName(p)
      mustExist(name)
      if (Array.isArray(p.DropIndexes) && p.DropIndexes.length)
        throw new ApiError('UnsupportedOperation', 'the local cloud does not drop indexes')
      for (const raw of (p.CreateIndexes ?? []) as Params[]) {
        const schema = raw.MgoKeySchema as { MgoIndexKeys?: { Name?: string; Direction?: string }[]; MgoIsUnique?: boolean } | undefined
        const keys = schema?.MgoIndexKeys ?? []
        if (typeof raw.IndexName !== 'string' || keys.length === 0)
          throw new ApiError('InvalidParameter', 'CreateIndexes[] needs IndexName and MgoKeySchema.MgoIndexKeys')
        if (schema?.MgoIsUnique) throw new ApiError('UnsupportedOperation', 'the local cloud does not enforce unique indexes')
        if (keys.some((k) => typeof k.Name !== 'string' || k.Direction !== '1'))
          throw new ApiError('UnsupportedOperation', 'the local cloud builds ascending ("1") indexes only')
        store.declareIndex(
          name,
          keys.map((k) => k.Name!),
          raw.IndexName,
        )
      }
      return {}
    },
    // cloud.tencent.com/document/api/876/34821: EnvId, CollectionName → AclTag
    DescribeDatabaseACL: (p) => {
      const name = collectionName(p)
      mustExist(name)
      return { AclTag: store.aclOf(name) ?? DEFAULT_ACL }
    },
    // cloud.tencent.com/document/api/876/34819: EnvId, CollectionName, AclTag → (RequestId only)
    ModifyDatabaseACL: (p) => {
      const name = collectionName(p)
      mustExist(name)
      if (typeof p.AclTag !== 'string' || !ACL_TAGS.includes(p.AclTag))
        throw new ApiError('InvalidParameter', `AclTag must be one of ${ACL_TAGS.join(', ')}`)
      store.setAcl(name, p.AclTag)
      return {}
    },
    // cloud.tencent.com/document/api/876/128121: ServiceId, Path?, Name?, APIId?, Type?, Offset?, Limit? →
    // APISet (null when empty), EnableService, Total, Offset, Limit
    DescribeCloudBaseGWAPI: (p) => {
      checkService(p)
      const match = gateway.apis.filter(
        (a) =>
          (p.Path === undefined || a.Path === p.Path) &&
          (p.Name === undefined || a.Name === p.Name) &&
          (p.APIId === undefined || a.APIId === p.APIId) &&
          (p.Type === undefined || a.Type === p.Type),
      )
      const offset = Number(p.Offset ?? 0)
      const limit = Number(p.Limit ?? 20)
      const page = match.slice(offset, offset + limit)
      return { APISet: page.length ? page : null, EnableService: gateway.enabled, Total: match.length, Offset: offset, Limit: limit }
    },
    // cloud.tencent.com/document/api/876/128124: ServiceId, Path, Type, Name, AuthSwitch? (1 on, 2 off) → APIId.
    // A path already bound is InvalidParameter.APICreated, the code manager-node's createAccessPath expects.
    CreateCloudBaseGWAPI: (p) => {
      checkService(p)
      if (typeof p.Path !== 'string' || !p.Path.startsWith('/')) throw new ApiError('InvalidParameter', 'Path must start with /')
      if (typeof p.Name !== 'string' || !p.Name) throw new ApiError('InvalidParameter', 'Name is required')
      if (p.Type !== 1) throw new ApiError('UnsupportedOperation', 'the local cloud routes to cloud functions (Type 1) only')
      if (gateway.apis.some((a) => a.Path === p.Path)) throw new ApiError('InvalidParameter.APICreated', `path ${p.Path} is already bound`)
      const api = gatewayApi(p.Path, p.Name, p.AuthSwitch === 1)
      gateway.apis.push(api)
      return { APIId: api.APIId }
    },
  }

  return {
    get calls() {
      return calls
    },
    async handle(req, res) {
      calls++
      const RequestId = randomUUID()
      try {
        const action = String(req.headers['x-tc-action'] ?? '')
        if (
          !/^TC3-HMAC-SHA256 Credential=\S+\/tcb\/tc3_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/.test(
            String(req.headers.authorization ?? ''),
          )
        ) {
          throw new ApiError('AuthFailure.SignatureFailure', 'a TC3-HMAC-SHA256 Authorization header for service tcb is required')
        }
        if (req.headers['x-tc-version'] !== VERSION) throw new ApiError('InvalidParameter', `X-TC-Version must be ${VERSION}`)
        const run = actions[action]
        if (!run)
          throw new ApiError(
            'InvalidAction',
            `${action || 'no action'} is not served by the local cloud (served: ${Object.keys(actions).join(', ')})`,
          )
        sendJson(res, 200, { Response: { ...run(await readJson(req)), RequestId } })
      } catch (err) {
        if (!(err instanceof ApiError)) throw err
        sendJson(res, 200, { Response: { Error: { Code: err.code, Message: err.message }, RequestId } })
      }
    },
  }
}
