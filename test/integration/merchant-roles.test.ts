// Merchant roles and the audit log on a whole local stack: owners from MERCHANT_ADMIN_OPENIDS, admins and
// staff granted in the console, consumers refused, and one audit entry per change.
import type { Stack } from '../../emulator/stack'
import { person, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)

beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

test('whoami tells owners, granted members and consumers apart', async () => {
  expect(await merchant({ action: 'whoami' })).toMatchObject({ errcode: 0, role: 'admin' })
  expect(await person(stack, 'alice').fn('merchant', { action: 'whoami' })).toMatchObject({ errcode: 0, role: null })
})

test('an admin grants staff; staff are refused admin actions; removal takes the role away', async () => {
  const bob = person(stack, 'bob')
  const bobOpenid = person(stack, 'bob').mpOpenid
  expect((await bob.fn('merchant', { action: 'overview' })).errcode).toBe(1004)
  // The answer names nobody (issue 28): the CLI knows whom it asked about.
  expect(await merchant({ action: 'staffSet', openid: bobOpenid, role: 'staff' })).toEqual({
    errcode: 0,
    role: 'staff',
    changed: true,
  })
  expect(await merchant({ action: 'staffSet', openid: bobOpenid, role: 'staff' })).toMatchObject({ errcode: 0, changed: false })
  expect(await bob.fn('merchant', { action: 'whoami' })).toMatchObject({ role: 'staff' })
  for (const action of ['overview', 'orderList', 'staffSet', 'auditList', 'orderRefund']) {
    expect((await bob.fn('merchant', { action })).errcode).toBe(1004)
  }
  // The list names people, never by openid: bob by a stable alias that says he is staff, granted by carol, the owner.
  const listed = (await merchant({ action: 'staffList' })).staff as Json[]
  expect(JSON.stringify(listed)).not.toContain(bobOpenid)
  expect(listed.filter((s) => !s.owner)).toEqual([
    {
      personId: expect.stringMatching(/^P[0-9A-F]{16}$/),
      name: expect.stringMatching(/^店员·[0-9A-F]{4}$/),
      role: 'staff',
      owner: false,
      grantedBy: listed[0]!.name,
      grantedAt: expect.any(Number),
    },
  ])
  expect(listed[0]).toMatchObject({ owner: true, role: 'admin', name: expect.stringMatching(/^店主·[0-9A-F]{4}$/) })

  // A granted admin may run admin actions, and then loses them on removal.
  expect((await merchant({ action: 'staffSet', openid: bobOpenid, role: 'admin' })).errcode).toBe(0)
  expect((await bob.fn('merchant', { action: 'overview' })).errcode).toBe(0)
  expect((await merchant({ action: 'staffSet', openid: bobOpenid, role: null })).errcode).toBe(0)
  expect((await bob.fn('merchant', { action: 'overview' })).errcode).toBe(1004)
})

test('staffSet refuses a bad role, a bad openid, and changing an owner', async () => {
  const carolOpenid = person(stack, 'carol').mpOpenid
  expect((await merchant({ action: 'staffSet', openid: person(stack, 'bob').mpOpenid, role: 'boss' })).errmsg).toMatch(/^role /)
  expect((await merchant({ action: 'staffSet', openid: 'a b', role: 'staff' })).errcode).toBe(1001)
  // Issue 25 §6: "1" (or any string that is not an openid's 28 URL-safe characters) is not granted a role.
  for (const openid of ['1', 'oX', `${person(stack, 'bob').mpOpenid}x`, 'o'.repeat(27) + '!']) {
    const refused = await merchant({ action: 'staffSet', openid, role: 'staff' })
    expect(refused.errcode).toBe(1001)
    expect(refused.errmsg).toMatch(/^openid /)
  }
  const owner = await merchant({ action: 'staffSet', openid: carolOpenid, role: null })
  expect(owner.errcode).toBe(1001)
  expect(owner.errmsg).toMatch(/^openid /)
  expect((await merchant({ action: 'whoami' })).role).toBe('admin')
})

test('each change writes one audit entry with who, what and why; reads write none', async () => {
  const carolOpenid = person(stack, 'carol').mpOpenid
  const before = (await merchant({ action: 'auditList', limit: 100 })).total as number
  await merchant({ action: 'overview' })
  await merchant({ action: 'orderList' })
  const aliceOpenid = person(stack, 'alice').mpOpenid
  expect((await merchant({ action: 'staffSet', openid: aliceOpenid, role: 'staff' })).errcode).toBe(0)
  // A refused change writes nothing, and neither does one that changes nothing (issue 25 §6).
  expect((await merchant({ action: 'staffSet', openid: aliceOpenid, role: 'boss' })).errcode).toBe(1001)
  expect(await merchant({ action: 'staffSet', openid: aliceOpenid, role: 'staff' })).toMatchObject({ errcode: 0, changed: false })
  const after = await merchant({ action: 'auditList', limit: 100 })
  expect(after.total).toBe(before + 1)
  const [latest] = after.entries as Json[]
  // Told as a sentence, people by name: no openid in the entry (issue 28).
  expect(JSON.stringify(latest)).not.toMatch(new RegExp(`${carolOpenid}|${aliceOpenid}`))
  expect(latest).toMatchObject({
    by: expect.stringMatching(/^店主·[0-9A-F]{4}$/),
    action: 'staffSet',
    target: expect.stringMatching(/^店员·[0-9A-F]{4}$/),
    reason: 'role staff',
    text: `设 ${String(latest!.target)} 为店员`,
  })
  expect(typeof latest!.at).toBe('number')
  expect((await merchant({ action: 'auditList', limit: 101 })).errcode).toBe(1001)
})
