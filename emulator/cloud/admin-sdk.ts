// The real wx-server-sdk in the host process (tests, seeding, benchmarks), pointed at one local cloud's
// CloudBase API by its `serviceUrl` setting rather than by the process environment, so several clouds
// can share a process. Its database is exactly what a deployed function gets from cloud.database().
import type { WxDatabase, WxServerSdk } from '../../server/platform/wx-server-sdk'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('wx-server-sdk') as WxServerSdk

export function adminDatabase(apiUrl: string): WxDatabase {
  const app = sdk.createNewInstance({ env: 'local', serviceUrl: apiUrl, secretId: 'AKIDlocalhost', secretKey: 'local', timeout: 60_000 })
  return app.database()
}
