// What `npm run deploy` does, computed before it does anything: every function of cloudbaserc.json with
// its runtime, timeout, memory, fixed egress IP, variables (values masked) and triggers, the HTTP routes, and every
// collection (server/store/collections.ts) with the permission each gets, and index
// (server/store/indexes.ts) the product needs.
// `--dry-run` prints it; a real deploy refuses to start while `missing` is not empty.
import { Collections } from '../../server/store/collections'
import { INDEXES } from '../../server/store/indexes'
import { resolveEnvId, routeFunction, templateName, type CloudbaseRc, type TimerTrigger } from './cloudbaserc'

/**
 * Variables a function may go without: the code has a default for each (server/config.ts,
 * server/domain/{checkout,gifts,sales,reconcile}.ts, server/domain/merchant/invites.ts). Every other declared variable must be set.
 */
export const OPTIONAL_VARIABLES = new Set([
  'CONSUME_ON_ZERO',
  'WX_API_TIMEOUT_MS',
  'CHECKOUT_EXPIRY_S',
  'GIFT_EXPIRY_S',
  'SALE_MIN_VALID_DAYS',
  'CARD_RECONCILE_AGE_S',
  'UPKEEP_TASK_BUDGET_MS',
  'UPKEEP_CONCURRENCY',
  'WXACODE_ENV_VERSION',
])

/**
 * Every collection's permission (ModifyDatabaseACL's AclTag): ADMINONLY, read and written only by
 * server-side code. The Mini Program never reaches the database itself, only through the functions, so no
 * user needs any access (a collection made by code starts PRIVATE: each user reads and writes the
 * documents they created).
 */
export const COLLECTION_ACL = 'ADMINONLY'

/** manager-node's credentials from the environment (lib/constant.js ENV_NAME). */
export const CREDENTIAL_VARIABLES = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY'] as const

export interface PlannedVariable {
  name: string
  set: boolean
  optional: boolean
}

export interface PlannedFunction {
  name: string
  runtime: string
  timeout: number
  memorySize: number
  /** public network access with a fixed egress IP (cloudbaserc.json publicNetConfig) */
  fixedEgressIp: boolean
  variables: PlannedVariable[]
  triggers: TimerTrigger[]
}

export interface PlannedIndex {
  collection: string
  /** MongoDB's default name: field_1_field_1 */
  name: string
  fields: string[]
}

export interface DeployPlan {
  envId: string
  functionRoot: string
  functions: PlannedFunction[]
  routes: { path: string; fn: string }[]
  collections: string[]
  /** the permission every collection is given */
  collectionAcl: typeof COLLECTION_ACL
  indexes: PlannedIndex[]
  /** what a real deploy needs and the environment lacks (names only): the environment id and credentials … */
  missingAccess: string[]
  /** … and the functions' required variables (a database-only deploy needs none) */
  missingVariables: string[]
}

export const indexName = (fields: string[]): string => fields.map((f) => `${f}_1`).join('_')

export function productIndexes(): PlannedIndex[] {
  return Object.entries(INDEXES).flatMap(([collection, list]) => list.map((fields) => ({ collection, name: indexName(fields), fields })))
}

export function planDeploy(rc: CloudbaseRc, env: NodeJS.ProcessEnv): DeployPlan {
  const envId = resolveEnvId(rc, env)
  const functions = rc.functions.map((f) => ({
    name: f.name,
    runtime: f.runtime,
    timeout: f.timeout,
    memorySize: f.memorySize,
    fixedEgressIp: f.publicNetConfig?.EipConfig.EipStatus === 'ENABLE',
    variables: Object.values(f.envVariables).map((t) => {
      const name = templateName(t)
      return { name, set: Boolean(env[name]), optional: OPTIONAL_VARIABLES.has(name) }
    }),
    triggers: f.triggers,
  }))
  const missingAccess = [...(envId ? [] : ['TCB_ENV_ID']), ...CREDENTIAL_VARIABLES.filter((c) => !env[c])]
  const missingVariables = new Set<string>()
  for (const f of functions) for (const v of f.variables) if (!v.set && !v.optional) missingVariables.add(v.name)
  return {
    envId,
    functionRoot: rc.functionRoot,
    functions,
    routes: rc.routes.map((r) => ({ path: r.path, fn: routeFunction(r) })),
    collections: Object.values(Collections),
    collectionAcl: COLLECTION_ACL,
    indexes: productIndexes(),
    missingAccess,
    missingVariables: [...missingVariables],
  }
}

/** The plan as text: names and settings, never a value. */
export function formatPlan(plan: DeployPlan): string {
  const out: string[] = []
  out.push(`environment: ${plan.envId || '(TCB_ENV_ID not set)'}`)
  out.push(`functions from ${plan.functionRoot}:`)
  for (const f of plan.functions) {
    out.push(
      `  ${f.name}  runtime ${f.runtime}, timeout ${f.timeout} s, memory ${f.memorySize} MB${f.fixedEgressIp ? ', fixed egress IP' : ''}`,
    )
    const vars = f.variables.map((v) => `${v.name}=${v.set ? '******' : v.optional ? '(not set: default)' : '(NOT SET)'}`)
    out.push(`    variables: ${vars.join(' ')}`)
    for (const t of f.triggers) out.push(`    trigger ${t.name}: ${t.type} "${t.config}"`)
  }
  out.push('HTTP access routes:')
  for (const r of plan.routes) out.push(`  ${r.path} → ${r.fn}`)
  out.push(`collections (${plan.collections.length}):`)
  for (const c of plan.collections) out.push(`  ${c}`)
  out.push(
    `permission of every collection: ${plan.collectionAcl} (only the functions read and write; the Mini Program has no direct access)`,
  )
  out.push(`indexes (${plan.indexes.length}):`)
  for (const i of plan.indexes) out.push(`  ${i.collection}.${i.name}  (${i.fields.join(', ')})`)
  const missing = [...plan.missingAccess, ...plan.missingVariables]
  out.push(missing.length ? `missing for a real deploy: ${missing.join(', ')}` : 'nothing missing for a real deploy')
  return out.join('\n')
}
