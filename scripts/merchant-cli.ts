// `npm run merchant -- …`: see scripts/merchant/cli.ts. This entry connects it to the local stack's
// settings, the terminal and the process's exit code.
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { loadStackEnv } from '../emulator/env'
import { httpCaller } from './merchant/call'
import { buildCli, UsageError } from './merchant/cli'
import { localIndexes } from './merchant/doctor'

const env = loadStackEnv(join(__dirname, '..'))
const io = {
  out: (s: string) => console.log(s),
  err: (s: string) => console.error(s),
  async confirm(question: string) {
    if (!process.stdin.isTTY) return false
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    const answer = await rl.question(`${question} [y/N] `)
    rl.close()
    return /^y(es)?$/i.test(answer.trim())
  },
}
const cloudUrl = (a: Record<string, unknown>) => (a.url as string | undefined) ?? `http://127.0.0.1:${env.CLOUD_PORT || 9602}`
const cli = buildCli(
  process.argv.slice(2),
  io,
  (a) => {
    const url = cloudUrl(a)
    const openid = (a.openid as string | undefined) ?? (env.MERCHANT_ADMIN_OPENIDS ?? '').split(',')[0]?.trim()
    if (!openid) throw new UsageError('no admin openid: set MERCHANT_ADMIN_OPENIDS or pass --openid')
    return httpCaller(url, openid)
  },
  (a) => localIndexes(cloudUrl(a)),
)
cli.run().then(
  (code) => process.exit(code),
  (err) => {
    console.error((err as Error).stack)
    process.exit(1)
  },
)
