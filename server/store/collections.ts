// Every collection the product keeps, created on first use by each function instance.
export const Collections = {
  /** One card in one person's bag: (cardId, code) with owner identities, status and balance. */
  userCards: 'user_cards',
  /** Gift-card definitions the merchant created (card_id, title, price, on sale). */
  giftCards: 'gift_cards',
  shelves: 'shelves',
  orders: 'orders',
  ledger: 'ledger',
  /** Pushed events, stored before they are acknowledged. */
  events: 'events',
  /** access_token and api_ticket shared by every function instance, with their refresh leases. */
  credentials: 'credentials',
  /** The last outcome of each timer-driven upkeep run. */
  upkeepRuns: 'upkeep_runs',
} as const

export type CollectionName = (typeof Collections)[keyof typeof Collections]
