// The function half of `npm run deploy` (scripts/deploy/functions.ts deployFunctions), run in this
// process: the real @cloudbase/manager-node's access service talks to the local cloud's management API
// (TCB_BASE_URL → /__tcb), and its function service, whose scf requests cannot be pointed anywhere but
// scf.tencentcloudapi.com, is test/helpers/fake-scf.ts. What must stop a deploy stops it before the first
// upload, saying what to do.
import CloudBase from '@cloudbase/manager-node'
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { readCloudbaserc, templateName } from '../../scripts/deploy/cloudbaserc'
import { DeployStopped, deployFunctions, type FunctionDeployApi } from '../../scripts/deploy/functions'
import { FUNCTIONS_DIR, stackEnv } from '../helpers/cloud'
import { runDeploy } from '../helpers/deploy'
import { FakeScf } from '../helpers/fake-scf'

const ENV_ID = 'merchant-prod-7f3a'
const rc = readCloudbaserc()
/** Every variable cloudbaserc.json names, set. */
const env: NodeJS.ProcessEnv = {
  TCB_ENV_ID: ENV_ID,
  ...Object.fromEntries(rc.functions.flatMap((f) => Object.values(f.envVariables).map((t) => [templateName(t), 'set']))),
}

const started: LocalCloud[] = []
const baseUrlBefore = process.env.TCB_BASE_URL
afterAll(async () => {
  process.env.TCB_BASE_URL = baseUrlBefore
  if (baseUrlBefore === undefined) delete process.env.TCB_BASE_URL
  await Promise.all(started.map((c) => c.stop()))
})

/** A local cloud for the environment, and manager-node pointed at it (functions: a fake SCF). */
async function target(opts: { httpAccessService?: boolean; routes?: boolean } = {}) {
  const cloud = await startLocalCloud({
    functionsDir: FUNCTIONS_DIR,
    dataDir: null,
    mpAppid: stackEnv.WX_MP_APPID!,
    port: 0,
    env: {},
    envId: ENV_ID,
    httpAccessService: opts.httpAccessService,
    // Without a deployment config the local cloud starts with no HTTP route, as a new environment does.
    deployConfig: opts.routes === false ? null : undefined,
  })
  started.push(cloud)
  // manager-node reads TCB_BASE_URL at each request (lib/utils/cloud-api-request.js).
  process.env.TCB_BASE_URL = `${cloud.url}/__tcb`
  const app = new CloudBase({ envId: ENV_ID, secretId: 'AKIDlocaldeploytest', secretKey: 'local-secret-key' })
  const scf = new FakeScf()
  const api = { functions: scf, access: app.access } as unknown as FunctionDeployApi
  const lines: string[] = []
  const deploy = () => deployFunctions(api, rc, env, (l) => lines.push(l))
  return { cloud, scf, lines, deploy }
}

describe('the HTTP access service', () => {
  test('switched off, the deploy stops before uploading anything and says where to turn it on', async () => {
    const t = await target({ httpAccessService: false })
    const err = await t.deploy().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(DeployStopped)
    const message = (err as Error).message
    expect(message).toContain(`the HTTP access service (HTTP 访问服务) of ${ENV_ID} is switched off`)
    expect(message).toContain('/wxpush → wxpush')
    expect(message).toContain('云开发控制台 → 环境管理 → HTTP 访问服务')
    expect(t.scf.calls).toEqual([])
    // The environment lookup and the one listing that reported the switch.
    expect(t.cloud.managementCalls).toBe(2)
  })

  test('npm run deploy says so and exits 1, having changed nothing', async () => {
    const t = await target({ httpAccessService: false })
    const access = { TCB_ENV_ID: ENV_ID, TENCENTCLOUD_SECRETID: 'AKIDlocaldeploytest', TENCENTCLOUD_SECRETKEY: 'local-secret-key' }
    const run = await runDeploy([], { ...(env as Record<string, string>), ...access, TCB_BASE_URL: `${t.cloud.url}/__tcb` })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      `Not deploying (nothing was changed): the HTTP access service (HTTP 访问服务) of ${ENV_ID} is switched off`,
    )
    expect(t.cloud.managementCalls).toBe(2)
    expect(t.cloud.dbService.store.collectionNames()).toEqual([])
  }, 60_000)

  test('switched on, the route is created once: a second deploy finds it', async () => {
    const t = await target({ routes: false })
    await t.deploy()
    expect(t.lines).toContain('  + route /wxpush → wxpush')
    t.lines.length = 0
    await t.deploy()
    expect(t.lines.filter((l) => l.includes('+ route'))).toEqual([])
  })
})

describe('a function that exists already', () => {
  test('with another runtime, the deploy stops before uploading anything, naming it, both runtimes and what to do', async () => {
    const t = await target()
    const declared = rc.functions.find((f) => f.name === 'card')!.runtime
    t.scf.seed('card', 'Nodejs16.13')
    t.scf.seed('pay', declared)
    const err = await t.deploy().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(DeployStopped)
    const message = (err as Error).message
    expect(message).toContain(`card: Nodejs16.13 in the cloud, cloudbaserc.json says ${declared}`)
    expect(message).not.toContain('pay:')
    expect(message).toContain('CloudBase sets a function’s runtime only when it creates the function')
    expect(message).toContain('Delete card (云开发控制台 → 云函数 → card → 删除) in the console, then run npm run deploy again')
    // Every function was read, none uploaded, none deleted.
    expect(t.scf.calls).toEqual(rc.functions.map((f) => `getFunctionDetail ${f.name}`))
    expect(t.scf.functions.get('card')!.Runtime).toBe('Nodejs16.13')
  })

  test('with the declared runtime, it is updated in place', async () => {
    const t = await target()
    const declared = rc.functions.find((f) => f.name === 'pay')!.runtime
    t.scf.seed('pay', declared)
    await t.deploy()
    expect(t.scf.calls).toContain('createFunction pay')
    expect(t.scf.functions.get('pay')!.Runtime).toBe(declared)
    expect([...t.scf.functions.keys()].sort()).toEqual(rc.functions.map((f) => f.name).sort())
  })
})

describe('the fixed egress IP', () => {
  test('every function, new or existing, is deployed with it, and the deploy prints the address to whitelist', async () => {
    const t = await target()
    // Made earlier in the console: public network on, no fixed IP.
    t.scf.seed('pay', rc.functions.find((f) => f.name === 'pay')!.runtime, {
      PublicNetStatus: 'ENABLE',
      EipConfig: { EipStatus: 'DISABLE' },
    })
    await t.deploy()
    for (const p of t.scf.created)
      expect({ fn: p.func.name, publicNetConfig: (p.func as { publicNetConfig?: unknown }).publicNetConfig }).toEqual({
        fn: p.func.name,
        publicNetConfig: { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'ENABLE' } },
      })
    expect(t.scf.created.map((p) => p.func.name).sort()).toEqual(rc.functions.map((f) => f.name).sort())
    for (const f of t.scf.functions.values())
      expect({ fn: f.FunctionName, eip: f.PublicNetConfig.EipConfig.EipAddress }).toEqual({ fn: f.FunctionName, eip: ['203.0.113.7'] })
    expect(t.lines).toContain(
      "fixed egress IP of the functions: 203.0.113.7 — the Service Account's API IP whitelist must list it (docs/deploy.md 6.2)",
    )
  })
})
