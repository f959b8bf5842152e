// Runs `npm run deploy` (scripts/deploy/main.ts) as a child process with exactly the environment given:
// no credentials, settings or proxy leak in from the shell running the tests.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './cloud'

export interface DeployRun {
  code: number
  stdout: string
  stderr: string
}

export function runDeploy(args: string[], env: Record<string, string>): Promise<DeployRun> {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx')
  return new Promise((resolve) => {
    execFile(
      tsx,
      [join(ROOT, 'scripts', 'deploy', 'main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}
