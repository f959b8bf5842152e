// `npm run merchant -- <command> [flags]`: the merchant function's operations from a terminal. JSON
// files in (--file), JSON out. By default it talks to the local stack (CLOUD_PORT) as the first openid
// in MERCHANT_ADMIN_OPENIDS; --url and --openid point it elsewhere (e.g. an HTTP-access route to a
// deployed merchant function).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadStackEnv } from '../emulator/env'
import { parseFlags, requireFlags, usage, UsageError } from './cli-args'

interface Command {
  action: string
  flags: Record<string, string>
  required: string[]
  /** the merchant function's input from the flags (and the --file JSON) */
  input: (f: Record<string, string>, file: () => unknown) => Record<string, unknown>
}

const FILE = { file: 'path of a JSON file' }
const COMMANDS: Record<string, Command> = {
  'card create': { action: 'cardCreate', flags: { ...FILE }, required: ['file'], input: (_f, file) => ({ card: unwrap(file(), 'card') }) },
  'card get': { action: 'cardGet', flags: { 'card-id': 'card_id' }, required: ['card-id'], input: (f) => ({ cardId: f['card-id'] }) },
  'card update': { action: 'cardUpdate', flags: { ...FILE }, required: ['file'], input: (_f, file) => ({ update: file() }) },
  'card list': { action: 'cardList', flags: {}, required: [], input: () => ({}) },
  'card adjust': { action: 'cardAdjust', flags: { 'card-id': 'card_id', code: 'code', amount: 'fen, + credits / - debits', key: 'idempotency key', reason: 'shown in the card bag (≤ 14 characters)' }, required: ['card-id', 'code', 'amount', 'key', 'reason'], input: (f) => ({ cardId: f['card-id'], code: f.code, amount: intFlag(f, 'amount'), key: f.key, reason: f.reason }) },
  'card stock': { action: 'cardStock', flags: { 'card-id': 'card_id', delta: 'stock change, + or -' }, required: ['card-id', 'delta'], input: (f) => ({ cardId: f['card-id'], delta: intFlag(f, 'delta') }) },
  'shelf create': { action: 'shelfCreate', flags: { ...FILE, 'outer-str': 'channel for the printed link' }, required: ['file'], input: (f, file) => ({ page: unwrap(file(), 'page'), ...(f['outer-str'] ? { outerStr: f['outer-str'] } : {}) }) },
  'shelf get': { action: 'shelfGet', flags: { 'page-id': 'page_id' }, required: ['page-id'], input: (f) => ({ pageId: f['page-id'] }) },
  'shelf update': { action: 'shelfUpdate', flags: { ...FILE }, required: ['file'], input: (_f, file) => ({ page: unwrap(file(), 'page') }) },
  'shelf list': { action: 'shelfList', flags: {}, required: [], input: () => ({}) },
  'shelf takedown': { action: 'shelfTakedown', flags: { 'page-id': 'page_id, or "all"', restore: 'true to put it back up' }, required: ['page-id'], input: (f) => ({ ...(f['page-id'] === 'all' ? { all: true } : { pageId: f['page-id'] }), maintain: f.restore !== 'true' }) },
  'shelf link': { action: 'shelfLink', flags: { 'page-id': 'page_id', 'outer-str': 'channel' }, required: ['page-id'], input: (f) => ({ pageId: f['page-id'], ...(f['outer-str'] ? { outerStr: f['outer-str'] } : {}) }) },
  'order list': { action: 'orderList', flags: { offset: 'default 0', limit: '1-100, default 20' }, required: [], input: (f) => ({ ...(f.offset ? { offset: intFlag(f, 'offset') } : {}), ...(f.limit ? { limit: intFlag(f, 'limit') } : {}) }) },
  'order get': { action: 'orderGet', flags: { 'order-id': 'order_id' }, required: ['order-id'], input: (f) => ({ orderId: f['order-id'] }) },
  'order refund': { action: 'orderRefund', flags: { 'order-id': 'order_id' }, required: ['order-id'], input: (f) => ({ orderId: f['order-id'] }) },
  'order reconcile': { action: 'orderReconcile', flags: { since: 'Unix seconds', until: 'Unix seconds (default now)' }, required: ['since'], input: (f) => ({ beginTime: intFlag(f, 'since'), endTime: f.until ? intFlag(f, 'until') : Math.floor(Date.now() / 1000) }) },
  'invoice set': { action: 'invoiceSet', flags: { ...FILE }, required: ['file'], input: (_f, file) => file() as Record<string, unknown> },
  'invoice get': { action: 'invoiceGet', flags: {}, required: [], input: () => ({}) },
  'whitelist set': { action: 'whitelistSet', flags: { ...FILE, openid: 'comma-separated openids', username: 'comma-separated WeChat ids' }, required: [], input: (f, file) => ({ whitelist: f.file ? file() : { ...(f.openid ? { openid: f.openid.split(',') } : {}), ...(f.username ? { username: f.username.split(',') } : {}) } }) },
  'qrcode create': { action: 'qrcodeCreate', flags: { ...FILE }, required: ['file'], input: (_f, file) => ({ qrcode: file() }) },
  'pay whitelist': { action: 'payWhitelistAdd', flags: { 'sub-mch-id': 'sub-merchant number (sub_mch_id)' }, required: ['sub-mch-id'], input: (f) => ({ subMchId: f['sub-mch-id'] }) },
  'pay bind': { action: 'submchBind', flags: { 'sub-mch-id': 'sub-merchant number', 'wxa-appid': 'Mini Program appid' }, required: ['sub-mch-id', 'wxa-appid'], input: (f) => ({ subMchId: f['sub-mch-id'], wxaAppid: f['wxa-appid'] }) },
  'pay wxa': { action: 'wxaSet', flags: { 'page-id': 'page_id', 'wxa-appid': 'Mini Program appid' }, required: ['page-id', 'wxa-appid'], input: (f) => ({ pageId: f['page-id'], wxaAppid: f['wxa-appid'] }) },
  overview: { action: 'overview', flags: {}, required: [], input: () => ({}) },
}
const COMMON = { url: 'the local cloud (default http://127.0.0.1:$CLOUD_PORT)', openid: 'act as this admin openid' }

function intFlag(f: Record<string, string>, name: string): number {
  const v = Number(f[name])
  if (!Number.isInteger(v)) throw new UsageError(`--${name} must be an integer`)
  return v
}

/** Accepts either the document's request ({"card": {...}}) or just its inner object. */
function unwrap(v: unknown, key: string): unknown {
  return v && typeof v === 'object' && key in (v as object) ? (v as Record<string, unknown>)[key] : v
}

function help(): string {
  return ['usage: npm run merchant -- <command> [flags]   (--help on any command)', `common flags: ${Object.keys(COMMON).map((k) => `--${k}`).join(', ')}`, '', ...Object.keys(COMMANDS).map((c) => `  ${c}`)].join('\n')
}

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    console.log(help())
    return argv.length === 0 ? 2 : 0
  }
  const name = COMMANDS[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : argv[0]!
  const cmd = COMMANDS[name]
  if (!cmd) throw new UsageError(`unknown command "${argv.slice(0, 2).join(' ')}"`)
  const f = parseFlags(argv.slice(name.split(' ').length), { ...cmd.flags, ...COMMON })
  if (f.help) {
    console.log(usage(`npm run merchant -- ${name}`, { ...cmd.flags, ...COMMON }, cmd.required))
    return 0
  }
  requireFlags(f, cmd.required)
  const file = () => {
    try {
      return JSON.parse(readFileSync(f.file!, 'utf8')) as unknown
    } catch (err) {
      throw new UsageError(`--file ${f.file}: ${(err as Error).message}`)
    }
  }
  const env = loadStackEnv(join(__dirname, '..'))
  const url = f.url ?? `http://127.0.0.1:${env.CLOUD_PORT || 9602}`
  const openid = f.openid ?? (env.MERCHANT_ADMIN_OPENIDS ?? '').split(',')[0]?.trim()
  if (!openid) throw new UsageError('no admin openid: set MERCHANT_ADMIN_OPENIDS or pass --openid')
  let res: Response
  try {
    res = await fetch(`${url}/fn/merchant`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify({ action: cmd.action, ...cmd.input(f, file) }) })
  } catch (err) {
    console.error(`cannot reach ${url}: ${(err as Error).message} (is \`npm start\` running?)`)
    return 1
  }
  const out = (await res.json()) as { errcode?: number }
  console.log(JSON.stringify(out, null, 2))
  return out.errcode === 0 ? 0 : 1
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof UsageError ? `${err.message}\n\n${help()}` : (err as Error).stack)
    process.exit(2)
  },
)
