// How the local cloud keeps documents on disk (doc-store.ts): V8's format for plain values, EJSON for the
// rest, and rows of either kind read back after a restart.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Binary, Long } from 'bson'
import { DocStore } from './doc-store'
import { applyUpdate } from './query-engine'
import type { Doc } from './ejson'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'doc-store-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function reopened(write: (store: DocStore) => void): DocStore {
  const file = join(dir, 'cloud.sqlite')
  const store = DocStore.open(file)
  if (!store.hasCollection('c')) store.createCollection('c')
  write(store)
  store.close()
  return DocStore.open(file)
}

const bodyType = (id: string) =>
  (new Database(join(dir, 'cloud.sqlite')).prepare('SELECT typeof(body) AS t FROM docs WHERE id = ?').get(id) as { t: string }).t

test('a document of plain values is kept in V8’s format and reads back the same after a restart', () => {
  const doc: Doc = {
    _id: 'a',
    balance: 500,
    rate: 0.25,
    big: 2 ** 40,
    at: new Date(1_700_000_000_000),
    title: '礼品卡 ¥100 é',
    keys: { k1: { o: 'A', a: 1, s: true }, k2: null },
    list: [1, 'two', [3], { four: 4 }, false],
  }
  const store = reopened((s) => s.commit([{ coll: 'c', id: 'a', doc }]))
  expect(store.get('c', 'a')).toEqual(doc)
  expect(Object.prototype.toString.call(store.get('c', 'a')!.at)).toBe('[object Date]')
  expect(bodyType('a')).toBe('blob')
  store.close()
})

test('a document holding a bson value, or an array with a hole, is kept as EJSON and reads back', () => {
  const holey: unknown[] = [1]
  holey[3] = 4
  const store = reopened((s) =>
    s.commit([
      { coll: 'c', id: 'long', doc: { _id: 'long', n: Long.fromNumber(5), b: new Binary(Buffer.from('hi')) } },
      { coll: 'c', id: 'holey', doc: { _id: 'holey', a: holey } },
    ]),
  )
  expect(store.get('c', 'long')!.n).toBe(5)
  expect(Buffer.from((store.get('c', 'long')!.b as Binary).buffer).toString()).toBe('hi')
  // As MongoDB pads an array set past its end: nulls.
  expect(store.get('c', 'holey')!.a).toEqual([1, null, null, 4])
  expect([bodyType('long'), bodyType('holey')]).toEqual(['text', 'text'])
  store.close()
})

test('rows an earlier version wrote as EJSON text are read', () => {
  const file = join(dir, 'cloud.sqlite')
  DocStore.open(file).close()
  const sql = new Database(file)
  sql.prepare('INSERT INTO collections (name, created_at) VALUES (?, ?)').run('c', 0)
  sql
    .prepare('INSERT INTO docs (coll, id, body) VALUES (?, ?, ?)')
    .run('c', 'old', '{"_id":"old","n":{"$numberInt":"7"},"at":{"$date":{"$numberLong":"5"}}}')
  sql.close()
  const store = DocStore.open(file)
  expect(store.get('c', 'old')).toEqual({ _id: 'old', n: 7, at: new Date(5) })
  store.close()
})

test('a plain document that an update gives a bson value deep inside is kept as EJSON from then on', () => {
  const store = reopened((s) => {
    const first: Doc = { _id: 'p', keys: { k1: { a: 1 }, k2: { a: 2 } } }
    s.commit([{ coll: 'c', id: 'p', doc: first }])
    expect(bodyType('p')).toBe('blob')
    s.commit([{ coll: 'c', id: 'p', doc: applyUpdate(first, { $set: { 'keys.k2.bin': new Binary(Buffer.from('hi')) } }, true) }])
    expect(bodyType('p')).toBe('text')
  })
  expect((store.get('c', 'p')!.keys as Record<string, Record<string, unknown>>).k2?.bin).toBeInstanceOf(Binary)
  store.close()
})

test('a collection’s permission tag, set through the management API, reads back after a restart', () => {
  const store = reopened((s) => {
    s.createCollection('orders')
    s.createCollection('cards')
    s.setAcl('orders', 'ADMINONLY')
  })
  expect(store.aclOf('orders')).toBe('ADMINONLY')
  expect(store.aclOf('cards')).toBeUndefined()
})
