// `npm run test:e2e`: makes sure the H5 preview and the functions are built, then runs every
// test/e2e/*.e2e.ts with Node's test runner. Each file starts and stops its own local stack.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
if (!existsSync(join(root, 'dist', 'h5', 'index.html'))) execFileSync('npm', ['run', '--silent', 'build:h5'], { cwd: root, stdio: 'inherit' })
if (!existsSync(join(root, 'dist', 'cloudfunctions', 'card', 'index.js'))) execFileSync('npm', ['run', '--silent', 'build:functions'], { cwd: root, stdio: 'inherit' })

const files = readdirSync(__dirname).filter((f) => f.endsWith('.e2e.ts')).map((f) => join(__dirname, f))
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit' })
process.exit(res.status ?? 1)
