// applyUpdate copies only what an update's paths touch and shares the rest with the stored document
// (query-engine.ts copyAlong): the stored document must come out unchanged, and the result must be what
// the same operators give on a whole clone.
import fc from 'fast-check'
import { update as mingoUpdate } from 'mingo'
import { applyUpdate } from './query-engine'
import { assertUpdateApplies } from './update-rules'
import type { Doc } from './ejson'

// A deep copy made in this realm: node:v8's would make Node's own objects, which mingo compares otherwise
// than jest's ({a: null} equal to {} for a $set: the whole clone's result would drop that change).
const whole = <T>(v: T): T =>
  (Array.isArray(v)
    ? v.map(whole)
    : Object.prototype.toString.call(v) === '[object Date]'
      ? new Date((v as Date).getTime())
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, whole(x)]))
        : v) as T

function card(): Doc {
  return {
    _id: 'c1',
    balance: 500,
    at: new Date(1_700_000_000_000),
    spendKeys: { k1: { o: 'A', a: 1, s: true }, k2: { o: 'B', a: 2 } },
    tags: ['x', 'y'],
    items: [{ n: 1, sub: { m: 1 } }, { n: 2 }],
  }
}

test('a nested write leaves the stored document unchanged and shares what it did not touch', () => {
  const cur = card()
  const before = whole(cur)
  const next = applyUpdate(cur, { $set: { 'spendKeys.k2.s': true }, $inc: { balance: -1 } }, true)
  expect(cur).toEqual(before)
  expect(next.balance).toBe(499)
  expect((next.spendKeys as Record<string, Record<string, unknown>>).k2).toEqual({ o: 'B', a: 2, s: true })
  // k1, the tags and the items were not on a path: the same objects, not copies.
  expect((next.spendKeys as Record<string, unknown>).k1).toBe((cur.spendKeys as Record<string, unknown>).k1)
  expect(next.tags).toBe(cur.tags)
  expect(next.items).toBe(cur.items)
})

test.each([
  ['$push into an array', { $push: { tags: 'z' } }, { tags: ['x', 'y', 'z'] }],
  ['$pull from an array', { $pull: { tags: 'x' } }, { tags: ['y'] }],
  ['$unset of a nested field', { $unset: { 'spendKeys.k1': '' } }, { spendKeys: { k2: { o: 'B', a: 2 } } }],
  ['$set by array index', { $set: { 'items.0.sub.m': 9 } }, { items: [{ n: 1, sub: { m: 9 } }, { n: 2 }] }],
  ['the positional $[] (cloned whole)', { $inc: { 'items.$[].n': 10 } }, { items: [{ n: 11, sub: { m: 1 } }, { n: 12 }] }],
  ['$rename (cloned whole)', { $rename: { tags: 'labels' } }, { labels: ['x', 'y'] }],
  ['a Date replaced', { $set: { at: new Date(5) } }, { at: new Date(5) }],
])('%s: the stored document is unchanged', (_name, update, expected) => {
  const cur = card()
  const before = whole(cur)
  const next = applyUpdate(cur, update as Record<string, unknown>, true)
  expect(cur).toEqual(before)
  expect(next).toMatchObject(expected)
})

// Random documents and random updates on random paths: the copy along the paths gives what a whole clone
// gives, and never changes the stored document.
const seg = fc.constantFrom('a', 'b', 'c', '0', '1')
const leaf = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('s', 't'),
  fc.constant(null),
  fc.date({ min: new Date(0), max: new Date(1e12), noInvalidDate: true }),
)
// Plain objects, as the wire's EJSON makes them (fast-check's null-prototype ones mingo cannot hash).
const { value: tree } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(seg, tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
}))
/** Every path into the document, so that updates mostly land on what is there (random ones besides). */
function pathsIn(v: unknown, at: string[] = []): string[] {
  if (typeof v !== 'object' || v === null || v instanceof Date) return []
  return Object.keys(v).flatMap((k) => [[...at, k].join('.'), ...pathsIn((v as Record<string, unknown>)[k], [...at, k])])
}
const randomPath = fc.array(seg, { minLength: 1, maxLength: 4 }).map((p) => p.join('.'))
const updateOn = (doc: Doc) => {
  const there = pathsIn(doc).filter((p) => p !== '_id')
  const path = there.length ? fc.oneof(fc.constantFrom(...there), fc.constantFrom(...there), randomPath) : randomPath
  return fc.oneof(
    fc.record({ $set: fc.dictionary(path, tree, { minKeys: 1, maxKeys: 3, noNullPrototype: true }) }),
    fc.record({ $inc: fc.dictionary(path, fc.integer({ min: -3, max: 3 }), { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $unset: fc.dictionary(path, fc.constant(''), { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $push: fc.dictionary(path, leaf, { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $pull: fc.dictionary(path, leaf, { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $pop: fc.dictionary(path, fc.constantFrom(1, -1), { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $addToSet: fc.dictionary(path, leaf, { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
    fc.record({ $max: fc.dictionary(path, fc.integer({ min: -5, max: 5 }), { minKeys: 1, maxKeys: 2, noNullPrototype: true }) }),
  )
}
const docAndUpdate = fc
  .dictionary(seg, tree, { maxKeys: 4, noNullPrototype: true })
  .map((fields) => ({ ...fields, _id: 'd' }) as Doc)
  .chain((doc) => fc.tuple(fc.constant(doc), updateOn(doc)))

test('on random documents and updates, the result is a whole clone’s and the stored document is unchanged', () => {
  fc.assert(
    fc.property(docAndUpdate, ([cur, upd]) => {
      const before = whole(cur)
      let got: Doc | Error
      let want: Doc | Error
      try {
        got = applyUpdate(cur, whole(upd), true)
      } catch (err) {
        got = err as Error
      }
      try {
        // The reference: MongoDB's checks, then mingo's operators on a whole copy.
        const copy = whole(cur)
        assertUpdateApplies(copy, whole(upd) as Record<string, Record<string, unknown>>)
        mingoUpdate(copy, whole(upd) as never)
        want = copy
      } catch (err) {
        want = err as Error
      }
      expect(cur).toEqual(before)
      if (want instanceof Error) expect(got).toBeInstanceOf(Error)
      else expect(got).toEqual(want)
    }),
    { numRuns: 2000 },
  )
})
