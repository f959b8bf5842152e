// List cursors (cursor.ts) on their own: what comes back is the key sealed, and each way a cursor can be
// wrong is 1001 naming `cursor` — altered anywhere, another list or filter, another caller, expired.
import { randomBytes } from 'node:crypto'
import { AppError } from '../errors'
import { CURSOR_TTL_MS, listScope, openCursor, sealCursor } from './cursor'

const key = randomBytes(32)
const now = 1_764_000_000_000
const scope = listScope('merchant.orderList', 'oCarol', { channel: 'mp', since: undefined })
const cursor = sealCursor({ at: 1_763_999_000_000, id: 'GC0001' }, scope, now, key)

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).errcode).toBe(1001)
    return (err as AppError).message
  }
  throw new Error('not refused')
}

test('a cursor opens to the key it sealed, for its list and caller, until it expires', () => {
  expect(openCursor(cursor, scope, now + CURSOR_TTL_MS - 1, key)).toEqual({ at: 1_763_999_000_000, id: 'GC0001' })
  // Filters left undefined are no part of the list: the same list as without them.
  expect(openCursor(cursor, listScope('merchant.orderList', 'oCarol', { channel: 'mp' }), now, key)).toEqual({
    at: 1_763_999_000_000,
    id: 'GC0001',
  })
})

test('altered, foreign, expired or signed with another key: 1001 naming cursor', () => {
  const [body, sig] = cursor.split('.') as [string, string]
  const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`
  expect(refusal(() => openCursor(`${flip(body, 5)}.${sig}`, scope, now, key))).toMatch(/^cursor was altered/)
  expect(refusal(() => openCursor(`${body}.${flip(sig, 5)}`, scope, now, key))).toMatch(/^cursor was altered/)
  expect(refusal(() => openCursor(body, scope, now, key))).toMatch(/^cursor is not a cursor/)
  expect(refusal(() => openCursor(cursor, listScope('merchant.orderList', 'oBob', { channel: 'mp' }), now, key))).toMatch(
    /^cursor .*another caller/,
  )
  expect(refusal(() => openCursor(cursor, listScope('merchant.orderList', 'oCarol', { channel: 'shelf' }), now, key))).toMatch(
    /^cursor belongs to another list/,
  )
  expect(refusal(() => openCursor(cursor, listScope('merchant.auditList', 'oCarol'), now, key))).toMatch(/^cursor belongs to another list/)
  expect(refusal(() => openCursor(cursor, scope, now + CURSOR_TTL_MS, key))).toMatch(/^cursor has expired/)
  expect(refusal(() => openCursor(cursor, scope, now, randomBytes(32)))).toMatch(/^cursor was altered/)
})
