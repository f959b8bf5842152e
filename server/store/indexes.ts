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
    ['code'], // merchant: a member or a card found by its code
    ['member', 'cardId', 'updatedAt'], // merchant.memberList
    ['orderId'], // refunds: the cards of an order
    ['status', 'endTime'], // dashboard: the outstanding balance of live cards (one sum)
    ['openKeys'], // cron: one-call spends whose keys a crash left unsettled (money/spend-keys.ts)
    ['parked', 'cardId'], // a gift's old code whose value waits for the friend's code (giftcards/bag-codes.ts)
    ['cardId', 'awaitingSince'], // codes found in a card bag waiting for a parked gift (bag-codes.ts)
  ],
  [Collections.ledger]: [
    ['card', 'version'], // history, ledger sums
    ['pending', 'leaseUntil'], // cron: spends a crash left pending
    ['createdAt'], // merchant: the ledger since a time (export)
    ['kind', 'createdAt'], // rollups: a day's spends, reversals and recharges
  ],
  [Collections.entitlements]: [
    ['mpOpenid', 'status', 'cardId'], // paid cards not added yet; recordAdded without a cardExt
    ['orderId'],
    ['pushedAt'], // merchant self-check: the newest card a push funded (no stored event: event-processing.ts)
  ],
  [Collections.events]: [['processed', 'receivedAt']],
  [Collections.gifts]: [
    ['senderMpOpenid', 'createdAt'],
    ['claimerMpOpenid', 'claimedAt'],
    ['claimers', 'createdAt'], // listReceived: a group gift's claimers (issue 28)
    ['orderId', 'status'],
    ['status', 'expiresAt'],
  ],
  [Collections.orders]: [
    ['status', 'kind', 'createdAt'],
    ['kind', 'status', 'expiresAt'],
    ['status', 'refundCheckedAt'],
    ['status', 'paidAt'],
    ['refundRequestedAt'],
  ], // cron: refunds to ask WeChat Pay about; rollups: a day's sales and refunds
  [Collections.shelfOrders]: [['recordedAt'], ['state', 'updatedAt']], // rollups: shelf orders refunded since a time
  [Collections.pushNonces]: [['at']],
  [Collections.couponClaims]: [
    ['mpOpenid', 'cardId', 'status'], // card.claim: a person's claims of a coupon
    ['cardId', 'createdAt'], // merchant.claimList of one coupon
    ['createdAt'], // merchant.claimList, a page after a cursor
  ],
  [Collections.couponHolds]: [['status']], // cron: coupons held for checkouts
  [Collections.members]: [
    ['phone', 'cardId'], // merchant.memberFind by phone
    ['createdAt'], // rollups: a day's new members
    ['mpOpenid'], // the console names people by their member card (cards/people.ts)
  ],
  [Collections.pointsLedger]: [['card', 'orderId']], // a member card's points
  [Collections.memberOrders]: [['status', 'paidAt'], ['status', 'refundCheckedAt'], ['refundRequestedAt']], // cron: paid recharges not yet credited; refunds to ask about; rollups: a day's refunds
  // The merchant's own definitions are few, but the listings filter them too.
  [Collections.giftCards]: [['onSale']],
  [Collections.coupons]: [['claimable']],
  [Collections.memberCards]: [['offered']],
  [Collections.shelves]: [['maintain']],
  [Collections.auditLog]: [['at']], // merchant.auditList, a page after a cursor
  // rollups: the sealed days of a window are found by _id (the date), the cursor by _id.
  [Collections.couponClaimSlots]: [['cardId', 'mpOpenid', 'requestId']], // card.claim: a person's slots, and the one a requestId took
}
