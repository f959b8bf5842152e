// merchant: the member-card actions (#13), all for admins, every changing one audited. Kept beside
// index.ts so that the action table only spreads them in.
import {
  createMemberCard,
  listMemberCards,
  updateMemberCard,
  type ActivationField,
  type MemberLevel,
} from '../../server/domain/catalog/member-cards'
import { adjustMember, findMember, listMembers, setLevel } from '../../server/domain/members/members'
import { invalid } from '../../server/errors'
import type { AuditFacts } from '../../server/domain/merchant/audit'
import { cardFacts } from '../../server/domain/merchant/audit-sentences'
import type { Action } from '../../server/platform/handler'
import { paged } from './paged'
import { syncOptions } from '../../server/platform/settings'
import { asInput, optInt, optStr, str, type Input } from '../../server/validate'
import type { CardCreateRequest } from '../../server/wechat/card'
import type { PayGiftCardRule } from '../../server/wechat/paygiftcard'

const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const KEY = { max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }
/** A single adjustment moves at most 1,000,000 points or ¥1,000,000. */
const MAX_DELTA = 100_000_000

type AuditOf = (input: Input, result: Record<string, unknown>) => { target: string; reason?: string; facts?: AuditFacts }
type Wrap = (run: Action, audit?: AuditOf) => Action

function optDelta(i: Input, field: string): number | undefined {
  const v = i[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v === 0 || Math.abs(v) > MAX_DELTA)
    throw invalid(field, `must be a non-zero integer within ±${MAX_DELTA}`)
  return v
}

function optList<T>(i: Input, field: string): T[] | undefined {
  const v = i[field]
  if (v === undefined) return undefined
  if (!Array.isArray(v)) throw invalid(field, 'must be a list')
  return v as T[]
}

function ruleId(i: Input): number {
  const v = i.ruleId
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw invalid('ruleId', 'must be a positive integer (the rule_id WeChat gave)')
  return v
}

export function memberActions(admin: Wrap): Record<string, Action> {
  return {
    memberCardCreate: admin(
      async (i, ctx) => {
        const card = asInput(i.card, 'card') as unknown as CardCreateRequest['card']
        return createMemberCard(ctx.store, ctx.wx(), {
          card,
          levels: optList<MemberLevel>(i, 'levels'),
          activationFields: optList<ActivationField>(i, 'activationFields'),
        })
      },
      (i, r) => ({ target: String(r.cardId), facts: cardFacts(i.card) }),
    ),
    memberCardUpdate: admin(
      async (i, ctx) => {
        const patch = i.update === undefined ? {} : asInput(i.update, 'update')
        const offered = i.offered === undefined ? undefined : i.offered === true
        return updateMemberCard(ctx.store, ctx.wx(), str(i, 'cardId', CARD_ID), patch, {
          levels: optList<MemberLevel>(i, 'levels'),
          activationFields: optList<ActivationField>(i, 'activationFields'),
          offered,
        })
      },
      (i) => ({ target: String(i.cardId) }),
    ),
    memberCardList: admin(async (_i, ctx) => listMemberCards(ctx.store)),
    /** card/membercard/activateuserform/set: the fields of WeChat's own form (wx_activate cards). */
    memberFormSet: admin(
      async (i, ctx) => {
        const form = asInput(i.form, 'form')
        await ctx.wx().memberCard.activateUserFormSet({ ...(form as object), card_id: str(i, 'cardId', CARD_ID) })
        return { cardId: i.cardId }
      },
      (i) => ({ target: String(i.cardId) }),
    ),
    memberFind: admin(async (i, ctx) => {
      const phone = optStr(i, 'phone', { max: 11, pattern: /^1\d{10}$/ })
      const code = optStr(i, 'code', CODE)
      if (!phone === !code) throw invalid('phone', 'or code: give exactly one')
      return findMember(ctx.store, ctx.wx(), { phone, code, cardId: optStr(i, 'cardId', CARD_ID) })
    }),
    memberList: admin(async (i, ctx) => {
      const cardId = optStr(i, 'cardId', CARD_ID)
      return paged(i, ctx, 'memberList', { cardId }, { defaultLimit: 20, offsetMax: 100_000 }, (page) =>
        listMembers(ctx.store, cardId, page),
      )
    }),
    memberAdjust: admin(
      async (i, ctx) =>
        adjustMember(
          ctx.store,
          ctx.wx(),
          {
            cardId: str(i, 'cardId', CARD_ID),
            code: str(i, 'code', CODE),
            bonusDelta: optDelta(i, 'bonusDelta'),
            balanceDelta: optDelta(i, 'balanceDelta'),
            key: str(i, 'key', KEY),
            reason: str(i, 'reason', { max: 14 }),
          },
          syncOptions(),
        ),
      (i) => ({
        target: `${String(i.cardId)}:${String(i.code)}`,
        reason: `points ${String(i.bonusDelta ?? 0)}, fen ${String(i.balanceDelta ?? 0)}: ${String(i.reason)}`,
      }),
    ),
    memberSetLevel: admin(
      async (i, ctx) => {
        const level = i.level === null ? null : str(i, 'level', { max: 4 })
        return setLevel(ctx.store, ctx.wx(), str(i, 'cardId', CARD_ID), str(i, 'code', CODE), level, syncOptions())
      },
      (i) => ({ target: `${String(i.cardId)}:${String(i.code)}`, reason: `level ${String(i.level)}` }),
    ),
    // ---------- pay-then-member rules (member-card-management §8.4) ----------
    payGiftRuleAdd: admin(
      async (i, ctx) => {
        const r = await ctx.wx().payGiftCard.add(asInput(i.rule, 'rule') as unknown as PayGiftCardRule)
        return { ruleId: r.rule_id, succMchidList: r.succ_mchid_list ?? [], failMchidList: r.fail_mchid_list ?? [] }
      },
      (_i, r) => ({ target: `rule ${String(r.ruleId)}` }),
    ),
    payGiftRuleDelete: admin(
      async (i, ctx) => {
        await ctx.wx().payGiftCard.delete(ruleId(i))
        return { ruleId: i.ruleId }
      },
      (i) => ({ target: `rule ${String(i.ruleId)}` }),
    ),
    payGiftRuleGet: admin(async (i, ctx) => ({ rule: (await ctx.wx().payGiftCard.getById(ruleId(i))).rule_info })),
    payGiftRuleList: admin(async (i, ctx) => {
      const r = await ctx.wx().payGiftCard.batchGet({
        type: 'RULE_TYPE_PAY_MEMBER_CARD',
        effective: i.effective === true,
        offset: optInt(i, 'offset', { min: 0, max: 10_000 }) ?? 0,
        count: optInt(i, 'count', { min: 1, max: 100 }) ?? 20,
      })
      return { rules: r.rule_list, total: r.total_count }
    }),
  }
}
