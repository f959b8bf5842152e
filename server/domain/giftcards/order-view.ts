// The order page the shelf's cells open (gift-card-api §7.2 note 3, §14.2): WeChat appends order_id
// and openid (the buyer's Service Account openid) to the cell's url. The page shows that order to its
// buyer or to the friend who accepted it, and to nobody else: the openid in the URL is only checked
// against the order, never trusted as the caller (anyone can type a URL), so the caller is the Mini
// Program openid of the cloud context, joined to the order's Service Account openids.
import type { ShelfOrderView } from '../../../contract/shelf-order'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store } from '../../store/port'
import { mpOpenidOf } from '../cards/identities'
import type { ShelfOrderDoc } from '../cards/order-types'
import { userCardId, type UserCardDoc } from '../cards/user-cards'

/** card.shelfOrder's answer (contract/shelf-order.ts). */
export type OrderView = ShelfOrderView

export async function shelfOrderForCaller(
  store: Store,
  caller: { mpOpenid: string; unionid?: string },
  orderId: string,
  jumpOpenid?: string,
): Promise<OrderView> {
  const doc = await store.get<ShelfOrderDoc>(Collections.shelfOrders, orderId)
  const notFound = new AppError(ErrCode.NOT_FOUND, `no order ${orderId} of yours`)
  if (!doc) throw notFound
  const o = doc.order
  const parties = [o.open_id, o.accepter_openid, ...o.card_list.map((c) => c.accepter_openid)].filter((x): x is string => !!x)
  if (jumpOpenid && !parties.includes(jumpOpenid)) throw notFound
  let mine = false
  for (const sa of new Set(parties)) if ((await mpOpenidOf(store, sa)) === caller.mpOpenid) mine = true
  if (!mine) throw notFound
  const cards = await Promise.all(
    o.card_list.map(async (c) => {
      const card = await store.get<UserCardDoc>(Collections.userCards, userCardId(c.card_id, c.code))
      return {
        cardId: c.card_id,
        code: c.code,
        price: c.price,
        title: card?.title ?? '',
        balance: card?.balance ?? 0,
        status: card?.status ?? 'GIFTING',
      }
    }),
  )
  return {
    orderId: o.order_id,
    state: doc.state,
    totalPrice: o.total_price,
    createTime: o.create_time,
    isChatRoom: o.IsChatRoom === true || doc.isChatRoom === true,
    cards,
  }
}
