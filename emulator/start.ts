// `npm start`: builds what the stack runs (H5 preview and function bundles), starts the local stack,
// prints its URLs and stops cleanly on Ctrl-C or SIGTERM. Flags: --fresh (empty data), --no-build.
import { execFileSync } from 'node:child_process'
import { ROOT, startStack } from './stack'

async function main() {
  const args = new Set(process.argv.slice(2))
  for (const a of args) {
    if (!['--fresh', '--no-build'].includes(a)) {
      console.error(`unknown flag ${a}; use --fresh (start from empty data) or --no-build`)
      process.exit(2)
    }
  }
  if (!args.has('--no-build')) {
    console.log('building the H5 preview and the cloud functions…')
    execFileSync('npm', ['run', '--silent', 'build:h5'], { cwd: ROOT, stdio: 'inherit' })
    execFileSync('npm', ['run', '--silent', 'build:functions'], { cwd: ROOT, stdio: 'inherit' })
  }
  const stack = await startStack({ fresh: args.has('--fresh') })
  console.log(
    [
      '',
      'Local stack is up:',
      `  H5 preview        ${stack.preview?.url}   (switch between alice, bob and carol at the bottom right)`,
      `  local cloud       ${stack.cloud.url}    (POST /fn/:name with X-WX-OPENID)`,
      `  WeChat emulator   ${stack.wechat.url}    (control endpoints under /__emu/)`,
      `  data              ${stack.env.DATA_DIR || '.data'}`,
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
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
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
