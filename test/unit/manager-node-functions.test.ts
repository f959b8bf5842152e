// What @cloudbase/manager-node sends to SCF for the two ways `npm run deploy` reaches a function
// (scripts/deploy/functions.ts: createFunction with force), read off the requests themselves: its HTTP
// layer (lib/utils/http-request.js fetch) is replaced here by a recorder answering as SCF would, so
// manager-node's own code builds every request. It pins what the deploy relies on and cannot see from
// outside: the fixed egress IP (publicNetConfig) reaches SCF as PublicNetConfig both when a function is
// created (CreateFunction) and when an existing one is updated (UpdateFunctionConfiguration), and the
// runtime goes only with CreateFunction (which is why the deploy checks an existing function's runtime).
import CloudBase from '@cloudbase/manager-node'

jest.mock('@cloudbase/manager-node/lib/utils/http-request', () => ({ fetch: jest.fn(), fetchStream: jest.fn() }))
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fetch } = require('@cloudbase/manager-node/lib/utils/http-request') as { fetch: jest.Mock }

const ENV_ID = 'merchant-prod-7f3a'
const PUBLIC_NET = { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'ENABLE' } }
/** An empty zip: the code is beside the point, and given inline nothing is packed or uploaded. */
const CODE = { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' }

interface Sent {
  host: string
  action: string
  body: Record<string, unknown>
}
let sent: Sent[] = []
const existing = new Set<string>()

beforeEach(() => {
  sent = []
  existing.clear()
  fetch.mockImplementation(async (url: string, config: { headers: Record<string, string>; body: string }) => {
    const action = config.headers['X-TC-Action']!
    const body = JSON.parse(config.body) as Record<string, unknown>
    sent.push({ host: new URL(url).host, action, body })
    const RequestId = `req-${sent.length}`
    switch (action) {
      case 'DescribeEnvInfo':
        return {
          Response: { EnvInfo: { EnvBaseInfo: { EnvId: ENV_ID, Functions: [{ Namespace: ENV_ID }], Storages: [] } }, RequestId },
        }
      case 'CreateFunction':
        if (existing.has(body.FunctionName as string))
          return { Response: { Error: { Code: 'ResourceInUse.Function', Message: '函数已存在' }, RequestId } }
        existing.add(body.FunctionName as string)
        return { Response: { RequestId } }
      case 'GetFunction':
        return { Response: { FunctionName: body.FunctionName, Runtime: 'Nodejs18.15', Status: 'Active', Triggers: [], RequestId } }
      default:
        return { Response: { RequestId } }
    }
  })
})

const app = () => new CloudBase({ envId: ENV_ID, secretId: 'AKIDlocaldeploytest', secretKey: 'local-secret-key' })
const func = { name: 'card', runtime: 'Nodejs18.15', handler: 'index.main', timeout: 20, memorySize: 256, publicNetConfig: PUBLIC_NET }
const deploy = (a: CloudBase) =>
  a.functions.createFunction({ func: func as Parameters<CloudBase['functions']['createFunction']>[0]['func'], code: CODE, force: true })

test('a new function: CreateFunction carries the runtime and PublicNetConfig', async () => {
  await deploy(app())
  const create = sent.filter((s) => s.action === 'CreateFunction')
  expect(create).toHaveLength(1)
  expect(create[0]!.host).toBe('scf.tencentcloudapi.com')
  expect(create[0]!.body).toMatchObject({ FunctionName: 'card', Runtime: 'Nodejs18.15', Timeout: 20, PublicNetConfig: PUBLIC_NET })
}, 30_000)

test('an existing function: UpdateFunctionConfiguration carries PublicNetConfig and no runtime', async () => {
  existing.add('card')
  await deploy(app())
  const actions = sent.map((s) => s.action).filter((a) => a !== 'GetFunction' && a !== 'DescribeEnvInfo')
  expect(actions).toEqual(['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration'])
  const update = sent.find((s) => s.action === 'UpdateFunctionConfiguration')!
  expect(update.body).toMatchObject({ FunctionName: 'card', Timeout: 20, PublicNetConfig: PUBLIC_NET })
  expect(update.body).not.toHaveProperty('Runtime')
  expect(sent.find((s) => s.action === 'UpdateFunctionCode')!.body).not.toHaveProperty('Runtime')
}, 30_000)
