// Bundles each cloudfunctions/<name>/index.ts with everything it imports from server/ into
// dist/cloudfunctions/<name>/: app.js (minified, with app.js.map), index.js (the runtime check below),
// package.json and config.json. wx-server-sdk stays external and is required unchanged: the deployed
// function installs it from package.json, the local cloud resolves the same pinned version.
//
// config.json is generated with only what WeChat documents for it: `permissions` and `triggers`.
// `triggers` come from cloudbaserc.json, the one source of truth for them; `permissions.openapi` (the
// 云调用 APIs the function may call with cloud.openapi, e.g. merchant's wxacode.getUnlimited for the
// staff invite's Mini Program code) from the function's own cloudfunctions/<name>/config.json, none
// without one (the functions call the Service Account's API over HTTPS). It exists for a merchant who
// uploads from WeChat DevTools instead of `npm run deploy` (DevTools' "upload triggers" reads the cron's
// timer from it, and the upload carries the permissions); the local cloud enforces the permissions. Timeouts, memory and
// variables are not config.json's to carry; `npm run deploy` (or the console) sets them.
import { build } from 'esbuild'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readCloudbaserc } from './deploy/cloudbaserc'

const root = join(__dirname, '..')
const src = join(root, 'cloudfunctions')
const out = join(root, 'dist', 'cloudfunctions')

/** The Cloud Development runtime the functions need (README "Deploy the functions"). */
const RUNTIME = { name: 'Nodejs18.15', major: 18 }

// index.js is written for any Node.js (ES5, no syntax newer than the oldest runtime parses), so that on
// an older runtime the function refuses to start with this message instead of a SyntaxError or, later,
// "fetch is not defined" in the middle of a payment.
const entry = `'use strict';
var major = Number(process.versions.node.split('.')[0]);
if (major < ${RUNTIME.major} || typeof fetch !== 'function') {
  throw new Error('This function needs the Cloud Development runtime ${RUNTIME.name} or newer (it uses the global fetch of Node.js ${RUNTIME.major}); this instance runs Node.js ' + process.versions.node + '. Create the function with runtime ${RUNTIME.name}.');
}
module.exports = require('./app.js');
`

/** The 云调用 APIs cloudfunctions/<name>/config.json permits (permissions.openapi), none without the file. */
function openapiOf(name: string): string[] {
  const file = join(src, name, 'config.json')
  if (!existsSync(file)) return []
  const apis = (JSON.parse(readFileSync(file, 'utf8')) as { permissions?: { openapi?: unknown } }).permissions?.openapi ?? []
  if (!Array.isArray(apis) || apis.some((a) => typeof a !== 'string' || !/^[a-zA-Z]+\.[a-zA-Z]+$/.test(a)))
    throw new Error(`${file}: permissions.openapi must list API names such as "wxacode.getUnlimited"`)
  return apis as string[]
}

async function buildFunctions(): Promise<string[]> {
  const names = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory())
  const rc = readCloudbaserc()
  const undeclared = names.filter((n) => !rc.functions.some((f) => f.name === n))
  if (undeclared.length)
    throw new Error(`declare ${undeclared.join(', ')} in cloudbaserc.json (runtime, timeout, memory, variables) before building`)
  rmSync(out, { recursive: true, force: true })
  await Promise.all(
    names.map(async (name) => {
      const dir = join(out, name)
      mkdirSync(dir, { recursive: true })
      await build({
        entryPoints: [join(src, name, 'index.ts')],
        outfile: join(dir, 'app.js'),
        bundle: true,
        platform: 'node',
        target: `node${RUNTIME.major}`,
        format: 'cjs',
        external: ['wx-server-sdk'],
        minify: true,
        // Stack traces name the TypeScript sources (the local cloud enables source maps; in the cloud,
        // NODE_OPTIONS=--enable-source-maps does).
        sourcemap: true,
        sourcesContent: false,
        legalComments: 'none',
        logLevel: 'warning',
      })
      writeFileSync(join(dir, 'index.js'), entry)
      copyFileSync(join(src, name, 'package.json'), join(dir, 'package.json'))
      const { triggers } = rc.functions.find((f) => f.name === name)!
      writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ permissions: { openapi: openapiOf(name) }, triggers }, null, 2)}\n`)
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
