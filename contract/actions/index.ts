// Every client-called action of every function, by function: `actions.card.spend` (docs/functions-api.md).
// A new action is one entry in its function's file here; the function's handler then must implement it
// (the typecheck says so) and docs/functions-api.md must list its fields (test/unit/contract.test.ts).
import { card } from './card'
import { gift } from './gift'
import { member } from './member'
import { merchant } from './merchant'
import { pay } from './pay'

export const actions = { card, pay, gift, member, merchant }
export type { ActionSchema, Answer, Input } from './define'
