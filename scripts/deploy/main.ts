// npm run deploy [-- --dry-run] [--only functions|database] [--config cloudbaserc.json]
//
// Deploys what cloudbaserc.json declares (functions, timer triggers, HTTP routes) and the collections
// (each admin-only) and indexes of server/store to the Cloud Development environment TCB_ENV_ID, with the Tencent Cloud
// credentials TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for a
// temporary key) from the environment, through @cloudbase/manager-node. Each function's variables
// are filled from the environment too (docs/deploy.md lists them).
//
// --dry-run prints the plan and touches nothing: no network, no credentials needed. A real deploy
// checks everything it needs first and stops before its first request when something is missing.
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { readCloudbaserc, CLOUDBASERC } from './cloudbaserc'
import { databaseAcl, setupDatabase } from './database'
import { DeployStopped, deployFunctions } from './functions'
import { formatPlan, planDeploy } from './plan'

async function main(): Promise<number> {
  const args = await yargs(hideBin(process.argv))
    .scriptName('npm run deploy --')
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan; no network, no credentials' })
    .option('only', {
      choices: ['functions', 'database'] as const,
      describe: 'deploy only the functions (with triggers and routes) or only the database',
    })
    .option('config', { type: 'string', default: CLOUDBASERC, describe: 'the CloudBase CLI project file' })
    .strict()
    .help()
    .parseAsync()

  const rc = readCloudbaserc(args.config)
  const env = process.env
  const plan = planDeploy(rc, env)
  console.log(formatPlan(plan))
  if (args['dry-run']) return 0

  const missing = [...plan.missingAccess, ...(args.only === 'database' ? [] : plan.missingVariables)]
  if (missing.length) {
    console.error(`\nNot deploying: set ${missing.join(', ')} in the environment first (nothing was changed).`)
    return 1
  }
  const { default: CloudBase } = await import('@cloudbase/manager-node')
  const app = new CloudBase({
    envId: plan.envId,
    secretId: env.TENCENTCLOUD_SECRETID,
    secretKey: env.TENCENTCLOUD_SECRETKEY,
    token: env.TENCENTCLOUD_SESSIONTOKEN,
  })
  const log = (line: string) => console.log(line)
  if (args.only !== 'database') {
    console.log(`\ndeploying functions to ${plan.envId}`)
    await deployFunctions({ functions: app.functions, access: app.access }, rc, env, log)
  }
  if (args.only !== 'functions') {
    console.log(`\nsetting up the database of ${plan.envId}`)
    const changes = await setupDatabase(app.database, databaseAcl(app, plan.envId), plan, log)
    console.log(
      `database: ${changes.createdCollections.length} collections and ${changes.createdIndexes.length} indexes created, ` +
        `${changes.permissionsSet.length} permissions set to ${plan.collectionAcl}, the rest already there`,
    )
    console.log(`every collection (${plan.collections.length}) is ${plan.collectionAcl}: only the functions read and write it`)
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof DeployStopped) console.error(`\nNot deploying (nothing was changed): ${err.message}`)
    else console.error(`deploy failed: ${(err as Error)?.message ?? String(err)}`)
    process.exit(1)
  },
)
