// `npm run deploy -- --only database` against the local cloud: the real @cloudbase/manager-node, sent to
// the local cloud's management API by TCB_BASE_URL (which manager-node honours for the tcb service),
// creates every collection and index of server/store and makes every collection admin-only (the Mini
// Program reaches the database only through the functions); a second run finds it all so and changes
// nothing; without an environment id or credentials the deploy stops before its first request.
import { startLocalCloud, type LocalCloud } from '../../emulator/cloud/local-cloud'
import { indexName } from '../../scripts/deploy/plan'
import { Collections } from '../../server/store/collections'
import { INDEXES } from '../../server/store/indexes'
import { FUNCTIONS_DIR, stackEnv } from '../helpers/cloud'
import { runDeploy } from '../helpers/deploy'

const ENV_ID = 'merchant-prod-7f3a'
let cloud: LocalCloud
let access: Record<string, string>

beforeAll(async () => {
  cloud = await startLocalCloud({
    functionsDir: FUNCTIONS_DIR,
    dataDir: null,
    mpAppid: stackEnv.WX_MP_APPID!,
    port: 0,
    env: {},
    envId: ENV_ID,
  })
  access = {
    TCB_ENV_ID: ENV_ID,
    TENCENTCLOUD_SECRETID: 'AKIDlocaldeploytest',
    TENCENTCLOUD_SECRETKEY: 'local-secret-key',
    TCB_BASE_URL: `${cloud.url}/__tcb`,
  }
})
afterAll(() => cloud.stop())

/** What the environment holds: collection → index names, read from the store the functions use. */
function snapshot(): Record<string, string[]> {
  const store = cloud.dbService.store
  return Object.fromEntries(
    store
      .collectionNames()
      .sort()
      .map((c) => [
        c,
        store
          .indexesOf(c)
          .map((i) => i.name)
          .sort(),
      ]),
  )
}

test('without TCB_ENV_ID or credentials a deploy stops before its first request, naming what is missing', async () => {
  const noEnv = await runDeploy(['--only', 'database'], { ...access, TCB_ENV_ID: '' })
  expect(noEnv.code).toBe(1)
  expect(noEnv.stderr).toContain('Not deploying: set TCB_ENV_ID in the environment first (nothing was changed).')
  const noKey = await runDeploy([], { TCB_ENV_ID: ENV_ID, TCB_BASE_URL: access.TCB_BASE_URL! })
  expect(noKey.code).toBe(1)
  expect(noKey.stderr).toMatch(/^Not deploying: set TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, WX_SA_APPID, /m)
  expect(cloud.managementCalls).toBe(0)
  expect(snapshot()).toEqual({})
}, 60_000)

/** Each collection's permission tag, as DescribeDatabaseACL reports it. */
const permissions = () =>
  Object.fromEntries(cloud.dbService.store.collectionNames().map((c) => [c, cloud.dbService.store.aclOf(c) ?? 'PRIVATE']))

test('the first run creates every collection and index and makes every collection ADMINONLY; the second changes nothing', async () => {
  const collections = Object.values(Collections)
  // One collection is there already, opened to every user in the console ("所有用户可读"): it is closed too.
  const opened = collections[0]!
  cloud.dbService.store.createCollection(opened)
  cloud.dbService.store.setAcl(opened, 'READONLY')

  const first = await runDeploy(['--only', 'database'], access)
  expect(first.stderr).toBe('')
  expect(first.code).toBe(0)
  const indexCount = Object.values(INDEXES).flat().length
  expect(first.stdout).toContain(
    `database: ${collections.length - 1} collections and ${indexCount} indexes created, ${collections.length} permissions set to ADMINONLY, the rest already there`,
  )
  expect(first.stdout).toContain(`  ~ permission ${opened}: READONLY → ADMINONLY`)
  expect(first.stdout).toContain(`  ~ permission ${collections[1]}: PRIVATE → ADMINONLY`)
  expect(first.stdout).toContain(`every collection (${collections.length}) is ADMINONLY: only the functions read and write it`)
  expect(permissions()).toEqual(Object.fromEntries(collections.map((c) => [c, 'ADMINONLY'])))
  const after = snapshot()
  expect(Object.keys(after)).toEqual([...collections].sort())
  for (const [c, list] of Object.entries(INDEXES)) expect(after[c]).toEqual(list.map(indexName).sort())
  // The indexes serve the product's queries as the console's would: declared for the query planner.
  for (const [c, list] of Object.entries(INDEXES)) expect(cloud.dbService.store.declaredIndexes(c)).toEqual(list)

  const callsBefore = cloud.managementCalls
  const second = await runDeploy(['--only', 'database'], access)
  expect(second.code).toBe(0)
  expect(second.stdout).toContain('database: 0 collections and 0 indexes created, 0 permissions set to ADMINONLY, the rest already there')
  expect(second.stdout).not.toContain('~ permission')
  expect(snapshot()).toEqual(after)
  expect(permissions()).toEqual(Object.fromEntries(collections.map((c) => [c, 'ADMINONLY'])))
  // Reads only: the environment, one listing, one description per collection with indexes, one
  // permission per collection.
  expect(cloud.managementCalls - callsBefore).toBe(1 + 1 + Object.keys(INDEXES).length + collections.length)
}, 60_000)

test('a wrong environment id is refused by the management API and reported', async () => {
  const r = await runDeploy(['--only', 'database'], { ...access, TCB_ENV_ID: 'no-such-env' })
  expect(r.code).toBe(1)
  expect(r.stderr).toContain('deploy failed: [DescribeEnvInfo] environment no-such-env does not exist')
}, 60_000)
