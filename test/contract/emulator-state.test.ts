// The emulator's state after it stopped keeping one JSON file (issue 26): a code written is there after
// a restart on the same data directory, and the lookups that replaced scans over every code (by code
// value, the clock's expiry of fixed-range cards) answer as the scans did.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import example from '../fixtures/giftcard-create.example.json'
import { api, http, startEmu, startReceiver, token, type Receiver } from '../helpers/emulator'
import type { Json } from '../helpers/stack'

let rx: Receiver
let emu: WechatEmulator
let tok: string
let dataDir: string

/** The document's gift card, valid from an hour ago until `endIn` seconds from now. */
async function createCard(endIn: number, base: Json = {}): Promise<string> {
  const c = JSON.parse(JSON.stringify(example)) as Json
  const now = emu.platform.now()
  Object.assign(
    c.card.general_card.base_info,
    { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 3600, end_timestamp: now + endIn } },
    base,
  )
  const r = await api(emu, 'card/create', c, tok)
  expect(r.errcode).toBe(0)
  return r.card_id as string
}

const alice = () => emu.users.get('alice')!.saOpenid
const getCode = (code: string, cardId?: string) => api(emu, 'card/code/get', { code, ...(cardId ? { card_id: cardId } : {}) }, tok)

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wxemu-state-'))
  rx = await startReceiver()
  emu = await startEmu(rx, { dataDir })
  tok = await token(emu)
})
afterEach(async () => {
  await emu.stop()
  await rx.close()
  rmSync(dataDir, { recursive: true, force: true })
})

test('a code written is there, as it was last changed, when the emulator starts again on its data directory', async () => {
  const cardId = await createCard(365 * 86400)
  emu.platform.putCode({
    card_id: cardId,
    code: '510000000001',
    status: 'NORMAL',
    openid: alice(),
    balance: 10000,
    bonus: 0,
    receivedAt: emu.platform.now(),
  })
  emu.platform.code(cardId, '510000000001')!.balance = 2500
  await emu.stop()
  emu = await startEmu(rx, { dataDir })
  // The token too was kept: the same one still works after the restart.
  expect(await getCode('510000000001')).toMatchObject({
    errcode: 0,
    openid: alice(),
    user_card_status: 'NORMAL',
    card: { card_id: cardId, balance: 2500 },
  })
})

test('a custom code changed by card/code/update is found by its new value alone, and its old value is 40056', async () => {
  const cardId = await createCard(365 * 86400, { use_custom_code: true })
  emu.platform.putCode({
    card_id: cardId,
    code: 'OLD-0001',
    status: 'NORMAL',
    openid: alice(),
    balance: 10000,
    bonus: 0,
    receivedAt: emu.platform.now(),
  })
  expect((await api(emu, 'card/code/update', { card_id: cardId, code: 'OLD-0001', new_code: 'NEW-0001' }, tok)).errcode).toBe(0)
  expect((await getCode('OLD-0001')).errcode).toBe(40056)
  expect(await getCode('NEW-0001')).toMatchObject({ errcode: 0, openid: alice(), card: { card_id: cardId, code: 'NEW-0001' } })
})

test('when the clock passes a fixed-range card’s end, its NORMAL codes expire and the others keep their status', async () => {
  const cardId = await createCard(3600)
  const put = (code: string, status: 'NORMAL' | 'CONSUMED') =>
    emu.platform.putCode({ card_id: cardId, code, status, openid: alice(), balance: 100, bonus: 0, receivedAt: emu.platform.now() })
  put('520000000001', 'NORMAL')
  put('520000000002', 'CONSUMED')
  put('520000000003', 'NORMAL')
  await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 3000 })
  expect((await getCode('520000000001', cardId)).user_card_status).toBe('NORMAL')
  await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 700 })
  const statuses = await Promise.all(
    ['520000000001', '520000000002', '520000000003'].map(async (c) => (await getCode(c, cardId)).user_card_status),
  )
  expect(statuses).toEqual(['EXPIRE', 'CONSUMED', 'EXPIRE'])
})
