// The indexes every query the product runs needs, by collection: fields in the order of the index
// (equality fields first, then the sort or range field). In a deployed environment the merchant creates
// them once in the Cloud Development console (数据库 → 集合 → 索引管理), as README says; the local cloud
// creates them itself. A query without its index scans the whole collection on every call.
import { Collections } from './collections'

export const INDEXES: Record<string, string[][]> = {
  [Collections.userCards]: [
    ['mpOpenid', 'updatedAt'], // card.listMine
    ['unionid'], // adoption by unionid
    ['dirty'], // cron: balances WeChat has not confirmed
    ['status', 'checkedAt'], // cron: status reconciliation
    ['refundPending'],
  ],
  [Collections.ledger]: [
    ['card', 'version'], // history, ledger sums
    ['pending', 'leaseUntil'], // cron: spends a crash left pending
  ],
  [Collections.entitlements]: [
    ['mpOpenid', 'status', 'cardId'], // paid cards not added yet; recordAdded without a cardExt
    ['orderId'],
  ],
  [Collections.events]: [['processed', 'receivedAt']],
  [Collections.gifts]: [['senderMpOpenid', 'createdAt'], ['claimerMpOpenid', 'claimedAt'], ['orderId', 'status'], ['status', 'expiresAt']],
  [Collections.orders]: [['status', 'kind', 'createdAt'], ['kind', 'status', 'expiresAt']],
  [Collections.shelfOrders]: [['recordedAt']],
  [Collections.pushNonces]: [['at']],
  [Collections.couponClaimSlots]: [['cardId', 'mpOpenid', 'requestId']], // card.claim: a person's slots, and the one a requestId took
}
