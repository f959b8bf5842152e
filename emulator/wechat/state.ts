// The shape of the WeChat emulator's state. It is held in memory and kept record by record in SQLite
// (state-store.ts); state-index.ts answers the lookups that would otherwise scan every code.

export interface EmuUser {
  name: string
  mpOpenid: string
  saOpenid: string
  unionid: string
}

export type CubeCounter = 'view' | 'receive' | 'verify' | 'given' | 'expire'
export type CardStatus =
  'CARD_STATUS_NOT_VERIFY' | 'CARD_STATUS_VERIFY_OK' | 'CARD_STATUS_VERIFY_FAIL' | 'CARD_STATUS_DELETE' | 'CARD_STATUS_DISPATCH'
export type CodeStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE'

export interface EmuCard {
  card_id: string
  card_type: string
  /** the body as created/updated (card.<type>) */
  body: Record<string, unknown>
  status: CardStatus
  createdAt: number
  reviewAt: number
  quantity: number
  totalQuantity: number
  /** friend coupons bought with coins */
  isFriendCoupon: boolean
}

export interface EmuCode {
  card_id: string
  code: string
  status: CodeStatus
  /** Service Account openid of the holder */
  openid: string
  /** fen */
  balance: number
  bonus: number
  outerStr?: string
  receivedAt: number
  gifting?: { to: string; since: number }
  /** the code was given to a friend, who received it under a new code: WeChat no longer knows it */
  giftedAway?: boolean
  /** times the card reached this code by 转赠 (max_give_friend_times, gift-card-api.en.txt §6.3) */
  givenTimes?: number
  mark?: { openid: string; until: number }
  /** the openid that consumed a friend coupon online */
  consumedBy?: string
  backgroundPicUrl?: string
  recordBalance?: string
  orderId?: string
  /** member cards (member-card-management §8.1): activated, with the membership number and the form values */
  activated?: boolean
  membershipNumber?: string
  userInfo?: { common_field_list: { name: string; value: string }[]; custom_field_list: { name: string; value: string }[] }
  recordBonus?: string
  customFieldValues?: Record<string, string>
}

export interface EmuOrder {
  order_id: string
  page_id: string
  trans_id: string
  create_time: number
  pay_finish_time: number
  total_price: number
  open_id: string
  accepter_openid: string
  outer_str: string
  is_chat_room: boolean
  status: 'PAID' | 'SENDING' | 'ACCEPTED' | 'RETURNED' | 'REFUND'
  card_list: {
    card_id: string
    price: number
    code: string
    default_gifting_msg: string
    background_pic_url: string
    outer_img_id: string
    accepter_openid: string
  }[]
}

export interface EmuPush {
  id: number
  event: string
  xml: string
  /** the reply that counts as delivered */
  expect: 'giftcard' | 'ordinary'
  attempts: { at: number; status: string; reply: string }[]
  status: 'pending' | 'delivered' | 'failed'
  nextAt: number
  /** deadline: 24 h for gift-card events */
  giveUpAt: number
}

/** A Cloud Pay refund (cloud-pay-refunds.ts): PROCESSING until settleAt (emulated seconds), then its outcome. */
export interface EmuRefund {
  refundFee: number
  refundId: string
  functionName: string
  envId: string
  status: 'PROCESSING' | 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE'
  outcome: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE'
  settleAt: number
  /** whether the result is delivered to functionName */
  notify: boolean
  requestedAt: number
  successTime?: string
}

export interface EmuPrepay {
  outTradeNo: string
  totalFee: number
  functionName: string
  envId: string
  subMchId: string
  body: string
  openid?: string
  paid: boolean
  transactionId?: string
  /** Unix seconds after which it cannot be paid (unifiedOrder's timeExpire) */
  timeExpire?: number
  /** by out_refund_no */
  refunds?: Record<string, EmuRefund>
}

export interface EmuState {
  version: 2
  users: Record<string, EmuUser>
  /** seconds added to the real clock by /__emu/clock */
  clockOffset: number
  tokens: Record<
    string,
    {
      appid: string
      expiresAt: number
      replacedAt?: number
      /** a replaced token works until then (s); default replacedAt + TOKEN_OVERLAP */
      overlapUntil?: number
      stable?: boolean
    }
  >
  tickets: Record<string, { expiresAt: number }>
  quota: Record<string, { day: string; token: number; ticket: number; force?: number; lastForce?: number }>
  cards: Record<string, EmuCard>
  /** key: card_id|code */
  codes: Record<string, EmuCode>
  nonces: Record<string, number>
  whitelist: { openid: string[]; username: string[] }
  pages: Record<string, Record<string, unknown> & { maintain?: boolean }>
  maintainAll: boolean
  payWhitelist: Record<string, string>
  submch: Record<string, string>
  wxa: Record<string, string>
  orders: Record<string, EmuOrder>
  invoice: { paymch?: Record<string, unknown>; authField?: Record<string, unknown>; authData: Record<string, Record<string, unknown>> }
  payGiftRules: Record<string, Record<string, unknown>>
  coins: { activated: boolean; free: number; pay: number; orders: Record<string, Record<string, unknown>> }
  /** card QR codes (card/qrcode/create) by ticket: what a person who scans one receives */
  qrcodes: Record<string, { cards: Record<string, unknown>[]; expiresAt: number; unique: boolean; used: boolean }>
  /** card_id → date → counters */
  /** the data cube by card and date: times per counter, and (users) the distinct openids per counter */
  cube: Record<string, Record<string, Record<CubeCounter, number> & { users?: Partial<Record<CubeCounter, string[]>> }>>
  pushes: EmuPush[]
  /** Cloud Pay prepay orders */
  prepay: Record<string, EmuPrepay>
  seq: number
}

/**
 * A map keyed by ids from requests (card_id, code, order_id…) has no prototype, so an id such as
 * `__proto__` is an ordinary missing key, never Object.prototype.
 */
export function dict<T>(from: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from)
}

/** The state's maps, each kept as one collection of records (state-store.ts). */
export const MAPS = [
  'users',
  'tokens',
  'tickets',
  'quota',
  'cards',
  'codes',
  'nonces',
  'pages',
  'payWhitelist',
  'submch',
  'wxa',
  'orders',
  'payGiftRules',
  'cube',
  'prepay',
  'qrcodes',
] as const

export function withDicts(s: EmuState): EmuState {
  for (const k of MAPS) (s as unknown as Record<string, unknown>)[k] = dict(s[k] as Record<string, unknown>)
  s.invoice.authData = dict(s.invoice.authData)
  s.coins.orders = dict(s.coins.orders)
  return s
}

export function emptyState(): EmuState {
  return withDicts({
    version: 2,
    users: {},
    clockOffset: 0,
    tokens: {},
    tickets: {},
    quota: {},
    cards: {},
    codes: {},
    nonces: {},
    whitelist: { openid: [], username: [] },
    pages: {},
    maintainAll: false,
    payWhitelist: {},
    submch: {},
    wxa: {},
    orders: {},
    invoice: { authData: {} },
    payGiftRules: {},
    coins: { activated: false, free: 0, pay: 0, orders: {} },
    qrcodes: {},
    cube: {},
    pushes: [],
    prepay: {},
    seq: 0,
  })
}
