// `npm run test:e2e`: makes sure the H5 preview and the functions are built, then runs @playwright/test
// (playwright.config.ts) over test/e2e/*.e2e.ts. Each file starts and stops its own local stack.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
if (!existsSync(join(root, 'dist', 'h5', 'index.html')))
  execFileSync('npm', ['run', '--silent', 'build:h5'], { cwd: root, stdio: 'inherit' })
if (!existsSync(join(root, 'dist', 'cloudfunctions', 'gift', 'index.js')))
  execFileSync('npm', ['run', '--silent', 'build:functions'], { cwd: root, stdio: 'inherit' })

const res = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(res.status ?? 1)
