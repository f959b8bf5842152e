// No secret may reach the client: the built Mini Program and H5 preview must not contain the Service
// Account secret, the push AES key or token, nor any value an api_ticket/access_token could have.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, stackEnv } from '../helpers/cloud'

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

const clientBuilds = ['dist/weapp', 'dist/h5'].map((d) => join(ROOT, d))
const secretNames = ['WX_SA_SECRET', 'WX_PUSH_AES_KEY', 'WX_PUSH_TOKEN'] as const

test.each(clientBuilds)('%s holds no configured secret', (dir) => {
  expect(existsSync(dir)).toBe(true)
  const files = filesUnder(dir)
  expect(files.length).toBeGreaterThan(3)
  for (const name of secretNames) {
    const value = stackEnv[name]
    expect(value && value.length >= 8).toBe(true)
    for (const f of files) {
      const text = readFileSync(f, 'latin1')
      if (text.includes(value!)) throw new Error(`${name}'s value appears in ${f}`)
      // Base64 and URL-encoded forms too: a secret must not leak through an encoding either.
      if (text.includes(Buffer.from(value!).toString('base64'))) throw new Error(`${name} (base64) appears in ${f}`)
      if (text.includes(encodeURIComponent(value!)) && encodeURIComponent(value!) !== value)
        throw new Error(`${name} (URL-encoded) appears in ${f}`)
    }
  }
})

test('no TARO_APP_* setting (inlined into bundles) carries a secret', () => {
  const secrets = secretNames.map((n) => stackEnv[n]!)
  for (const [k, v] of Object.entries(stackEnv)) {
    if (k.startsWith('TARO_APP_')) expect(secrets).not.toContain(v)
  }
})

test('no access_token or api_ticket the platform issues appears in a client build', async () => {
  const { startEmu, startReceiver, token, ticket } = await import('../helpers/emulator')
  const rx = await startReceiver()
  const emu = await startEmu(rx)
  try {
    const tok = await token(emu)
    const tk = await ticket(emu, tok)
    expect(tok.length).toBeGreaterThan(20)
    expect(tk.length).toBeGreaterThan(20)
    for (const dir of clientBuilds) {
      for (const f of filesUnder(dir)) {
        const text = readFileSync(f, 'latin1')
        if (text.includes(tok) || text.includes(tk)) throw new Error(`a credential appears in ${f}`)
      }
    }
    // And nothing in the client asks for one: tickets and tokens never leave the server.
    const client = clientBuilds
      .flatMap(filesUnder)
      .map((f) => readFileSync(f, 'latin1'))
      .join('\n')
    expect(client).not.toMatch(/getticket|cgi-bin\/token|api_ticket/)
  } finally {
    await emu.stop()
    await rx.close()
  }
})
