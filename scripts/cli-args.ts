// `--name value` flags for the project's CLIs, with --help and clear errors.
export class UsageError extends Error {}

export function parseFlags(argv: string[], allowed: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--help' || a === '-h') {
      out.help = 'true'
      continue
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`)
    const name = a.slice(2)
    if (!(name in allowed))
      throw new UsageError(
        `unknown flag --${name}; known: ${Object.keys(allowed)
          .map((k) => `--${k}`)
          .join(', ')}`,
      )
    const v = argv[++i]
    if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`)
    out[name] = v
  }
  return out
}

export function usage(command: string, allowed: Record<string, string>, required: string[]): string {
  const lines = Object.entries(allowed).map(([k, d]) => `  --${k.padEnd(16)} ${d}${required.includes(k) ? ' (required)' : ''}`)
  return `${command}\n${lines.join('\n')}`
}

export function requireFlags(flags: Record<string, string>, required: string[]): void {
  const missing = required.filter((r) => !flags[r])
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`)
}

export function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    process.stdin.on('data', (c: Buffer) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}
