// merchant: who may call which action. Every action checks the caller's role first (before its input is
// read: a caller without the role gets 1004 whatever he sent); an action that changes something names its
// audit target and is logged after it succeeded (server/domain/merchant/audit.ts).
import type { ActionSchema, Answer, Valid } from '../../contract/actions/define'
import { recordAudit, type AuditFacts } from '../../server/domain/merchant/audit'
import { requireRole, type MerchantRole } from '../../server/domain/merchant/staff'
import type { Action, GuardedAction } from '../../server/platform/handler'

/** What an audit entry says an action acted on (and why, and the facts its sentence tells), from its input and result. */
export type AuditOf<A extends ActionSchema = ActionSchema> = (
  input: Valid<A>,
  result: Answer<A>,
) => { target: string; reason?: string; facts?: AuditFacts }

function allow<A extends ActionSchema>(roles: readonly MerchantRole[], run: Action<A>, audit?: AuditOf<A>): GuardedAction<A> {
  return {
    guard: async (ctx) => {
      await requireRole(ctx.store, ctx.caller.openid, roles, `merchant.${ctx.action}`)
    },
    run: async (input, ctx) => {
      const result = await run(input, ctx)
      // An action that answers `changed: false` (a role set to what it was) changed nothing: no entry.
      const unchanged = 'changed' in result && result.changed === false
      if (audit && !unchanged) await recordAudit(ctx.store, { openid: ctx.caller.openid!, action: ctx.action, ...audit(input, result) })
      return result
    },
  }
}
const ADMIN = ['admin'] as const
export const admin = <A extends ActionSchema>(run: Action<A>, audit?: AuditOf<A>) => allow(ADMIN, run, audit)
/** Counter actions: staff may call these (and only these). */
export const counter = <A extends ActionSchema>(run: Action<A>, audit?: AuditOf<A>) => allow(['admin', 'staff'], run, audit)
