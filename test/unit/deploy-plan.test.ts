// `npm run deploy -- --dry-run`: with no credentials, no environment id and no network it prints the
// whole plan. The expected names are read from the sources (the folders of cloudfunctions/,
// server/store/collections.ts and indexes.ts, cloudbaserc.json), so a function, collection or index
// added there and missing from the plan fails here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { readCloudbaserc, routeFunction, templateName } from '../../scripts/deploy/cloudbaserc'
import { indexName } from '../../scripts/deploy/plan'
import { Collections } from '../../server/store/collections'
import { INDEXES } from '../../server/store/indexes'
import { ROOT } from '../helpers/cloud'
import { runDeploy, type DeployRun } from '../helpers/deploy'

const functionDirs = readdirSync(join(ROOT, 'cloudfunctions')).filter((n) => statSync(join(ROOT, 'cloudfunctions', n)).isDirectory())
const rc = readCloudbaserc()
const SECRET = 'do-not-print-me-0a9f'

let dry: DeployRun
beforeAll(async () => {
  dry = await runDeploy(['--dry-run'], { WX_SA_SECRET: SECRET, WX_PUSH_AES_KEY: SECRET })
}, 60_000)

const lines = () => dry.stdout.split('\n').map((l) => l.trim())
const lineOf = (prefix: string) => lines().find((l) => l.startsWith(prefix))

test('the dry run needs no credentials and no environment id, and says what a real deploy would still need', () => {
  expect(dry.code).toBe(0)
  expect(dry.stdout).toContain('environment: (TCB_ENV_ID not set)')
  expect(lineOf('missing for a real deploy:')).toMatch(/TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, /)
})

test('every function of cloudfunctions/ is planned with its runtime, timeout, memory and fixed egress IP from cloudbaserc.json', () => {
  expect(rc.functions.map((f) => f.name).sort()).toEqual([...functionDirs].sort())
  for (const f of rc.functions) {
    expect(lineOf(`${f.name}  `)).toBe(`${f.name}  runtime Nodejs18.15, timeout ${f.timeout} s, memory ${f.memorySize} MB, fixed egress IP`)
  }
})

// Every function holds WX_SA_SECRET and may fetch the access_token, which WeChat gives only to an address
// on the Service Account's IP whitelist: every one leaves the cloud from the environment's fixed address.
test('every function declares public network access with a fixed egress IP', () => {
  for (const f of rc.functions) {
    expect(f.envVariables).toHaveProperty('WX_SA_SECRET')
    expect({ fn: f.name, publicNetConfig: f.publicNetConfig }).toEqual({
      fn: f.name,
      publicNetConfig: { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'ENABLE' } },
    })
  }
})

test('each function’s variables are named with their values masked', () => {
  expect(dry.stdout).not.toContain(SECRET)
  for (const f of rc.functions) {
    const names = Object.values(f.envVariables).map(templateName)
    expect(names.length).toBeGreaterThan(0)
    const block = dry.stdout.split(`\n  ${f.name}  `)[1]!.split('\n')[1]!
    for (const n of names) expect(block).toContain(`${n}=`)
  }
  expect(dry.stdout).toContain('WX_SA_SECRET=******')
  expect(dry.stdout).toContain('WX_SA_APPID=(NOT SET)')
})

test('the cron’s timer trigger and wxpush’s route are planned', () => {
  const triggers = rc.functions.flatMap((f) => f.triggers.map((t) => `trigger ${t.name}: timer "${t.config}"`))
  expect(triggers).toEqual(['trigger upkeep: timer "0 */5 * * * * *"'])
  for (const t of triggers) expect(dry.stdout).toContain(t)
  expect(rc.routes.map((r) => `${r.path} → ${routeFunction(r)}`)).toEqual(['/wxpush → wxpush'])
  expect(lines()).toContain('/wxpush → wxpush')
})

test('every collection (admin-only) and every index of server/store is planned', () => {
  const collections = Object.values(Collections)
  expect(dry.stdout).toContain(`collections (${collections.length}):`)
  for (const c of collections) expect(lines()).toContain(c)
  expect(lineOf('permission of every collection:')).toMatch(/^permission of every collection: ADMINONLY /)
  const indexes = Object.entries(INDEXES).flatMap(([c, list]) => list.map((fields) => `${c}.${indexName(fields)}  (${fields.join(', ')})`))
  expect(dry.stdout).toContain(`indexes (${indexes.length}):`)
  for (const i of indexes) expect(dry.stdout).toContain(`\n  ${i}\n`)
})

test('cloudbaserc.json stores no value: every variable is an {{env.NAME}} template', () => {
  const raw = readFileSync(rc.file, 'utf8')
  expect(raw).toContain('"envId": "{{env.TCB_ENV_ID}}"')
  for (const f of rc.functions) for (const [k, v] of Object.entries(f.envVariables)) expect(v).toBe(`{{env.${k}}}`)
})

// Variables the bundles read that are not declared on purpose: WX_API_BASE points the functions at the
// local WeChat emulator and is never deployed (the real API host is the default); the push Token and
// EncodingAESKey are read by loadConfig in every bundle but used only by wxpush, so only wxpush gets them.
const UNDECLARED = { everywhere: ['WX_API_BASE'], outsideWxpush: ['WX_PUSH_TOKEN', 'WX_PUSH_AES_KEY'] }

test('each function declares exactly the variables its bundle reads', () => {
  const bundle = (name: string) => join(ROOT, 'dist', 'cloudfunctions', name, 'app.js')
  if (!existsSync(bundle('card'))) throw new Error('dist/cloudfunctions is not built: run `npm run build:functions`')
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8').match(/^[A-Z][A-Z0-9_]*(?==)/gm) ?? []
  const candidates = new Set([...example, ...rc.functions.flatMap((f) => Object.keys(f.envVariables))])
  for (const f of rc.functions) {
    const code = readFileSync(bundle(f.name), 'utf8')
    const read = [...candidates].filter((n) => new RegExp(`\\b${n}\\b`).test(code))
    const skip = new Set([...UNDECLARED.everywhere, ...(f.name === 'wxpush' ? [] : UNDECLARED.outsideWxpush)])
    expect({ fn: f.name, vars: read.filter((n) => !skip.has(n)).sort() }).toEqual({ fn: f.name, vars: Object.keys(f.envVariables).sort() })
  }
})
