// `npm start`: builds what the stack runs (H5 preview and function bundles), starts the local stack,
// prints its URLs and stops cleanly on Ctrl-C or SIGTERM — to this process, or to npm's (package.json's
// start script execs tsx, so npm forwards the signal to tsx, which relays it here: test/integration/npm-start.test.ts).
// Flags: --fresh (empty data), --no-build, --retired (WeChat as most accounts meet it since 2021: new ordinary coupons and the friend-coupon coin
// purchase answer 45103; see emulator/wechat/retired.ts).
import { execFileSync } from 'node:child_process'
import { ROOT, startStack, type Stack } from './stack'
import { RETIRED_PRESET } from './wechat/retired'

async function main() {
  const args = new Set(process.argv.slice(2))
  for (const a of args) {
    if (!['--fresh', '--no-build', '--retired'].includes(a)) {
      console.error(`unknown flag ${a}; use --fresh (start from empty data), --no-build or --retired (what WeChat retired answers 45103)`)
      process.exit(2)
    }
  }
  // Listening from the start: a signal during the build or the stack's start stops it as soon as it is up.
  let stack: Stack | undefined = undefined
  let signalled: string | undefined
  let stopping = false
  const stop = (signal: string) => {
    signalled ??= signal
    if (!stack || stopping) return
    stopping = true
    console.log(`\n${signal}: stopping…`)
    stack.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  if (!args.has('--no-build')) {
    console.log('building the H5 preview and the cloud functions…')
    execFileSync('npm', ['run', '--silent', 'build:h5'], { cwd: ROOT, stdio: 'inherit' })
    execFileSync('npm', ['run', '--silent', 'build:functions'], { cwd: ROOT, stdio: 'inherit' })
  }
  // --retired adds the preset to whatever WXEMU_RETIRED_APIS already names.
  const retired: Record<string, string> = args.has('--retired')
    ? { WXEMU_RETIRED_APIS: [process.env.WXEMU_RETIRED_APIS, RETIRED_PRESET].filter(Boolean).join(',') }
    : {}
  stack = await startStack({ fresh: args.has('--fresh'), env: retired })
  console.log(
    [
      '',
      'Local stack is up:',
      `  H5 preview        ${stack.preview?.url}   (switch between alice, bob and carol at the bottom right)`,
      `  local cloud       ${stack.cloud.url}    (POST /fn/:name with X-WX-OPENID)`,
      `  WeChat emulator   ${stack.wechat.url}    (control endpoints under /__emu/)`,
      `  data              ${stack.env.DATA_DIR || '.data'}`,
      ...(args.has('--retired') ? [`  retired (45103)   ${[...stack.wechat.platform.retired].join(', ')}`] : []),
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  if (signalled) stop(signalled)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
