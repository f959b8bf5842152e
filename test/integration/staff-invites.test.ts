// Staff invites (issue 28): an owner makes one (merchant.staffInvite), whoever opens it first joins with
// its role (card.staffAccept); it works once — two people accepting at once, one wins — and for 10
// minutes, which the rule's own clock shows (acceptInvite takes `now`; the functions read the wall clock).
import type { Stack } from '../../emulator/stack'
import { acceptInvite, createInvite, inviteCode, INVITE_TTL_MS } from '../../server/domain/merchant/invites'
import { roleOf } from '../../server/domain/merchant/staff'
import { Collections } from '../../server/store/collections'
import { person, startJourneyStack, type Json } from '../helpers/stack'
import { memoryStore } from '../helpers/store'
import { readWxacodePng } from '../../emulator/cloud/wxacode-png'

let stack: Stack
const carol = () => person(stack, 'carol')
const invite = async (role: string) => carol().fn('merchant', { action: 'staffInvite', role })

beforeAll(async () => {
  stack = await startJourneyStack()
  for (const name of ['dave', 'erin', 'frank']) stack.wechat.users.ensure(name)
})
afterAll(() => stack.stop())

test('an owner makes an invite: its id, when it ends, and the Mini Program path its QR code carries', async () => {
  const before = Date.now()
  const r = await invite('staff')
  expect(r).toMatchObject({ errcode: 0, inviteId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) })
  expect(r.qr).toBe(`/merchant/pages/join/index?invite=${r.inviteId}`)
  expect(r.expiresAt).toBeGreaterThanOrEqual(before + INVITE_TTL_MS)
  expect(r.expiresAt).toBeLessThanOrEqual(Date.now() + INVITE_TTL_MS)
})

// WeChat's 扫一扫 opens a Mini Program code (wxacode.getUnlimited), not a QR of a path: the answer carries
// the code, made by the merchant function's 云调用 (its config.json permits it), pointing at the join page
// with the invite as its scene.
test('the invite answers its Mini Program code: a PNG of the join page with the invite as scene', async () => {
  const r = await invite('staff')
  expect(r.wxacodeError).toBeUndefined()
  expect(r.wxacode).toMatch(/^data:image\/png;base64,/)
  const png = Buffer.from(String(r.wxacode).slice('data:image/png;base64,'.length), 'base64')
  expect(readWxacodePng(png)).toMatchObject({ page: 'merchant/pages/join/index', scene: r.inviteId, env_version: 'release' })
  // The join page takes the scene as it takes ?invite=: card.staffAccept accepts it.
  expect(await person(stack, 'dave').fn('card', { action: 'staffAccept', inviteId: r.inviteId })).toEqual({ errcode: 0, role: 'staff' })
  expect((await carol().fn('merchant', { action: 'staffSet', openid: person(stack, 'dave').mpOpenid, role: null })).errcode).toBe(0)
})

test('a code WeChat refuses leaves the invite without it and says why; the env_version is the setting’s', async () => {
  const refusing = () => Promise.reject({ errCode: -604101, errMsg: 'system error: error code: -604101' })
  expect(await inviteCode('AAAAAAAAAAAAAAAA', refusing)).toEqual({
    wxacodeError: 'wxacode.getUnlimited: -604101 system error: error code: -604101',
  })
  const asked: unknown[] = []
  const making = async (req: unknown) => (asked.push(req), { buffer: Buffer.from('x'), contentType: 'image/jpeg' })
  expect(await inviteCode('AAAAAAAAAAAAAAAA', making, { WXACODE_ENV_VERSION: 'trial' })).toEqual({ wxacode: 'data:image/jpeg;base64,eA==' })
  expect(asked).toEqual([{ scene: 'AAAAAAAAAAAAAAAA', page: 'merchant/pages/join/index', check_path: false, env_version: 'trial' }])
  expect((await inviteCode('AAAAAAAAAAAAAAAA', making, { WXACODE_ENV_VERSION: 'beta' })).wxacodeError).toMatch(
    /^WXACODE_ENV_VERSION must be/,
  )
  expect(asked).toHaveLength(1)
})

test('only owners make invites; the role is checked', async () => {
  const bob = person(stack, 'bob')
  // bob an admin granted in the console: still not an owner.
  expect((await carol().fn('merchant', { action: 'staffSet', openid: bob.mpOpenid, role: 'admin' })).errcode).toBe(0)
  expect((await bob.fn('merchant', { action: 'staffInvite', role: 'staff' })).errcode).toBe(1004)
  expect((await person(stack, 'alice').fn('merchant', { action: 'staffInvite', role: 'staff' })).errcode).toBe(1004)
  expect((await carol().fn('merchant', { action: 'staffSet', openid: bob.mpOpenid, role: null })).errcode).toBe(0)
  for (const role of ['boss', null, undefined, 'owner']) {
    const r = await invite(role as string)
    expect(r.errcode).toBe(1001)
    expect(r.errmsg).toMatch(/^role /)
  }
})

test('the person who opens an invite gets its role, once; a second person is told it was used', async () => {
  const dave = person(stack, 'dave')
  const erin = person(stack, 'erin')
  const { inviteId } = await invite('staff')
  expect((await dave.fn('merchant', { action: 'whoami' })).role).toBeNull()
  expect(await dave.fn('card', { action: 'staffAccept', inviteId })).toEqual({ errcode: 0, role: 'staff' })
  expect((await dave.fn('merchant', { action: 'whoami' })).role).toBe('staff')
  // dave opening it again (a retry after a lost reply) is answered the same; erin is refused.
  expect(await dave.fn('card', { action: 'staffAccept', inviteId })).toEqual({ errcode: 0, role: 'staff' })
  expect(await erin.fn('card', { action: 'staffAccept', inviteId })).toMatchObject({ errcode: 1006, reason: 'INVITE_USED' })
  expect((await erin.fn('merchant', { action: 'whoami' })).role).toBeNull()
  // A staff member may redeem, not run the business.
  expect((await dave.fn('merchant', { action: 'redeemCheck', code: '000000000000' })).errcode).not.toBe(1004)
  expect((await dave.fn('merchant', { action: 'orderList' })).errcode).toBe(1004)
})

test('an admin invite makes an admin; an unknown invite is 1005; a bad id 1001; an owner needs none', async () => {
  const frank = person(stack, 'frank')
  const { inviteId } = await invite('admin')
  expect((await carol().fn('card', { action: 'staffAccept', inviteId })).reason).toBe('INVITE_OWNER')
  expect(await frank.fn('card', { action: 'staffAccept', inviteId })).toEqual({ errcode: 0, role: 'admin' })
  expect((await frank.fn('merchant', { action: 'overview' })).errcode).toBe(0)
  // An admin offered a staff invite keeps the role, and the invite stays for someone else.
  const staffInvite = await invite('staff')
  expect(await frank.fn('card', { action: 'staffAccept', inviteId: staffInvite.inviteId })).toMatchObject({
    errcode: 1006,
    reason: 'INVITE_ALREADY_ADMIN',
  })
  expect((await frank.fn('merchant', { action: 'whoami' })).role).toBe('admin')
  expect(await frank.fn('card', { action: 'staffAccept', inviteId: 'AAAAAAAAAAAAAAAA' })).toMatchObject({
    errcode: 1005,
    reason: 'INVITE_NOT_FOUND',
  })
  for (const bad of ['short', 'a b c d e f g h ', 'A'.repeat(17), 42]) {
    const r = await frank.fn('card', { action: 'staffAccept', inviteId: bad })
    expect(r.errcode).toBe(1001)
    expect(r.errmsg).toMatch(/^inviteId /)
  }
})

test('two people accepting one invite at once: exactly one joins, the other gets INVITE_USED', async () => {
  for (let round = 0; round < 3; round++) {
    const racers = ['alice', 'bob', 'erin'].map((n) => person(stack, n))
    for (const r of racers) await carol().fn('merchant', { action: 'staffSet', openid: r.mpOpenid, role: null })
    const { inviteId } = await invite('staff')
    const answers = await Promise.all(racers.map((r) => r.fn('card', { action: 'staffAccept', inviteId })))
    expect(answers.filter((a) => a.errcode === 0)).toEqual([{ errcode: 0, role: 'staff' }])
    expect(answers.filter((a) => a.errcode !== 0).map((a) => [a.errcode, a.reason])).toEqual([
      [1006, 'INVITE_USED'],
      [1006, 'INVITE_USED'],
    ])
    const roles = await Promise.all(racers.map(async (r) => (await r.fn('merchant', { action: 'whoami' })).role as string | null))
    expect(roles.filter((r) => r === 'staff')).toHaveLength(1)
  }
})

test('the invite and the joining are in the audit log, by name', async () => {
  const { inviteId } = await invite('staff')
  const dave = person(stack, 'dave')
  await carol().fn('merchant', { action: 'staffSet', openid: dave.mpOpenid, role: null })
  expect((await dave.fn('card', { action: 'staffAccept', inviteId })).errcode).toBe(0)
  const { entries } = await carol().fn('merchant', { action: 'auditList', limit: 3 })
  const [accepted, removed, made] = entries as Json[]
  expect(accepted).toMatchObject({ action: 'staffAccept', text: expect.stringMatching(/^店员·[0-9A-F]{4} 扫码加入，成为店员$/) })
  // dave is named as he is now (staff again), in both entries alike.
  expect(removed).toMatchObject({ action: 'staffSet', text: `取消 ${String(accepted!.by)} 的员工权限` })
  expect(made).toMatchObject({ action: 'staffInvite', text: '生成店员邀请（10 分钟内有效）' })
  expect(accepted!.by).toBe(accepted!.target)
})

describe('the 10 minutes, on the rule’s clock', () => {
  const t0 = Date.UTC(2026, 11, 6, 4, 0, 0)
  test('accepted up to the last millisecond before expiry, refused from it on; an expired invite stays unused', async () => {
    const store = await memoryStore()
    const late = await createInvite(store, 'oOwner', 'staff', t0)
    expect(late.expiresAt).toBe(t0 + 10 * 60_000)
    await expect(acceptInvite(store, 'oLate', late.inviteId, late.expiresAt)).rejects.toMatchObject({
      errcode: 1006,
      extra: { reason: 'INVITE_EXPIRED' },
    })
    expect(await roleOf(store, 'oLate')).toBeNull()
    expect(await store.get(Collections.staffInvites, late.inviteId)).toMatchObject({ status: 'OPEN' })

    const inTime = await createInvite(store, 'oOwner', 'staff', t0)
    expect(await acceptInvite(store, 'oInTime', inTime.inviteId, inTime.expiresAt - 1)).toEqual({ role: 'staff', changed: true })
    expect(await roleOf(store, 'oInTime')).toBe('staff')
    expect(await store.get(Collections.staffInvites, inTime.inviteId)).toMatchObject({
      status: 'USED',
      usedBy: 'oInTime',
      usedAt: inTime.expiresAt - 1,
    })
    // Taken in time, it is still its taker's after the 10 minutes (a retry), and nobody else's.
    expect(await acceptInvite(store, 'oInTime', inTime.inviteId, inTime.expiresAt + 60_000)).toEqual({ role: 'staff', changed: false })
    await expect(acceptInvite(store, 'oOther', inTime.inviteId, inTime.expiresAt - 2)).rejects.toMatchObject({
      extra: { reason: 'INVITE_USED' },
    })
  })
})
