// `npm run merchant -- <command> [subcommand] [--flag=value]`: the merchant function's operations from a
// terminal, on yargs (help for every command, `--flag value` and `--flag=value`, shell completion).
// Amounts are typed and printed in yuan with two decimals (the functions take fen); `--json` prints the
// function's reply as it is (fen) for scripts. It talks to a local cloud (the `npm start` stack) as an
// admin openid: X-WX-OPENID exists only there, so it cannot reach a deployed function (see README).
import { readFileSync } from 'node:fs'
import yargs, { type Argv } from 'yargs'
import { ORDINARY_COUPON_TYPES, RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import { giftCardBodyWarnings, parseYuan } from '../../src/merchant/giftcard-form'
import { formatYuan } from '../../src/utils/money'
import { CallError, ConnectionError, type Caller } from './call'
import { exportCsv, EXPORTS, type ExportKind } from './export'
import { formatChecklist, indexCheck, type IndexLister } from './doctor'
import type { Check } from '../../server/domain/merchant/self-check'

export interface Io {
  out: (s: string) => void
  err: (s: string) => void
  /** asks a yes/no question; false when there is no terminal to ask */
  confirm: (question: string) => Promise<boolean>
}

export class UsageError extends Error {}

/** Keys whose numbers are fen: printed as yuan for people. */
const MONEY = new Set([
  'price',
  'totalPrice',
  'total_price',
  'amount',
  'balance',
  'balanceAfter',
  'refundFee',
  'redeemed',
  'liability',
  'initBalance',
  'init_balance',
  'totalFee',
  'unitPrice',
  'delta_balance',
])

/** The reply for people: fen as yuan with two decimals, errcode/errmsg dropped (exit code says it). */
export function humanize(v: unknown, key = ''): unknown {
  if (typeof v === 'number' && MONEY.has(key) && Number.isSafeInteger(v)) return formatYuan(v)
  if (Array.isArray(v)) return v.map((x) => humanize(x, key))
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'errcode' && k !== 'errmsg')
        .map(([k, x]) => [k, humanize(x, k)]),
    )
  return v
}

function yuanToFen(text: unknown, flag: string): number {
  const fen = parseYuan(String(text))
  if (fen === undefined)
    throw new UsageError(`--${flag} must be an amount in yuan with at most two decimals (e.g. 12.50), got ${String(text)}`)
  return fen
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch (err) {
    throw new UsageError(`--file ${path}: ${(err as Error).message}`)
  }
}

/** Accepts either the document's request ({"card": {...}}) or just its inner object. */
function unwrap(v: unknown, key: string): unknown {
  return v && typeof v === 'object' && key in (v as object) ? (v as Record<string, unknown>)[key] : v
}

type Args = Record<string, unknown>
type Spec = {
  describe: string
  options?: Record<string, { describe: string; type?: 'string' | 'number' | 'boolean'; demandOption?: boolean; choices?: string[] }>
  action: string
  input: (a: Args) => Record<string, unknown> | Promise<Record<string, unknown>>
}

const FILE = { file: { describe: 'path of a JSON file', type: 'string' as const, demandOption: true } }
const CARD_CODE = {
  'card-id': { describe: 'card_id', type: 'string' as const, demandOption: true },
  code: { describe: 'the card code', type: 'string' as const, demandOption: true },
}

/** Every command: group → subcommand → the merchant action it calls. */
export const COMMANDS: Record<string, Record<string, Spec>> = {
  card: {
    create: {
      describe: 'create a card from a card/create JSON file (warns if already expired or priced far below its balance)',
      options: { ...FILE, yes: { describe: 'do not ask before creating a card with a warning', type: 'boolean' } },
      action: 'cardCreate',
      input: (a) => ({ card: unwrap(readJson(String(a.file)), 'card') }),
    },
    get: {
      describe: "WeChat's view of a card (card/get)",
      options: { 'card-id': CARD_CODE['card-id'] },
      action: 'cardGet',
      input: (a) => ({ cardId: a.cardId }),
    },
    update: {
      describe: 'change a card (card/update JSON file)',
      options: FILE,
      action: 'cardUpdate',
      input: (a) => ({ update: readJson(String(a.file)) }),
    },
    list: { describe: 'the gift cards created, with review state', action: 'cardList', input: () => ({}) },
    stock: {
      describe: 'change the stock',
      options: { 'card-id': CARD_CODE['card-id'], delta: { describe: 'stock change, + or -', type: 'number', demandOption: true } },
      action: 'cardStock',
      input: (a) => ({ cardId: a.cardId, delta: a.delta }),
    },
    adjust: {
      describe: "correct a card's balance (yuan, + credits / - debits)",
      options: {
        ...CARD_CODE,
        amount: { describe: 'yuan, e.g. 12.50 or -3.00', type: 'string', demandOption: true },
        key: { describe: 'idempotency key (the same key never applies twice)', type: 'string', demandOption: true },
        reason: { describe: 'shown in the card bag (≤ 14 characters)', type: 'string', demandOption: true },
      },
      action: 'cardAdjust',
      input: (a) => ({ cardId: a.cardId, code: a.code, amount: yuanToFen(a.amount, 'amount'), key: a.key, reason: a.reason }),
    },
    lookup: {
      describe: "a card by its code: our ledger beside WeChat's view",
      options: { code: CARD_CODE.code },
      action: 'cardLookup',
      input: (a) => ({ code: a.code }),
    },
    freeze: {
      describe: 'make a card unusable (card/code/unavailable); its balance stays',
      options: { ...CARD_CODE, reason: { describe: 'why', type: 'string', demandOption: true } },
      action: 'cardFreeze',
      input: (a) => ({ cardId: a.cardId, code: a.code, reason: a.reason }),
    },
    offsale: {
      describe: 'take a gift card off sale in the Mini Program shop',
      options: { 'card-id': CARD_CODE['card-id'] },
      action: 'cardOffSale',
      input: (a) => ({ cardId: a.cardId }),
    },
  },
  shelf: {
    create: {
      describe: 'create a shelf (card/giftcard/page/add JSON file)',
      options: { ...FILE, 'outer-str': { describe: 'channel for the printed link', type: 'string' } },
      action: 'shelfCreate',
      input: (a) => ({ page: unwrap(readJson(String(a.file)), 'page'), ...(a.outerStr ? { outerStr: a.outerStr } : {}) }),
    },
    get: {
      describe: 'a shelf',
      options: { 'page-id': { describe: 'page_id', type: 'string', demandOption: true } },
      action: 'shelfGet',
      input: (a) => ({ pageId: a.pageId }),
    },
    update: {
      describe: 'change a shelf (JSON file with page_id)',
      options: FILE,
      action: 'shelfUpdate',
      input: (a) => ({ page: unwrap(readJson(String(a.file)), 'page') }),
    },
    list: { describe: 'every shelf with its link', action: 'shelfList', input: () => ({}) },
    takedown: {
      describe: 'take a shelf down (or all), or put it back up',
      options: {
        'page-id': { describe: 'page_id, or "all"', type: 'string', demandOption: true },
        restore: { describe: 'put it back up', type: 'boolean' },
      },
      action: 'shelfTakedown',
      input: (a) => ({ ...(a.pageId === 'all' ? { all: true } : { pageId: a.pageId }), maintain: a.restore !== true }),
    },
    link: {
      describe: 'the share link of a shelf',
      options: {
        'page-id': { describe: 'page_id', type: 'string', demandOption: true },
        'outer-str': { describe: 'channel', type: 'string' },
      },
      action: 'shelfLink',
      input: (a) => ({ pageId: a.pageId, ...(a.outerStr ? { outerStr: a.outerStr } : {}) }),
    },
  },
  order: {
    list: {
      describe: 'orders of every channel, newest first, with search and filters',
      options: {
        q: { describe: 'order number, card code or buyer', type: 'string' },
        state: { describe: 'e.g. PAID, ISSUED, REFUNDED', type: 'string' },
        channel: { describe: 'mp, checkout or shelf', type: 'string', choices: ['mp', 'checkout', 'shelf'] },
        since: { describe: 'YYYY-MM-DD (Beijing time)', type: 'string' },
        offset: { describe: 'default 0', type: 'number' },
        cursor: { describe: 'the nextCursor of the page before', type: 'string' },
        limit: { describe: '1-100, default 20', type: 'number' },
      },
      action: 'orderList',
      input: (a) => ({
        ...(a.cursor ? { cursor: a.cursor } : {}),
        ...(a.q ? { q: a.q } : {}),
        ...(a.state ? { state: a.state } : {}),
        ...(a.channel ? { channel: a.channel } : {}),
        ...(a.since ? { since: dateFlag(a.since, 'since') } : {}),
        ...(a.offset !== undefined ? { offset: a.offset } : {}),
        ...(a.limit !== undefined ? { limit: a.limit } : {}),
      }),
    },
    get: {
      describe: 'an order with its cards and their ledgers',
      options: { 'order-id': { describe: 'order number', type: 'string', demandOption: true } },
      action: 'orderDetail',
      input: (a) => ({ orderId: a.orderId }),
    },
    refund: {
      describe: 'refund an order',
      options: {
        'order-id': { describe: 'order number', type: 'string', demandOption: true },
        reason: { describe: 'why (kept in the audit log)', type: 'string', demandOption: true },
      },
      action: 'orderRefund',
      input: (a) => ({ orderId: a.orderId, reason: a.reason }),
    },
    reconcile: {
      describe: 'record hosted-shelf orders a push missed',
      options: {
        since: { describe: 'Unix seconds', type: 'number', demandOption: true },
        until: { describe: 'Unix seconds (default now)', type: 'number' },
      },
      action: 'orderReconcile',
      input: (a) => ({ beginTime: a.since, endTime: a.until ?? Math.floor(Date.now() / 1000) }),
    },
  },
  staff: {
    list: { describe: 'owners, admins and counter staff', action: 'staffList', input: () => ({}) },
    set: {
      describe: 'grant a role, or remove it (--role none)',
      options: {
        openid: { describe: 'Mini Program openid', type: 'string', demandOption: true },
        role: { describe: 'admin, staff or none', type: 'string', demandOption: true, choices: ['admin', 'staff', 'none'] },
      },
      action: 'staffSet',
      input: (a) => ({ openid: a.openid, role: a.role === 'none' ? null : a.role }),
    },
  },
  audit: {
    list: {
      describe: 'the audit log, newest first',
      options: {
        offset: { describe: 'default 0', type: 'number' },
        cursor: { describe: 'the nextCursor of the page before', type: 'string' },
        limit: { describe: '1-100, default 20', type: 'number' },
      },
      action: 'auditList',
      input: (a) => ({ ...(a.cursor ? { cursor: a.cursor } : { offset: a.offset ?? 0 }), limit: a.limit ?? 20 }),
    },
  },
  image: {
    upload: {
      describe: "put a JPEG or PNG on WeChat's CDN (media/uploadimg); prints its url",
      options: { file: { describe: 'path of the picture', type: 'string', demandOption: true } },
      action: 'imageUpload',
      input: (a) => ({
        name:
          String(a.file)
            .split('/')
            .pop()!
            .replace(/[^A-Za-z0-9._-]/g, '') || 'image',
        contentBase64: readFileSync(String(a.file)).toString('base64'),
      }),
    },
  },
  invoice: {
    set: {
      describe: 'invoice settings (JSON file with paymch and/or authField)',
      options: FILE,
      action: 'invoiceSet',
      input: (a) => readJson(String(a.file)) as Record<string, unknown>,
    },
    get: { describe: 'invoice settings', action: 'invoiceGet', input: () => ({}) },
  },
  whitelist: {
    set: {
      describe: 'test whitelist',
      options: {
        openid: { describe: 'comma-separated openids', type: 'string' },
        username: { describe: 'comma-separated WeChat ids', type: 'string' },
      },
      action: 'whitelistSet',
      input: (a) => ({
        whitelist: {
          ...(a.openid ? { openid: String(a.openid).split(',') } : {}),
          ...(a.username ? { username: String(a.username).split(',') } : {}),
        },
      }),
    },
  },
  qrcode: {
    create: {
      describe: 'a delivery QR code (card/qrcode/create JSON file)',
      options: FILE,
      action: 'qrcodeCreate',
      input: (a) => ({ qrcode: readJson(String(a.file)) }),
    },
  },
  pay: {
    whitelist: {
      describe: 'open gift-card payment for a sub-merchant (sub_mch_id)',
      options: { 'sub-mch-id': { describe: 'sub-merchant number', type: 'string', demandOption: true } },
      action: 'payWhitelistAdd',
      input: (a) => ({ subMchId: a.subMchId }),
    },
    bind: {
      describe: 'bind a sub-merchant to the Mini Program',
      options: {
        'sub-mch-id': { describe: 'sub-merchant number', type: 'string', demandOption: true },
        'wxa-appid': { describe: 'Mini Program appid', type: 'string', demandOption: true },
      },
      action: 'submchBind',
      input: (a) => ({ subMchId: a.subMchId, wxaAppid: a.wxaAppid }),
    },
    wxa: {
      describe: 'set the Mini Program of a shelf',
      options: {
        'page-id': { describe: 'page_id', type: 'string', demandOption: true },
        'wxa-appid': { describe: 'Mini Program appid', type: 'string', demandOption: true },
      },
      action: 'wxaSet',
      input: (a) => ({ pageId: a.pageId, wxaAppid: a.wxaAppid }),
    },
  },
}

/** Commands without a subcommand. */
const SINGLE: Record<string, Spec> = {
  overview: { describe: 'counts of cards, shelves and orders', action: 'overview', input: () => ({}) },
  dashboard: {
    describe: 'sales by day and channel, redeemed, liability, claims, members',
    options: { days: { describe: '1-366, default 7', type: 'number' } },
    action: 'dashboard',
    input: (a) => ({ days: a.days ?? 7 }),
  },
  whoami: { describe: 'the role of the openid the CLI acts as', action: 'whoami', input: () => ({}) },
}

export function dateFlag(v: unknown, flag: string): number {
  const s = String(v)
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00+08:00`) : NaN
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be a date YYYY-MM-DD, got ${s}`)
  return ms
}

function addOptions(y: Argv, spec: Spec): Argv {
  for (const [name, o] of Object.entries(spec.options ?? {})) y = y.option(name, { ...o, requiresArg: o.type !== 'boolean' })
  return y
}

/**
 * Builds the parser. `call(action, input)` reaches the merchant function; `indexes` lists the
 * database's indexes for the doctor; everything the command does ends in the returned promise (exit
 * code: 0 done, 1 refused by the function or a failed check, 2 usage, 3 connection).
 */
export function buildCli(argv: string[], io: Io, connect: (a: Args) => Caller, indexes?: (a: Args) => IndexLister) {
  let code = 0
  const run = (spec: Spec) => async (a: Args) => {
    const caller = connect(a)
    const input = await spec.input(a)
    if (spec.action === 'cardCreate') {
      // An ordinary coupon: WeChat creates it only for accounts that kept the permission (45103 otherwise).
      const type = (input.card as { card_type?: unknown } | undefined)?.card_type
      if (typeof type === 'string' && ORDINARY_COUPON_TYPES.has(type)) io.err(`注意：${RETIRED_COUPONS_NOTICE}`)
      const warnings = giftCardBodyWarnings(input.card)
      for (const w of warnings)
        io.err(
          w === 'expired'
            ? 'warning: the card’s end_timestamp is in the past: it would be created already expired'
            : 'warning: giftcard_info.price is less than half of init_balance: check for a missing digit',
        )
      if (warnings.length && a.yes !== true && !(await io.confirm('create it anyway?'))) {
        io.err('not created (pass --yes to create it anyway)')
        code = 1
        return
      }
    }
    const reply = await caller(spec.action, input)
    io.out(a.json ? JSON.stringify(reply, null, 2) : JSON.stringify(humanize(reply), null, 2))
  }
  let y = yargs(argv)
    .scriptName('npm run merchant --')
    .usage('$0 <command> [subcommand] [--flag=value]')
    .option('url', { describe: 'the local cloud (default http://127.0.0.1:$CLOUD_PORT)', type: 'string', global: true, requiresArg: true })
    .option('openid', {
      describe: 'act as this admin openid (default: the first of MERCHANT_ADMIN_OPENIDS)',
      type: 'string',
      global: true,
      requiresArg: true,
    })
    .option('json', { describe: "print the function's reply as JSON (amounts in fen)", type: 'boolean', global: true })
  for (const [group, subs] of Object.entries(COMMANDS)) {
    y = y.command(group, `${Object.keys(subs).join(', ')}`, (g) => {
      for (const [sub, spec] of Object.entries(subs)) g = g.command(sub, spec.describe, (s) => addOptions(s, spec), run(spec))
      return g.demandCommand(1, `${group}: name a subcommand (${Object.keys(subs).join(', ')})`).strict()
    })
  }
  for (const [name, spec] of Object.entries(SINGLE)) y = y.command(name, spec.describe, (s) => addOptions(s, spec), run(spec))
  y = y
    .command(
      'export <what>',
      'CSV for finance: orders, ledger entries or redemptions since a date',
      (s) =>
        s
          .positional('what', { choices: [...EXPORTS], describe: 'orders, ledger or redemptions' })
          .option('since', { describe: 'YYYY-MM-DD (Beijing time)', type: 'string', demandOption: true, requiresArg: true })
          .option('full-codes', {
            describe: 'card codes whole, not masked to their last 4 (owners only)',
            type: 'boolean',
            default: false,
          }),
      async (a: Args) => {
        const call = connect(a)
        // Whole codes only for an owner (MERCHANT_ADMIN_OPENIDS): merchant.whoami says whether the caller is one.
        if (a['full-codes'] && (await call('whoami', {})).owner !== true)
          throw new Error('--full-codes is for the owners in MERCHANT_ADMIN_OPENIDS')
        // The CSV goes to stdout a page at a time; how many rows it holds goes to stderr, apart from the data.
        const rows = await exportCsv(call, a.what as ExportKind, dateFlag(a.since, 'since'), io.out, {
          fullCodes: a['full-codes'] === true,
        })
        io.err(`${String(a.what)}: wrote ${rows} rows (besides the header)`)
      },
    )
    .command(
      'doctor',
      'check the running environment (merchant.selfCheck and every declared index): a Chinese checklist, exit code 1 when one fails',
      (s) => s,
      async (a: Args) => {
        const reply = await connect(a)('selfCheck', {})
        const checks = [...(reply.checks as Check[]), ...(indexes ? [await indexCheck(indexes(a))] : [])]
        io.out(a.json ? JSON.stringify({ checks }, null, 2) : formatChecklist(checks))
        if (checks.some((c) => !c.ok)) code = 1
      },
    )
    .command(
      'call <action>',
      'call any merchant action with a JSON input (e.g. actions added by other features)',
      (s) =>
        s
          .positional('action', { type: 'string', describe: 'the merchant action, e.g. redeemCheck' })
          .option('data', { describe: 'the input as JSON, e.g. \'{"code":"123"}\'', type: 'string', requiresArg: true }),
      async (a: Args) => {
        let data: Record<string, unknown> = {}
        if (a.data !== undefined) {
          try {
            data = JSON.parse(String(a.data)) as Record<string, unknown>
          } catch (err) {
            throw new UsageError(`--data must be JSON: ${(err as Error).message}`)
          }
        }
        const reply = await connect(a)(String(a.action), data)
        io.out(a.json ? JSON.stringify(reply, null, 2) : JSON.stringify(humanize(reply), null, 2))
      },
    )
    .completion('completion', 'print a bash/zsh completion script (source <(npm run -s merchant -- completion))')
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err, yi) => {
      // A missing subcommand or flag shows that command's own help (its subcommands and flags) with the reason.
      if (!err) yi.showHelp((s: string) => io.err(s))
      throw err ?? new UsageError(msg)
    })
  return {
    async run(): Promise<number> {
      try {
        await y.parseAsync(argv, {}, (err, _argv, output) => {
          if (output) (err ? io.err : io.out)(output)
        })
        return code
      } catch (err) {
        if (err instanceof CallError) {
          io.err(
            `refused by the merchant function: errcode ${err.errcode}${err.wxErrcode ? ` (WeChat ${err.wxErrcode})` : ''}: ${err.errmsg}`,
          )
          return 1
        }
        if (err instanceof ConnectionError) {
          io.err(err.message)
          return 3
        }
        if (err instanceof UsageError || (err as Error)?.name === 'YError') {
          io.err(`${(err as Error).message}\n(add --help for usage)`)
          return 2
        }
        throw err
      }
    },
  }
}
