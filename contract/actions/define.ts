// One action of one cloud function: the function and action names it is called by, the schema of its
// input (the fields besides `action`) and the schema of its answer (the fields besides `errcode`).
// The functions validate every input with `input` before the action runs (server/platform/handler.ts);
// the Mini Program calls an action by its name (`call('card.spend', …)`, src/services/cloud.ts) and receives `Answer<A>`.
import type * as v from 'valibot'

export interface ActionSchema<
  F extends string = string,
  I extends v.GenericSchema = v.GenericSchema,
  O extends v.GenericSchema<unknown, object> = v.GenericSchema<unknown, object>,
> {
  readonly fn: F
  readonly name: string
  readonly input: I
  readonly answer: O
}

/** What an action takes from its caller (optional fields may be left out). */
export type Input<A extends ActionSchema> = v.InferInput<A['input']>
/** What the function's code receives once the input passed its schema (defaults filled in). */
export type Valid<A extends ActionSchema> = v.InferOutput<A['input']>
/** What the action answers. */
export type Answer<A extends ActionSchema> = v.InferOutput<A['answer']>

type Specs = Record<string, { input: v.GenericSchema; answer: v.GenericSchema<unknown, object> }>
type Defined<F extends string, S extends Specs> = { readonly [K in keyof S]: ActionSchema<F, S[K]['input'], S[K]['answer']> }

/** The actions of function `fn`, each named by its key. */
export function defineActions<F extends string, S extends Specs>(fn: F, specs: S): Defined<F, S> {
  const out: Record<string, ActionSchema> = {}
  for (const [name, spec] of Object.entries(specs)) out[name] = { fn, name, ...spec }
  return out as Defined<F, S>
}
