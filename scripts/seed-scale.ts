// `npm run seed:scale -- --orders N --cards N --person NAME:N[,NAME:N]`: fills the running local stack
// (`npm start`, its settings: CLOUD_PORT, the app ids) with data at volume through the product's own
// store, adding to what is there (scripts/scale/seed.ts). People are the emulator's, by name.
import { join } from 'node:path'
import { adminDatabase } from '../emulator/cloud/admin-sdk'
import { loadStackEnv } from '../emulator/env'
import { identityOf, USER_NAME } from '../emulator/wechat/identity'
import { CloudStore } from '../server/store/cloud-store'
import { parseFlags, usage, UsageError } from './cli-args'
import { seedScale } from './scale/seed'

const FLAGS = {
  orders: 'paid Mini Program orders to add (each with its card and issue entry)',
  cards: 'cards in circulation to add, held by a pool of buyers',
  person: 'NAME:N[,NAME:N…] — N cards for each emulated person (e.g. alice:1200)',
}

function count(v: string | undefined, flag: string): number {
  if (v === undefined) return 0
  if (!/^\d+$/.test(v) || Number(v) > 10_000_000) throw new UsageError(`--${flag} must be a whole number up to 10000000, got ${v}`)
  return Number(v)
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS)
  if (flags.help) {
    console.log(usage('npm run seed:scale -- [flags]   (the stack of `npm start` must be running)', FLAGS, []))
    return
  }
  const env = loadStackEnv(join(__dirname, '..'))
  const people = (flags.person ?? '')
    .split(',')
    .filter(Boolean)
    .map((p) => {
      const [name, n] = p.split(':')
      if (!name || !USER_NAME.test(name)) throw new UsageError(`--person: ${p} is not NAME:N`)
      return {
        name,
        mpOpenid: identityOf(name, { saAppid: env.WX_SA_APPID!, mpAppid: env.WX_MP_APPID! }).mpOpenid,
        cards: count(n, 'person'),
      }
    })
  const url = `http://127.0.0.1:${env.CLOUD_PORT || 9602}/admin`
  const started = Date.now()
  const seeded = await seedScale(new CloudStore(adminDatabase(url)), {
    orders: count(flags.orders, 'orders'),
    cards: count(flags.cards, 'cards'),
    people,
  })
  console.log(
    `added ${seeded.orders} orders, ${seeded.cards} cards (${people.map((p) => `${p.name} ${p.cards}`).join(', ') || 'no named person'}), ${seeded.entries} ledger entries to ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? `${err.message}\n${usage('npm run seed:scale -- [flags]', FLAGS, [])}` : (err as Error).stack)
  process.exit(err instanceof UsageError ? 2 : 1)
})
