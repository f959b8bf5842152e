// Every client-called action of every function, by function: `actions.card.spend` (docs/functions-api.md).
// The Mini Program imports only the types (`call('card.spend', input)`, src/services/cloud.ts): no schema
// reaches its bundle.
// A new action is one entry in its function's file here; the function's handler then must implement it
// (the typecheck says so) and docs/functions-api.md must list its fields (test/unit/contract.test.ts).
import { card } from './card'
import { gift } from './gift'
import { member } from './member'
import { merchant } from './merchant'
import { pay } from './pay'

export const actions = { card, pay, gift, member, merchant }
export type { ActionSchema, Answer, Input } from './define'

type Contract = typeof actions
/** Every action by its documented name: `card.spend`, `merchant.orderList` … */
export type ActionName = { [F in keyof Contract]: `${F}.${keyof Contract[F] & string}` }[keyof Contract]
/** The action a name stands for. */
export type ActionNamed<N extends ActionName> = N extends `${infer F extends keyof Contract}.${infer A}`
  ? A extends keyof Contract[F]
    ? Contract[F][A]
    : never
  : never
