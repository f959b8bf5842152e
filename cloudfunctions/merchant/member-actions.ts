// merchant: the member-card actions (#13), all for admins, every changing one audited. Kept beside
// index.ts so that the action table only spreads them in.
import { createMemberCard, listMemberCards, updateMemberCard } from '../../server/domain/catalog/member-cards'
import { adjustMember, findMember, listMembers, setLevel } from '../../server/domain/members/members'
import { invalid } from '../../server/errors'
import { cardFacts } from '../../server/domain/merchant/audit-sentences'
import type { Actions } from '../../server/platform/handler'
import { paged } from './paged'
import { syncOptions } from '../../server/platform/settings'
import type { PayGiftCardRule } from '../../server/wechat/paygiftcard'
import type { merchant } from '../../contract/actions/merchant'
import { cardBody, wechatBody } from './bodies'
import { admin } from './roles'

export const memberActions = {
  memberCardCreate: admin(
    async (i, ctx) => {
      return createMemberCard(ctx.store, ctx.wx(), { card: cardBody(i.card), levels: i.levels, activationFields: i.activationFields })
    },
    (i, r) => ({ target: String(r.cardId), facts: cardFacts(i.card) }),
  ),
  memberCardUpdate: admin(
    async (i, ctx) => {
      return updateMemberCard(ctx.store, ctx.wx(), i.cardId, i.update ?? {}, {
        levels: i.levels,
        activationFields: i.activationFields,
        offered: i.offered,
      })
    },
    (i) => ({ target: String(i.cardId) }),
  ),
  memberCardList: admin(async (_i, ctx) => listMemberCards(ctx.store)),
  /** card/membercard/activateuserform/set: the fields of WeChat's own form (wx_activate cards). */
  memberFormSet: admin(
    async (i, ctx) => {
      await ctx.wx().memberCard.activateUserFormSet({ ...i.form, card_id: i.cardId })
      return { cardId: i.cardId }
    },
    (i) => ({ target: String(i.cardId) }),
  ),
  memberFind: admin(async (i, ctx) => {
    if (!i.phone === !i.code) throw invalid('phone', 'or code: give exactly one')
    return findMember(ctx.store, ctx.wx(), i)
  }),
  memberList: admin(async (i, ctx) => {
    const cardId = i.cardId
    return paged(i, ctx, 'memberList', { cardId }, { defaultLimit: 20 }, (page) => listMembers(ctx.store, cardId, page))
  }),
  memberAdjust: admin(
    async (i, ctx) =>
      adjustMember(
        ctx.store,
        ctx.wx(),
        { ...i, bonusDelta: i.bonusDelta ?? undefined, balanceDelta: i.balanceDelta ?? undefined },
        syncOptions(),
      ),
    (i) => ({
      target: `${String(i.cardId)}:${String(i.code)}`,
      reason: `points ${String(i.bonusDelta ?? 0)}, fen ${String(i.balanceDelta ?? 0)}: ${String(i.reason)}`,
    }),
  ),
  memberSetLevel: admin(
    async (i, ctx) => {
      return setLevel(ctx.store, ctx.wx(), i.cardId, i.code, i.level, syncOptions())
    },
    (i) => ({ target: `${String(i.cardId)}:${String(i.code)}`, reason: `level ${String(i.level)}` }),
  ),
  // ---------- pay-then-member rules (member-card-management §8.4) ----------
  payGiftRuleAdd: admin(
    async (i, ctx) => {
      const r = await ctx.wx().payGiftCard.add(wechatBody<PayGiftCardRule>(i.rule))
      return { ruleId: r.rule_id, succMchidList: r.succ_mchid_list ?? [], failMchidList: r.fail_mchid_list ?? [] }
    },
    (_i, r) => ({ target: `rule ${String(r.ruleId)}` }),
  ),
  payGiftRuleDelete: admin(
    async (i, ctx) => {
      await ctx.wx().payGiftCard.delete(i.ruleId)
      return { ruleId: i.ruleId }
    },
    (i) => ({ target: `rule ${String(i.ruleId)}` }),
  ),
  payGiftRuleGet: admin(async (i, ctx) => ({ rule: (await ctx.wx().payGiftCard.getById(i.ruleId)).rule_info })),
  payGiftRuleList: admin(async (i, ctx) => {
    const r = await ctx.wx().payGiftCard.batchGet({
      type: 'RULE_TYPE_PAY_MEMBER_CARD',
      effective: i.effective === true,
      offset: i.offset ?? 0,
      count: i.count ?? 20,
    })
    return { rules: r.rule_list, total: r.total_count }
  }),
} satisfies Partial<Actions<typeof merchant>>
