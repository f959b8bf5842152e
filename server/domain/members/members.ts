// Members: a member card in one person's card bag (a user card with `member: true`, its stored value in
// the balance ledger, its points in the points ledger) and its member record (membership number,
// activation, the activation form's values). Join → wx.addCard → recordAdded (or the user_get_card push,
// whichever comes first) → activate in our page → points and stored value.
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { findPage, type PageRequest } from '../../store/pages'
import { buildCardExt, signingTicket } from '../../wechat/card-ext'
import type { WechatClient } from '../../wechat/client'
import type { SyncOptions } from '../../platform/settings'
import { syncCard } from '../sync/balance-sync'
import { learnIdentity, type Holder } from '../cards/identities'
import { membershipNumberFor, toMemberView, type MemberDoc, type MemberView } from '../cards/member-records'
import { postIn } from '../ledgers/ledger'
import { memberCardDef, pointsForSpend, requireMemberCard, type MemberCardDoc } from '../catalog/member-cards'
import { postPoints, postPointsIn } from '../ledgers/member-points'
import { withConflictRetry } from '../../store/retry'
import { cardOf, newUserCard, userCardId, type UserCardDoc } from '../cards/user-cards'
import { clock } from '../../clock'

// ---------- joining ----------

/** member.join: a cardExt for wx.addCard, signed for the caller (outer_str "member" marks the channel). */
export async function join(store: Store, wx: WechatClient, mpOpenid: string, cardId: string, renewTicket = false) {
  const def = await memberCardDef(store, cardId)
  if (!def || !def.offered) throw new AppError(ErrCode.NOT_FOUND, `no member card ${cardId} is offered`)
  const held = await store.find<UserCardDoc>(Collections.userCards, { mpOpenid, cardId, member: true }, { limit: 10 })
  if (held.some((c) => c.status === 'NORMAL')) throw new AppError(ErrCode.CONFLICT, 'you are already a member of this card')
  const apiTicket = await signingTicket(wx.cardTicket, renewTicket)
  return { cardList: [{ cardId, cardExt: buildCardExt({ apiTicket, cardId, outerStr: 'member' }).cardExt }] }
}

/**
 * Records a member card in someone's bag: from recordAdded (with the Mini Program openid) or from the
 * user_get_card push (with the Service Account openid), whichever comes first; the other completes it.
 * A member card has no entitlement: it is free, and worth nothing until recharged.
 */
export async function upsertMemberCard(
  store: Store,
  cardId: string,
  code: string,
  holder: Holder & { saOpenid?: string },
  restore = false,
): Promise<UserCardDoc> {
  const def = await requireMemberCard(store, cardId)
  const id = userCardId(cardId, code)
  const card = await withConflictRetry(() =>
    store.transaction(async (tx) => {
      const cur = await tx.get<UserCardDoc>(Collections.userCards, id)
      if (!cur) {
        const doc = newUserCard(cardId, code, {
          member: true,
          bonus: 0,
          funded: true,
          title: def.title,
          checkedAt: clock.now(),
          beginTime: def.dateInfo.begin_timestamp ?? 0,
          endTime: def.dateInfo.end_timestamp ?? 0,
          ...(holder.saOpenid ? { saOpenid: holder.saOpenid } : {}),
          ...(holder.mpOpenid ? { mpOpenid: holder.mpOpenid } : {}),
          ...(holder.unionid ? { unionid: holder.unionid } : {}),
          ...(def.backgroundPicUrl ? { backgroundPicUrl: def.backgroundPicUrl } : {}),
        })
        await tx.insert(Collections.userCards, doc)
        return doc
      }
      if (holder.mpOpenid && cur.mpOpenid && cur.mpOpenid !== holder.mpOpenid)
        throw new AppError(ErrCode.FORBIDDEN, `member card ${cardId} with that code belongs to someone else`)
      const patch: Partial<UserCardDoc> = { member: true, updatedAt: clock.now() }
      if (holder.saOpenid && !cur.saOpenid) patch.saOpenid = holder.saOpenid
      if (holder.mpOpenid && !cur.mpOpenid) patch.mpOpenid = holder.mpOpenid
      if (holder.unionid && !cur.unionid) patch.unionid = holder.unionid
      // IsRestoreMemberCard=1: the person took back a member card they had deleted, with its old code,
      // points and balance: it is theirs again (and WeChat is told the values we hold).
      if (restore && cur.status === 'DELETE')
        Object.assign(patch, {
          status: 'NORMAL',
          checkedAt: clock.now(),
          ...(cur.version > 0 ? { dirty: true, syncedVersion: Math.min(cur.syncedVersion, cur.version - 1) } : {}),
        })
      await tx.update(Collections.userCards, id, patch)
      return { ...cur, ...patch }
    }),
  )
  if (card.saOpenid && card.mpOpenid) await learnIdentity(store, card.saOpenid, { mpOpenid: card.mpOpenid, unionid: card.unionid })
  return card
}

// ---------- activation ----------

export interface ActivateInput {
  cardId: string
  code: string
  phone: string
  name?: string
  birthday?: string
}

/**
 * member.activate: validated, then card/membercard/activate with our membership number (the same one on
 * a retry), then the activation points (bonus_rule.init_increase_bonus) once, then WeChat shows them.
 */
export async function activate(store: Store, wx: WechatClient, mpOpenid: string, input: ActivateInput, sync: SyncOptions = {}) {
  const card = await cardOf(store, mpOpenid, input.cardId, input.code)
  if (!card.member) throw new AppError(ErrCode.INVALID_ARGUMENT, 'cardId is not a member card')
  if (card.status !== 'NORMAL') throw new AppError(ErrCode.CONFLICT, `the member card is ${card.status}`)
  const def = await requireMemberCard(store, input.cardId)
  if (def.activationFields.includes('name') && !input.name) throw new AppError(ErrCode.INVALID_ARGUMENT, 'name is required by this card')
  if (def.activationFields.includes('birthday') && !input.birthday)
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'birthday is required by this card')
  const id = card._id
  const number = membershipNumberFor(card.cardId, card.code)
  const existing = await store.get<MemberDoc>(Collections.members, id)
  if (existing?.activated) return { membershipNumber: existing.membershipNumber }
  const now = clock.now()
  await store.set<MemberDoc>(Collections.members, {
    ...(existing ?? {}),
    _id: id,
    cardId: card.cardId,
    code: card.code,
    mpOpenid,
    membershipNumber: number,
    activated: false,
    phone: input.phone,
    ...(input.name ? { name: input.name } : {}),
    ...(input.birthday ? { birthday: input.birthday } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  })
  await wx.memberCard.activate({ card_id: card.cardId, code: card.code, membership_number: number })
  await store.updateIf(Collections.members, id, { activated: false }, { activated: true, activatedAt: clock.now(), updatedAt: clock.now() })
  const init = def.supplyBonus ? (def.bonusRule.init_increase_bonus ?? 0) : 0
  if (init > 0) await postPoints(store, { card: id, kind: 'activate', amount: init, entryId: `activate:${id}`, reason: '开卡赠送积分' })
  await syncCard(store, wx, id, sync)
  return { membershipNumber: number }
}

// ---------- the member's view ----------

export async function mine(store: Store, mpOpenid: string): Promise<{ members: MemberView[] }> {
  const cards = (
    await store.find<UserCardDoc>(
      Collections.userCards,
      { mpOpenid, member: true },
      { orderBy: { field: 'updatedAt', direction: 'desc' }, limit: 100 },
    )
  ).filter((c) => c.status !== 'DELETE')
  const members = await Promise.all(
    cards.map(async (c) => {
      const [def, m] = await Promise.all([memberCardDef(store, c.cardId), store.get<MemberDoc>(Collections.members, c._id)])
      return toMemberView(def, c, m)
    }),
  )
  return { members }
}

/** Member cards the merchant offers (the join page). */
export async function offered(store: Store) {
  const defs = await store.find<MemberCardDoc>(
    Collections.memberCards,
    { offered: true },
    { orderBy: { field: 'createdAt', direction: 'desc' }, limit: 50 },
  )
  return {
    cards: defs.map((d) => ({
      cardId: d.cardId,
      title: d.title,
      brandName: d.brandName,
      prerogative: d.prerogative,
      supplyBonus: d.supplyBonus,
      supplyBalance: d.supplyBalance,
      levels: d.levels,
      activationFields: d.activationFields,
      ...(d.backgroundPicUrl ? { backgroundPicUrl: d.backgroundPicUrl } : {}),
    })),
  }
}

// ---------- points at checkout ----------

/**
 * Points a member earns for spending `fen` of the card's stored value under `orderId` (bonus_rule),
 * once per order. Nothing for a card without points or not activated.
 */
export async function earnForSpend(store: Store, card: UserCardDoc, fen: number, orderId: string): Promise<number> {
  if (!card.member) return 0
  const [def, m] = await Promise.all([memberCardDef(store, card.cardId), store.get<MemberDoc>(Collections.members, card._id)])
  if (!def?.supplyBonus || !m?.activated) return 0
  const points = pointsForSpend(def.bonusRule, fen)
  if (points <= 0) return 0
  await postPoints(store, { card: card._id, kind: 'earn', amount: points, entryId: `earn:${orderId}`, orderId, reason: '消费赠送积分' })
  return points
}

// ---------- the merchant ----------

export async function findMember(store: Store, wx: WechatClient, by: { phone?: string; code?: string; cardId?: string }) {
  let m: MemberDoc | null = null
  let card: UserCardDoc | null = null
  if (by.phone) {
    const hits = await store.find<MemberDoc>(
      Collections.members,
      { phone: by.phone, ...(by.cardId ? { cardId: by.cardId } : {}) },
      { limit: 2 },
    )
    if (hits.length > 1 && !by.cardId) throw new AppError(ErrCode.CONFLICT, 'that phone is a member of several cards: give cardId too')
    m = hits[0] ?? null
    if (m) card = await store.get<UserCardDoc>(Collections.userCards, m._id)
  } else if (by.code) {
    const hits = await store.find<UserCardDoc>(
      Collections.userCards,
      { code: by.code, member: true, ...(by.cardId ? { cardId: by.cardId } : {}) },
      { limit: 2 },
    )
    card = hits[0] ?? null
    if (card) m = await store.get<MemberDoc>(Collections.members, card._id)
  }
  if (!card) throw new AppError(ErrCode.NOT_FOUND, 'no member with that phone or code')
  const def = await memberCardDef(store, card.cardId)
  // WeChat's side of the member (card/membercard/userinfo/get) beside ours: the merchant sees both.
  const wechat = await wx.memberCard.userInfoGet({ card_id: card.cardId, code: card.code }).then(
    (r) => ({
      membershipNumber: r.membership_number,
      bonus: r.bonus,
      balance: r.balance ?? 0,
      hasActive: r.has_active === true,
      userCardStatus: r.user_card_status,
      userInfo: r.user_info,
      nickname: r.nickname,
    }),
    (err: Error) => ({ error: err.message }),
  )
  return {
    member: {
      ...toMemberView(def, card, m),
      ...(m?.phone ? { phone: m.phone } : {}),
      ...(m?.name ? { name: m.name } : {}),
      ...(m?.birthday ? { birthday: m.birthday } : {}),
      ...(m?.activatedAt ? { activatedAt: m.activatedAt } : {}),
      wechat,
    },
  }
}

/** Members newest change first, a page at a time. */
export async function listMembers(store: Store, cardId: string | undefined, page: PageRequest) {
  const filter = { member: true, ...(cardId ? { cardId } : {}) }
  const [{ docs: cards, next }, total] = await Promise.all([
    findPage<UserCardDoc>(store, Collections.userCards, filter, { field: 'updatedAt', direction: 'desc' }, page),
    store.count(Collections.userCards, filter),
  ])
  const members = await Promise.all(
    cards.map(async (c) => {
      const [def, m] = await Promise.all([memberCardDef(store, c.cardId), store.get<MemberDoc>(Collections.members, c._id)])
      return { ...toMemberView(def, c, m), ...(m?.phone ? { phone: m.phone } : {}) }
    }),
  )
  return { members, total, ...(next ? { next } : {}) }
}

export interface AdjustInput {
  cardId: string
  code: string
  bonusDelta?: number
  balanceDelta?: number
  key: string
  reason: string
}

/**
 * merchant.memberAdjust: points and/or stored value in one transaction, once per key (a replay with other
 * amounts is refused), then WeChat shows the full values.
 */
export async function adjustMember(store: Store, wx: WechatClient, input: AdjustInput, sync: SyncOptions = {}) {
  if (!input.bonusDelta && !input.balanceDelta)
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'bonusDelta or balanceDelta must be a non-zero number')
  const id = userCardId(input.cardId, input.code)
  const def = await requireMemberCard(store, input.cardId)
  if (input.bonusDelta && !def.supplyBonus)
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'bonusDelta: this card has no points (supply_bonus)')
  if (input.balanceDelta && !def.supplyBalance)
    throw new AppError(ErrCode.INVALID_ARGUMENT, 'balanceDelta: this card has no stored value (supply_balance)')
  const guard = (c: UserCardDoc) => {
    if (!c.member) throw new AppError(ErrCode.NOT_FOUND, `no member card ${input.cardId} with that code`)
    if (c.status === 'DELETE' || c.status === 'UNAVAILABLE') throw new AppError(ErrCode.CONFLICT, `the card is ${c.status}`)
  }
  await withConflictRetry(() =>
    store.transaction(async (tx) => {
      const now = clock.now()
      if (input.bonusDelta)
        await postPointsIn(
          tx,
          { card: id, kind: 'adjust', amount: input.bonusDelta, entryId: `madjust:${input.key}:bonus`, reason: input.reason, guard },
          now,
        )
      else if (await tx.get(Collections.pointsLedger, `madjust:${input.key}:bonus`))
        throw new AppError(ErrCode.CONFLICT, `${input.key} was already used with different details`)
      if (input.balanceDelta) {
        await postIn(
          tx,
          {
            card: id,
            kind: 'adjust',
            amount: input.balanceDelta,
            entryId: `madjust:${input.key}:balance`,
            description: input.reason,
            guard,
            sameAs: (e) => e.card === id && e.amount === input.balanceDelta,
          },
          now,
        )
      } else if (await tx.get(Collections.ledger, `madjust:${input.key}:balance`))
        throw new AppError(ErrCode.CONFLICT, `${input.key} was already used with different details`)
    }),
  )
  await syncCard(store, wx, id, sync)
  const card = (await store.get<UserCardDoc>(Collections.userCards, id))!
  return { bonus: card.bonus ?? 0, balance: card.balance }
}

export async function setLevel(store: Store, wx: WechatClient, cardId: string, code: string, level: string | null, sync: SyncOptions = {}) {
  const id = userCardId(cardId, code)
  const [def, card] = await Promise.all([requireMemberCard(store, cardId), store.get<UserCardDoc>(Collections.userCards, id)])
  if (!card?.member) throw new AppError(ErrCode.NOT_FOUND, `no member card ${cardId} with that code`)
  if (level !== null && !def.levels.some((l) => l.name === level))
    throw new AppError(ErrCode.INVALID_ARGUMENT, `level must be one of ${def.levels.map((l) => l.name).join(', ') || '(no levels)'}`)
  const now = clock.now()
  const m = await store.get<MemberDoc>(Collections.members, id)
  await store.set<MemberDoc>(Collections.members, {
    ...(m ?? { _id: id, cardId, code, membershipNumber: '', activated: false, createdAt: now }),
    ...(card.mpOpenid ? { mpOpenid: card.mpOpenid } : {}),
    ...(level === null ? { level: '' } : { level }),
    updatedAt: now,
  })
  // The level shows in WeChat (custom_field_value1): one version more, so the sync sends it.
  await withConflictRetry(() =>
    store.transaction(async (tx) => {
      const c = (await tx.get<UserCardDoc>(Collections.userCards, id))!
      await tx.update(Collections.userCards, id, { version: c.version + 1, dirty: true, updatedAt: now })
    }),
  )
  await syncCard(store, wx, id, sync)
  return {
    level: toMemberView(
      def,
      (await store.get<UserCardDoc>(Collections.userCards, id))!,
      await store.get<MemberDoc>(Collections.members, id),
    ).level,
  }
}

// ---------- what the member-card events do ----------

/** submit_membercard_user_info: WeChat's own form was filled in (wx_activate): keep its values and the activation. */
export async function onMemberFormSubmitted(
  store: Store,
  wx: WechatClient,
  cardId: string,
  code: string,
  sync: SyncOptions = {},
): Promise<void> {
  const def = await memberCardDef(store, cardId)
  if (!def) return
  const info = await wx.memberCard.userInfoGet({ card_id: cardId, code })
  const id = userCardId(cardId, code)
  const fields = info.user_info?.common_field_list ?? []
  const value = (flag: string) => fields.find((f) => f.name === flag)?.value
  const now = clock.now()
  const m = await store.get<MemberDoc>(Collections.members, id)
  const phone = value('USER_FORM_INFO_FLAG_MOBILE')
  const name = value('USER_FORM_INFO_FLAG_NAME')
  const birthday = value('USER_FORM_INFO_FLAG_BIRTHDAY')
  await store.set<MemberDoc>(Collections.members, {
    ...(m ?? { _id: id, cardId, code, createdAt: now }),
    membershipNumber: info.membership_number || m?.membershipNumber || '',
    activated: info.has_active === true || !!m?.activated,
    ...(info.has_active && !m?.activatedAt ? { activatedAt: now } : {}),
    ...(phone ? { phone } : {}),
    ...(name ? { name } : {}),
    ...(birthday ? { birthday } : {}),
    wxForm: fields,
    updatedAt: now,
  } as MemberDoc)
  const init = def.supplyBonus ? (def.bonusRule.init_increase_bonus ?? 0) : 0
  if (info.has_active && init > 0 && (await store.get(Collections.userCards, id))) {
    await postPoints(store, { card: id, kind: 'activate', amount: init, entryId: `activate:${id}`, reason: '开卡赠送积分' })
    await syncCard(store, wx, id, sync)
  }
}

/**
 * update_member_card: WeChat says the points or balance changed. We are the book of record: if WeChat
 * shows other values than ours (a change made elsewhere), the card is marked for the sync, which sends ours.
 */
export async function onMemberCardUpdated(
  store: Store,
  wx: WechatClient,
  cardId: string,
  code: string,
  sync: SyncOptions = {},
): Promise<void> {
  const id = userCardId(cardId, code)
  const card = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!card?.member || card.status !== 'NORMAL') return
  const info = await wx.memberCard.userInfoGet({ card_id: cardId, code })
  if (info.bonus === (card.bonus ?? 0) && (info.balance ?? 0) === card.balance) return
  if (card.syncedVersion >= card.version)
    await store.updateIf(Collections.userCards, id, { version: card.version }, { syncedVersion: card.version - 1, dirty: true })
  await syncCard(store, wx, id, sync)
}

/** A checkout whose card leg was a member card's stored value, once paid: points on its whole total (the cron shows them in WeChat). */
export async function earnForCheckout(
  store: Store,
  order: { _id: string; totalFee: number; cardLeg?: { cardId: string; code: string; amount: number } },
): Promise<number> {
  if (!order.cardLeg) return 0
  const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(order.cardLeg.cardId, order.cardLeg.code))
  if (!card?.member) return 0
  return earnForSpend(store, card, order.cardLeg.amount + order.totalFee, order._id)
}
