import { loadConfig } from '../config'
import { AppError, ErrCode } from '../errors'
import { Collections } from '../store/collections'
import type { Store } from '../store/port'

/** Only openids listed in MERCHANT_ADMIN_OPENIDS may run merchant operations. */
export function assertMerchantAdmin(openid: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const admins = loadConfig(env).merchantAdminOpenids
  if (!openid || !admins.includes(openid)) {
    throw new AppError(ErrCode.FORBIDDEN, 'merchant operations are allowed only for openids in MERCHANT_ADMIN_OPENIDS')
  }
  return openid
}

export async function overview(store: Store) {
  const [cards, shelves, orders] = await Promise.all([
    store.count(Collections.giftCards, {}),
    store.count(Collections.shelves, {}),
    store.count(Collections.orders, {}),
  ])
  return { cards, shelves, orders }
}
