// MongoDB's checks when it applies an update (update-rules.ts), which mingo alone skips: each refusal
// is DATABASE_REQUEST_FAILED in MongoDB's words, and the stored document is unchanged.
import { applyUpdate } from './query-engine'
import type { Doc } from './ejson'

const doc = (): Doc => ({ _id: 'c1', balance: 500, title: '礼品卡', tags: ['a'], keys: { k1: { a: 1 } }, gone: null })

test.each([
  [
    '$inc of a string',
    { $inc: { title: 1 } },
    'Cannot apply $inc to a value of non-numeric type. {_id: "c1"} has the field \'title\' of non-numeric type string',
  ],
  [
    '$inc of null',
    { $inc: { gone: 1 } },
    'Cannot apply $inc to a value of non-numeric type. {_id: "c1"} has the field \'gone\' of non-numeric type null',
  ],
  ['$inc by a string', { $inc: { balance: '1' } }, 'Cannot increment with non-numeric argument: {balance: "1"}'],
  [
    '$mul of an array',
    { $mul: { tags: 2 } },
    'Cannot apply $mul to a value of non-numeric type. {_id: "c1"} has the field \'tags\' of non-numeric type array',
  ],
  ['$push onto a number', { $push: { balance: 1 } }, 'The field \'balance\' must be an array but is of type int in document {_id: "c1"}'],
  [
    '$addToSet onto an object',
    { $addToSet: { keys: 1 } },
    'The field \'keys\' must be an array but is of type object in document {_id: "c1"}',
  ],
  ['$pull from a string', { $pull: { title: 'x' } }, 'The field \'title\' must be an array but is of type string in document {_id: "c1"}'],
  ['a field created inside a number', { $set: { 'balance.fen': 1 } }, "Cannot create field 'fen' in element {balance: 500}"],
  ['a field named inside an array', { $set: { 'tags.first': 1 } }, "Cannot create field 'first' in element {tags: [ 1 items ]}"],
  [
    'two operators on one path',
    { $set: { balance: 1 }, $inc: { balance: 1 } },
    "Updating the path 'balance' would create a conflict at 'balance'",
  ],
  ['a path and one inside it', { $set: { keys: {}, 'keys.k1.a': 2 } }, "Updating the path 'keys.k1.a' would create a conflict at 'keys'"],
  [
    '$unset of a key another operator sets inside',
    { $unset: { 'keys.k1': '' }, $set: { 'keys.k1.s': true } },
    "Updating the path 'keys.k1.s' would create a conflict at 'keys.k1'",
  ],
])('%s is refused, the document unchanged', (_name, update, message) => {
  const cur = doc()
  expect(() => applyUpdate(cur, update as Record<string, unknown>, true)).toThrow(
    expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message }),
  )
  expect(cur).toEqual(doc())
})

test.each([
  ['$inc of a missing field', { $inc: { points: 5 } }, { points: 5 }],
  ['$push onto a missing field', { $push: { list: 1 } }, { list: [1] }],
  ['$pull from a missing field', { $pull: { list: 1 } }, {}],
  ['$unset through a number', { $unset: { 'balance.fen': '' } }, { balance: 500 }],
  ['$set by index inside an array', { $set: { 'tags.0': 'b' } }, { tags: ['b'] }],
  [
    'neighbouring paths',
    { $set: { 'keys.k1.s': true, 'keys.k10': { a: 2 } }, $inc: { balance: -1 } },
    { balance: 499, keys: { k1: { a: 1, s: true }, k10: { a: 2 } } },
  ],
])('%s applies', (_name, update, expected) => {
  expect(applyUpdate(doc(), update as Record<string, unknown>, true)).toMatchObject(expected)
})
