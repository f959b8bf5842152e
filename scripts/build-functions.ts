// Bundles each cloudfunctions/<name>/index.ts with everything it imports from server/ into
// dist/cloudfunctions/<name>/{index.js,package.json,config.json}. wx-server-sdk stays external: the
// deployed function installs it from package.json, the local cloud runtime provides its own.
import { build } from 'esbuild'
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..')
const src = join(root, 'cloudfunctions')
const out = join(root, 'dist', 'cloudfunctions')

async function buildFunctions(): Promise<string[]> {
  const names = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory())
  rmSync(out, { recursive: true, force: true })
  await Promise.all(
    names.map(async (name) => {
      const dir = join(out, name)
      mkdirSync(dir, { recursive: true })
      await build({
        entryPoints: [join(src, name, 'index.ts')],
        outfile: join(dir, 'index.js'),
        bundle: true,
        platform: 'node',
        // Cloud Development runs Node.js 16 and newer.
        target: 'node16',
        format: 'cjs',
        external: ['wx-server-sdk'],
        sourcemap: false,
        legalComments: 'none',
        logLevel: 'warning',
      })
      copyFileSync(join(src, name, 'package.json'), join(dir, 'package.json'))
      copyFileSync(join(src, name, 'config.json'), join(dir, 'config.json'))
    }),
  )
  return names
}

const t0 = Date.now()
buildFunctions().then(
  (names) => console.log(`built ${names.length} cloud functions (${names.join(', ')}) in ${Date.now() - t0} ms → dist/cloudfunctions/`),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
