// Typed calls to the cloud functions, one per action of ../shared/functions-api.md.
import { callFunction } from './cloud'
import type { Card, Entry, MerchantOverview, ShopItem, WhoAmI } from './types'

export const cardApi = {
  whoami: () => callFunction<WhoAmI>('card', 'whoami'),
  listMine: () => callFunction<{ cards: Card[] }>('card', 'listMine'),
  detail: (cardId: string, code: string) =>
    callFunction<{ card: Card; history: Entry[] }>('card', 'detail', { cardId, code }),
  shop: () => callFunction<{ items: ShopItem[] }>('card', 'shop'),
}

export const merchantApi = {
  overview: () => callFunction<MerchantOverview>('merchant', 'overview'),
}
