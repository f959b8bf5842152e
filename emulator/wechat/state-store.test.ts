// The emulator's state on disk, record by record: what one store wrote, a second store opened on the
// same file (as a restarted emulator does) reads back, without the first ever closing (a killed process
// closes nothing); a change writes the records it touched and no others; an old state.json moves in.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptyState, type EmuCode, type EmuPush } from './state'
import { StateStore } from './state-store'

let dir: string
let file: string
const opened: StateStore[] = []
const open = (legacy?: string) => {
  const s = StateStore.open(file, legacy)
  opened.push(s)
  return s
}
/** The end of the current turn, when noted records are written. */
const turn = () => new Promise<void>((r) => setImmediate(r))

const code = (n: number, o: Partial<EmuCode> = {}): EmuCode => ({
  card_id: 'pCard',
  code: String(100000000000 + n),
  status: 'NORMAL',
  openid: 'oAlice',
  balance: 10000,
  bonus: 0,
  receivedAt: 1,
  ...o,
})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxemu-state-'))
  file = join(dir, 'state.sqlite')
})
afterEach(() => {
  for (const s of opened.splice(0)) s.close()
  rmSync(dir, { recursive: true, force: true })
})

test('a code written is there when the file is opened again, with every later change to it', async () => {
  const a = open()
  a.state.codes['pCard|100000000001'] = code(1)
  await turn()
  expect(open().state.codes['pCard|100000000001']).toEqual(code(1))
  // Changes made through the record, nested ones too, and a removal.
  const c = a.state.codes['pCard|100000000001']!
  c.status = 'GIFTING'
  c.gifting = { to: 'oBob', since: 5 }
  c.gifting.since = 6
  a.state.codes['pCard|100000000002'] = code(2)
  delete a.state.codes['pCard|100000000002']
  await turn()
  const b = open()
  expect(b.state.codes['pCard|100000000001']).toEqual(code(1, { status: 'GIFTING', gifting: { to: 'oBob', since: 6 } }))
  expect(b.state.codes['pCard|100000000002']).toBeUndefined()
})

test('a change writes the records it touched, not the state: one code among 2,000 is one row', async () => {
  const a = open()
  a.batch(() => {
    for (let i = 0; i < 2000; i++) a.state.codes[`pCard|${100000000000 + i}`] = code(i)
  })
  const before = a.written
  a.state.codes['pCard|100000000007']!.balance = 1
  await turn()
  expect(a.written - before).toBe(1)
  expect(a.counts().codes).toBe(2000)
  expect(open().state.codes['pCard|100000000007']!.balance).toBe(1)
})

test('settings, nested maps and the push log are kept too, and maps iterate in the order written', async () => {
  const a = open()
  a.state.clockOffset = 3600
  a.state.seq = 42
  a.state.whitelist = { openid: ['oAlice'], username: [] }
  a.state.coins.activated = true
  a.state.coins.orders['o1'] = { order_id: 'o1' }
  a.state.invoice.authData['ord'] = { invoice_status: 'auth success' }
  for (const k of ['zeta', 'alpha', 'mid']) a.state.users[k] = { name: k, mpOpenid: `m${k}`, saOpenid: `s${k}`, unionid: `u${k}` }
  const push: EmuPush = {
    id: 1,
    event: 'giftcard_pay_done',
    xml: '<xml/>',
    expect: 'giftcard',
    attempts: [],
    status: 'pending',
    nextAt: 1,
    giveUpAt: 2,
  }
  a.state.pushes.push(push)
  await turn()
  a.state.pushes[0]!.attempts.push({ at: 1, status: 'timeout', reply: 'no reply' })
  await turn()
  const b = open().state
  expect([b.clockOffset, b.seq, b.whitelist.openid, b.coins.activated]).toEqual([3600, 42, ['oAlice'], true])
  expect(b.coins.orders['o1']).toEqual({ order_id: 'o1' })
  expect(b.invoice.authData['ord']).toEqual({ invoice_status: 'auth success' })
  expect(Object.keys(b.users)).toEqual(['zeta', 'alpha', 'mid'])
  expect(b.pushes).toEqual([{ ...push, attempts: [{ at: 1, status: 'timeout', reply: 'no reply' }] }])
})

test('a key such as __proto__ is an ordinary record', async () => {
  const a = open()
  a.state.codes['__proto__'] = code(9)
  await turn()
  expect(open().state.codes['__proto__']).toEqual(code(9))
  expect(Object.prototype).not.toHaveProperty('balance')
})

test('the state.json of an older data directory is moved in on first start, then renamed', () => {
  const legacy = join(dir, 'state.json')
  const old = {
    ...emptyState(),
    seq: 7,
    codes: { 'pCard|100000000001': code(1) },
    pushes: [{ id: 1, event: 'x', xml: '', expect: 'ordinary', attempts: [], status: 'failed', nextAt: 0, giveUpAt: 0 }],
  }
  writeFileSync(legacy, JSON.stringify(old))
  const a = open(legacy)
  expect(a.state.codes['pCard|100000000001']).toEqual(code(1))
  expect(existsSync(legacy)).toBe(false)
  expect(existsSync(`${legacy}.migrated`)).toBe(true)
  const b = open(legacy).state
  expect([b.seq, b.codes['pCard|100000000001'], b.pushes.length]).toEqual([7, code(1), 1])
})

test('a map cannot be replaced whole (its entries are the records): the attempt throws and changes nothing', () => {
  const a = open()
  a.state.codes['pCard|100000000001'] = code(1)
  expect(() => {
    a.state.codes = {}
  }).toThrow(/codes is kept entry by entry/)
  expect(() => {
    a.state.coins = { activated: false, free: 0, pay: 0, orders: {} }
  }).toThrow(/coins is kept entry by entry/)
  expect(a.state.codes['pCard|100000000001']).toEqual(code(1))
})
