// What WeChat's card events do to our records. Each handler is idempotent and order-independent:
// - user_get_card: records (saOpenid, card_id, code) and joins it to the Mini Program openid, by an
//   earlier join or by unionid; from a friend (IsGiveByFriend=1) the balance moves from the old code to
//   the friend's code and the old code is retired (DELETE is final: no later event revives it).
// - user_gifting_card: GIFTING while a gift is pending; back to NORMAL when it returns (IsReturnBack=1).
// - user_del_card → DELETE; user_consume_card → CONSUMED; card_pass_check / card_not_pass_check →
//   the definition's review status.
import { Collections } from '../store/collections'
import type { Store } from '../store/port'
import type { WechatClient } from '../wechat/client'
import type { CardEvent, CardEventOf } from '../wechat/events'
import { syncCard, type SyncOptions } from './balance-sync'
import { ensureFunded } from './card-bag'
import type { GiftCardDoc } from './gift-cards'
import { learnIdentity, mpOpenidOf } from './identities'
import { transfer } from './ledger'
import { withConflictRetry } from './retry'
import { newUserCard, userCardId, type UserCardDoc, type UserCardStatus } from './user-cards'

async function upsertHolder(store: Store, cardId: string, code: string, holder: { saOpenid: string; unionid?: string; mpOpenid?: string }, copyFrom?: UserCardDoc): Promise<UserCardDoc> {
  const id = userCardId(cardId, code)
  const def = await store.get<GiftCardDoc>(Collections.giftCards, cardId)
  return withConflictRetry(() =>
    store.transaction(async (tx) => {
      const cur = await tx.get<UserCardDoc>(Collections.userCards, id)
      if (!cur) {
        // user_get_card says the code is NORMAL in this person's bag as of now.
        const doc = newUserCard(cardId, code, {
          checkedAt: Date.now(),
          saOpenid: holder.saOpenid,
          ...(holder.unionid ? { unionid: holder.unionid } : {}),
          ...(holder.mpOpenid ? { mpOpenid: holder.mpOpenid } : {}),
          title: copyFrom?.title ?? def?.title ?? '',
          beginTime: copyFrom?.beginTime ?? def?.beginTime ?? 0,
          endTime: copyFrom?.endTime ?? def?.endTime ?? 0,
          ...(copyFrom?.orderId ? { orderId: copyFrom.orderId } : {}),
          ...((copyFrom?.backgroundPicUrl ?? def?.backgroundPicUrl) ? { backgroundPicUrl: copyFrom?.backgroundPicUrl ?? def?.backgroundPicUrl } : {}),
        })
        await tx.insert(Collections.userCards, doc)
        return doc
      }
      const patch: Partial<UserCardDoc> = { saOpenid: holder.saOpenid, updatedAt: Date.now() }
      if (holder.unionid && !cur.unionid) patch.unionid = holder.unionid
      if (holder.mpOpenid && !cur.mpOpenid) patch.mpOpenid = holder.mpOpenid
      await tx.update(Collections.userCards, id, patch)
      return { ...cur, ...patch }
    }),
  )
}

async function setStatus(store: Store, id: string, status: UserCardStatus, unlessIn: UserCardStatus[] = ['DELETE']): Promise<void> {
  const cur = await store.get<UserCardDoc>(Collections.userCards, id)
  if (!cur || unlessIn.includes(cur.status)) return
  await store.updateIf(Collections.userCards, id, { status: cur.status }, { status, updatedAt: Date.now() })
}

async function onUserGetCard(store: Store, wx: WechatClient, ev: CardEventOf<'user_get_card'>, sync: SyncOptions): Promise<void> {
  const cardId = ev.CardId ?? ''
  const code = ev.UserCardCode ?? ''
  const saOpenid = ev.FromUserName
  const unionid = ev.UnionId || undefined
  const mpOpenid = await mpOpenidOf(store, saOpenid, unionid)
  const fromFriend = ev.IsGiveByFriend === 1 && !!ev.OldUserCardCode
  const oldId = fromFriend ? userCardId(cardId, ev.OldUserCardCode!) : undefined
  const old = oldId ? await store.get<UserCardDoc>(Collections.userCards, oldId) : null
  const card = await upsertHolder(store, cardId, code, { saOpenid, unionid, mpOpenid }, old ?? undefined)
  if (card.mpOpenid) await learnIdentity(store, saOpenid, { mpOpenid: card.mpOpenid, unionid })
  if (fromFriend && oldId !== card._id) {
    // The friend's new code takes the balance; the giver's code is retired.
    await transfer(store, oldId!, card._id, card._id)
    await store.update(Collections.userCards, oldId!, { status: 'DELETE', updatedAt: Date.now() })
    await syncCard(store, wx, card._id, sync)
  } else if (fromFriend) {
    // A custom code moves as it is: same record, new holder (the giver's mapping no longer applies).
    await store.update(Collections.userCards, card._id, { saOpenid, ...(mpOpenid ? { mpOpenid } : { mpOpenid: '' }), status: 'NORMAL' })
  } else {
    await ensureFunded(store, wx, card._id, sync)
  }
}

/** Applies one card event; safe to call again for the same event. */
export async function applyCardEvent(store: Store, wx: WechatClient, ev: CardEvent, sync: SyncOptions = {}): Promise<void> {
  switch (ev.Event) {
    case 'user_get_card':
      return onUserGetCard(store, wx, ev, sync)
    case 'user_gifting_card': {
      const id = userCardId(ev.CardId ?? '', ev.UserCardCode ?? '')
      return setStatus(store, id, ev.IsReturnBack === 1 ? 'NORMAL' : 'GIFTING', ['DELETE'])
    }
    case 'user_del_card':
      return setStatus(store, userCardId(ev.CardId ?? '', ev.UserCardCode ?? ''), 'DELETE', [])
    case 'user_consume_card':
      return setStatus(store, userCardId(ev.CardId ?? '', ev.UserCardCode ?? ''), 'CONSUMED', ['DELETE'])
    case 'card_pass_check':
    case 'card_not_pass_check':
      await store.update(Collections.giftCards, ev.CardId ?? '', { reviewStatus: ev.Event === 'card_pass_check' ? 'APPROVED' : 'REJECTED', updatedAt: Date.now() })
      return
    default:
      return
  }
}
