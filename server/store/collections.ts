// Every collection the product keeps, created on first use by each function instance.
export const Collections = {
  /** One card in one person's bag: (cardId, code) with owner identities, status and balance. */
  userCards: 'user_cards',
  /** Gift-card definitions the merchant created (card_id, title, price, on sale). */
  giftCards: 'gift_cards',
  shelves: 'shelves',
  /** Mini Program purchases (Cloud Pay) */
  orders: 'orders',
  /** Orders bought on the WeChat-hosted shelf (card/giftcard/order/get) */
  shelfOrders: 'shelf_orders',
  ledger: 'ledger',
  /** Pushed events, stored before they are acknowledged where a record is needed (event-processing.ts processOnArrival). */
  events: 'events',
  /** access_token and api_ticket shared by every function instance, with their refresh leases. */
  credentials: 'credentials',
  /** saOpenid → mpOpenid (and unionid), learned from joins. */
  identities: 'identities',
  /** unionid → mpOpenid, from Mini Program callers' cloud context. */
  mpUnion: 'mp_union',
  /** The cards each paid order entitles its buyer to add to the card bag. */
  entitlements: 'entitlements',
  /** Paid cards given to a friend through a chat (gift function): PENDING → CLAIMED | RETURNED. */
  gifts: 'gifts',
  /** (timestamp, nonce) of every push accepted, so that a signature is never accepted for another body. */
  pushNonces: 'push_nonces',
  /** The last outcome of each timer-driven upkeep run. */
  upkeepRuns: 'upkeep_runs',
  /** Merchant roles granted in the console: openid → admin | staff (configured admins need no record). */
  staff: 'staff',
  /** issue 28: invites an owner made for staff to join by scanning (merchant/invites.ts): OPEN → USED, 10 minutes. */
  staffInvites: 'staff_invites',
  /** One entry per merchant action that changed something: who, what, when, why. */
  auditLog: 'audit_log',
  /** #14: coupons the merchant created (type, terms, claimable, channel, get_limit). */
  coupons: 'coupons',
  /** #14: one claim of a coupon per (person, requestId): SIGNED → ADDED. */
  couponClaims: 'coupon_claims',
  /** #14: coupons held for a checkout until its payment settles: HELD → CONSUMED | RELEASED. */
  couponHolds: 'coupon_holds',
  /** #14: counter redemptions, one per key. */
  redemptions: 'redemptions',
  /** #14: friend-coupon stock price quotes: QUOTED → CONFIRMING → CONFIRMED (coins.ts). */
  coinQuotes: 'coin_quotes',
  /** Member cards the merchant offers (#13): card_id, title, points and stored-value rules, levels. */
  memberCards: 'member_cards',
  /** One member: (card_id, code) with membership number, activation and the activation form's values. */
  members: 'members',
  /** Points ledger: one entry per change of a member card's points, keyed by its idempotency key. */
  pointsLedger: 'points_ledger',
  /** Stored-value recharges of member cards bought with Cloud Pay: CREATED → PAID → CREDITED. */
  memberOrders: 'member_orders',
  /** followups-18: one per coupon claim of a person, `claim:<cardId>:<openid>:<n>` for n < get_limit (coupons/claim-slots.ts). */
  couponClaimSlots: 'coupon_claim_slots',
  /** issue 26: the dashboard's figures of one sealed Beijing day, _id YYYY-MM-DD (merchant/rollups.ts). */
  rollupDays: 'rollup_days',
  /** issue 26: the rollups' cursors: the last day sealed, refunds folded in up to a time. */
  rollupState: 'rollup_state',
} as const

export type CollectionName = (typeof Collections)[keyof typeof Collections]
