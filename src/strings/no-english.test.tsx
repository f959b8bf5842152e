// Every page, in each state a person can meet (loaded, empty, refused, unreachable), shows Chinese
// only: no English word and no errcode, function name or openid reaches the screen, whatever English the
// functions put in errmsg. Identifiers a person may need (order numbers) are upper-case and allowed.
import { act, fireEvent, render } from '@testing-library/react'
import type { ComponentType } from 'react'
import { cloudHandlers, resetTaroStub, setRouterParams, wxHandlers } from '../../test/stubs/taro'
import ConsoleAudit from '../merchant/pages/audit/index'
import ConsoleCardEdit from '../merchant/pages/card-edit/index'
import ConsoleCards from '../merchant/pages/cards/index'
import ConsoleCoins from '../merchant/pages/coins/index'
import ConsoleCouponEdit from '../merchant/pages/coupon-edit/index'
import ConsoleCoupons from '../merchant/pages/coupons/index'
import ConsoleMemberCardEdit from '../merchant/pages/member-card-edit/index'
import ConsolePayGift from '../merchant/pages/pay-gift/index'
import ConsoleCirculation from '../merchant/pages/circulation/index'
import MerchantHome from '../merchant/pages/home/index'
import ConsoleNoAccess from '../merchant/pages/noaccess/index'
import ConsoleOrders from '../merchant/pages/orders/index'
import ConsoleShelves from '../merchant/pages/shelves/index'
import ConsoleStaff from '../merchant/pages/staff/index'
import MemberActivate from '../member/pages/activate/index'
import MemberHome from '../member/pages/index/index'
import MemberRecharge from '../member/pages/recharge/index'
import CardDetail from '../pages/card/index'
import Checkout from '../pages/checkout/index'
import ClaimPage from '../pages/claim/index'
import GiftPage from '../pages/gift/index'
import GiftsPage from '../pages/gifts/index'
import Index from '../pages/index/index'
import OrderDetail from '../pages/order/index'
import Shop from '../pages/shop/index'
import CouponsPage from '../pages/coupons/index'
import RedeemPage from '../merchant/pages/redeem/index'
import { zhCN } from './zh-CN'

/** An English word: two or more lower-case letters (ids and order numbers are upper-case). */
const ENGLISH = /[a-z]{2,}/
const ERRCODE = /errcode|\b1[05]0\d\b/
/**
 * Data, not words, that the merchant console shows on purpose: openids (staff list, audit log, buyers) and
 * card ids in WeChat's format ('o' or 'p' and 27 more id characters). Everything else must be Chinese.
 */
const CONSOLE_DATA = /(?<![A-Za-z0-9_-])[op][A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/g
const CARD_ID = 'pGiftCardId00000000000000001'

const card = {
  cardId: 'pGIFT',
  code: '800000000001',
  title: '100元礼品卡',
  balance: 10000,
  status: 'NORMAL',
  beginTime: 1764000000,
  endTime: 1795536000,
  backgroundPicUrl: 'http://cdn/f',
}
const member = {
  cardId: 'pMEMBER',
  code: '812345678901',
  title: '星河会员卡',
  membershipNumber: '8000000000001',
  activated: true,
  bonus: 50,
  balance: 100,
  level: '银卡',
  status: 'NORMAL',
  prerogative: '会员九五折',
  supplyBonus: true,
  supplyBalance: true,
  activationFields: ['phone', 'name', 'birthday'],
}
const gift = {
  giftId: 'GF1',
  status: 'PENDING',
  from: '爱丽丝',
  message: '生日快乐',
  title: '100元礼品卡',
  amount: 10000,
  cardId: 'p',
  createdAt: 0,
  expiresAt: 1,
  mine: false,
  claimedByMe: false,
  count: 1,
  remaining: 1,
  claims: [],
}

const ok: Record<string, (d: Record<string, unknown>) => unknown> = {
  card: (d) =>
    d.action === 'whoami'
      ? { errcode: 0, openid: 'oAliceOpenid', appid: 'wx', merchant: true }
      : d.action === 'shop'
        ? {
            errcode: 0,
            items: [{ cardId: 'pGIFT', title: '100元礼品卡', price: 10000, faces: ['http://cdn/f'], defaultMessage: '祝你开心' }],
          }
        : d.action === 'shelfOrder'
          ? {
              errcode: 0,
              order: {
                orderId: 'O1',
                state: 'PAID',
                totalPrice: 10000,
                createTime: 0,
                isChatRoom: false,
                cards: [{ cardId: 'p', code: '800000000001', price: 10000, title: '100元礼品卡', balance: 10000, status: 'NORMAL' }],
              },
            }
          : d.action === 'claimables'
            ? {
                errcode: 0,
                items: [
                  {
                    cardId: 'pCASH',
                    type: 'CASH',
                    title: '满100减10',
                    terms: { leastCost: 10000, reduceCost: 1000 },
                    getLimit: 50,
                    fixedTerm: 30,
                  },
                  { cardId: 'pDISC', type: 'DISCOUNT', title: '8.5折券', terms: { discount: 15 }, getLimit: 1, endTime: 1795536000 },
                ],
              }
            : d.action === 'detail'
              ? {
                  errcode: 0,
                  card,
                  history: [
                    {
                      entryId: 'e',
                      kind: 'spend',
                      amount: -100,
                      balanceAfter: 9900,
                      orderId: 'CK1',
                      description: 'card issued',
                      createdAt: 1,
                    },
                  ],
                  total: 1,
                  info: { notice: '使用时出示' },
                }
              : {
                  errcode: 0,
                  cards: [
                    card,
                    { ...card, code: '2', status: 'GIFTED' },
                    {
                      ...card,
                      cardId: 'pCASH',
                      code: '3',
                      type: 'CASH',
                      terms: { leastCost: 10000, reduceCost: 1000 },
                      title: '满100减10',
                      balance: 0,
                    },
                    {
                      ...card,
                      cardId: 'pGIFTC',
                      code: '4',
                      type: 'GIFT',
                      terms: { gift: '音乐木盒一个' },
                      title: '兑换券',
                      balance: 0,
                      status: 'CONSUMED',
                    },
                  ],
                  pending: [{ orderId: 'GC1', cardId: 'pGIFT', title: '100元礼品卡', price: 10000, count: 1 }],
                },
  gift: (d) =>
    d.action === 'get' ? { errcode: 0, gift } : { errcode: 0, gifts: [gift, { ...gift, giftId: 'GF2', status: 'RETURNED', mine: true }] },
  merchant: (d) =>
    d.action === 'whoami'
      ? { errcode: 0, role: 'admin' }
      : d.action === 'overview'
        ? { errcode: 0, cards: 1, shelves: 1, orders: 1 }
        : d.action === 'dashboard'
          ? {
              errcode: 0,
              days: 7,
              sales: [
                { date: '2026-11-26', channel: 'mp', amount: 10000, orders: 1 },
                { date: '2026-11-27', channel: 'shelf', amount: 5000, orders: 1 },
                { date: '2026-11-27', channel: 'checkout', amount: 3000, orders: 1 },
              ],
              redeemed: 100,
              liability: 9900,
              liveCards: 1,
              claimed: 1,
              members: 1,
              cube: false,
            }
          : d.action === 'cardList'
            ? {
                errcode: 0,
                cards: [
                  {
                    cardId: CARD_ID,
                    title: '100元礼品卡',
                    price: 10000,
                    initBalance: 10000,
                    onSale: true,
                    reviewStatus: 'APPROVED',
                    endTime: 1795536000,
                  },
                  { cardId: CARD_ID, title: '50元礼品卡', price: 5000, onSale: false, reviewStatus: 'NOT_APPROVED' },
                ],
              }
            : d.action === 'redeemCheck'
              ? {
                  errcode: 0,
                  check: {
                    cardId: 'pCASH',
                    code: '3',
                    type: 'CASH',
                    title: '满100减10',
                    terms: { leastCost: 10000, reduceCost: 1000 },
                    status: 'CONSUMED',
                    usable: false,
                    reason: 'state CONSUMED',
                    beginTime: 0,
                    endTime: 1795536000,
                  },
                }
              : d.action === 'shelfList'
                ? { errcode: 0, shelves: [{ pageId: 'pg', title: '礼品卡商城', link: '', maintain: true }] }
                : d.action === 'staffList'
                  ? {
                      errcode: 0,
                      staff: [
                        {
                          personId: 'P0123456789ABCDEF',
                          name: '顾客·7F3A',
                          role: 'staff',
                          owner: false,
                          grantedBy: '王小波',
                          grantedAt: 1764000000000,
                        },
                      ],
                    }
                  : d.action === 'auditList'
                    ? {
                        errcode: 0,
                        total: 1,
                        entries: [
                          {
                            at: 1764000000000,
                            by: '顾客·7F3A',
                            action: 'orderRefund',
                            text: '订单 O1 退款 ¥1.00，原因：顾客要求',
                            target: 'O1',
                          },
                          { at: 1764000000000, by: '王小波', action: 'someFutureAction', text: '其他操作', target: CARD_ID },
                        ],
                      }
                    : d.action === 'cardLookup'
                      ? { errcode: 0, cards: [] }
                      : d.action === 'couponList'
                        ? {
                            errcode: 0,
                            coupons: [
                              {
                                cardId: 'pCASH',
                                type: 'CASH',
                                title: '满100减10',
                                terms: { leastCost: 10000, reduceCost: 1000 },
                                friend: false,
                                claimable: true,
                                endTime: 1795536000,
                              },
                              {
                                cardId: 'pFRIEND',
                                type: 'GIFT',
                                title: '咖啡1杯',
                                terms: { gift: '咖啡1杯', friend: true },
                                friend: true,
                                claimable: false,
                                endTime: 0,
                              },
                            ],
                          }
                        : d.action === 'memberCardList'
                          ? { errcode: 0, cards: [{ cardId: 'pMEMBER', title: '星河会员卡' }] }
                          : d.action === 'payGiftRuleList'
                            ? {
                                errcode: 0,
                                total: 1,
                                rules: [
                                  {
                                    type: 'RULE_TYPE_PAY_MEMBER_CARD',
                                    base_info: { mchid_list: ['1900000109'], begin_time: 1764000000, end_time: 1795536000 },
                                    member_rule: { card_id: 'pMEMBER', least_cost: 1, max_cost: 50000 },
                                  },
                                ],
                              }
                            : d.action === 'payGiftRuleAdd'
                              ? { errcode: 0, ruleId: 42, succMchidList: ['1900000109'], failMchidList: [] }
                              : d.action === 'coins'
                                ? { errcode: 0, freeCoin: 200, payCoin: 0, totalCoin: 200 }
                                : d.action === 'coinsActivate'
                                  ? { errcode: 0, reward: 200, freeCoin: 200, payCoin: 0, totalCoin: 200 }
                                  : d.action === 'coinsPrice'
                                    ? { errcode: 0, orderId: 'Q1', price: '20', freeCoin: '20', payCoin: '0', expiresAt: 0 }
                                    : d.action === 'coinsRecharge'
                                      ? { errcode: 0, orderId: 'R1', qrcodeUrl: 'weixin://wxpay/bizpayurl?pr=abc' }
                                      : {
                                          errcode: 0,
                                          total: 1,
                                          orders: [
                                            {
                                              orderId: 'O1',
                                              channel: 'shelf',
                                              state: 'PAY_DONE',
                                              totalPrice: 10000,
                                              buyer: '顾客·7F3A',
                                              at: 1764000000000,
                                              cards: [{ cardId: CARD_ID, code: '800000000001', price: 10000 }],
                                            },
                                          ],
                                        },
  pay: () => ({ errcode: 0 }),
  member: (d) =>
    d.action === 'mine'
      ? { errcode: 0, members: [member] }
      : d.action === 'offered'
        ? {
            errcode: 0,
            cards: [
              {
                cardId: 'pMEMBER',
                title: '星河会员卡',
                brandName: '星河咖啡',
                prerogative: '会员九五折',
                supplyBonus: true,
                supplyBalance: true,
                levels: [],
                activationFields: ['phone'],
              },
            ],
          }
        : d.action === 'history'
          ? {
              errcode: 0,
              points: [{ entryId: 'earn:1', kind: 'earn', amount: 50, bonusAfter: 50, createdAt: 1 }],
              balance: [{ entryId: 'recharge:1', kind: 'recharge', amount: 100, balanceAfter: 100, createdAt: 1 }],
            }
          : d.action === 'recharge'
            ? { errcode: 0, orderId: 'MR1', status: 'CREATED', payment: {} }
            : { errcode: 0, membershipNumber: '8000000000001', cardList: [] },
}

const PAGES: [string, ComponentType, Record<string, string>][] = [
  ['index', Index, {}],
  ['shop', Shop, {}],
  ['card', CardDetail, { cardId: 'pGIFT', code: '800000000001' }],
  ['checkout', Checkout, {}],
  ['gift', GiftPage, { giftId: 'GF1' }],
  ['claim', ClaimPage, { giftId: 'GF1' }],
  ['gifts', GiftsPage, {}],
  ['merchant', MerchantHome, {}],
  ['order', OrderDetail, { order_id: 'O1' }],
  ['coupons', CouponsPage, {}],
  ['redeem', RedeemPage, {}],
  ['console cards', ConsoleCards, {}],
  ['console card-edit', ConsoleCardEdit, {}],
  ['console shelves', ConsoleShelves, {}],
  ['console coupons', ConsoleCoupons, {}],
  ['console coupon-edit', ConsoleCouponEdit, {}],
  ['console coupon-edit (edit)', ConsoleCouponEdit, { cardId: 'pCASH', type: 'CASH' }],
  ['console coins', ConsoleCoins, { cardId: 'pFRIEND' }],
  ['console member-card-edit', ConsoleMemberCardEdit, {}],
  ['console pay-gift', ConsolePayGift, {}],
  ['console orders', ConsoleOrders, {}],
  ['console circulation', ConsoleCirculation, { code: '800000000001' }],
  ['console staff', ConsoleStaff, {}],
  ['console audit', ConsoleAudit, {}],
  ['console noaccess', ConsoleNoAccess, {}],
  ['member', MemberHome, {}],
  ['member-activate', MemberActivate, { cardId: 'pMEMBER', code: '812345678901' }],
  ['member-recharge', MemberRecharge, { cardId: 'pMEMBER', code: '812345678901' }],
]

const REFUSALS: [string, unknown][] = [
  ['loaded', undefined],
  ['forbidden', { errcode: 1004, errmsg: 'card.detail: card pLc is not yours; MERCHANT_ADMIN_OPENIDS' }],
  ['conflict', { errcode: 1006, errmsg: 'insufficient balance' }],
  ['internal', { errcode: 1500, errmsg: 'internal error in card.listMine' }],
  ['wechat', { errcode: 1502, errmsg: 'WeChat: invalid appid', wxErrcode: 40013 }],
  ['unreachable', new Error('network down')],
]

async function settle() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 30))
  })
}

/** The page's text a node at a time (an id is then a whole token, not glued to the date before it). */
function textNodes() {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const parts: string[] = []
  while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '')
  return parts.join('\n')
}

function assertChinese(where: string) {
  const text = where.startsWith('console') ? textNodes().replace(CONSOLE_DATA, '') : (document.body.textContent ?? '')
  const english = ENGLISH.exec(text)
  if (english) throw new Error(`${where}: English on the page: “…${text.slice(Math.max(0, english.index - 20), english.index + 30)}…”`)
  expect(text).not.toMatch(ERRCODE)
  expect(text).not.toContain('oAliceOpenid')
}

beforeEach(() => {
  resetTaroStub()
  jest.spyOn(console, 'warn').mockImplementation(() => undefined)
})
afterEach(() => jest.restoreAllMocks())

describe.each(PAGES)('page %s', (name, Page, query) => {
  test.each(REFUSALS)('%s: Chinese only, no errcode', async (what, answer) => {
    setRouterParams(query)
    for (const [fn, handler] of Object.entries(ok)) {
      cloudHandlers.set(fn, (d) => {
        if (answer === undefined) return handler(d)
        if (answer instanceof Error) throw answer
        return answer
      })
    }
    wxHandlers.addCard = () => {
      throw new Error('cancel')
    }
    wxHandlers.requestPayment = () => {
      throw new Error('requestPayment:fail cancel')
    }
    render(<Page />)
    await settle()
    assertChinese(`${name}/${what}`)
    // Tap every button once (claims, purchases, retries…) and look again.
    for (const b of Array.from(document.querySelectorAll('button'))) {
      fireEvent.click(b)
      await settle()
    }
    assertChinese(`${name}/${what} after taps`)
  })
})

test('every string is Chinese (the strings module itself holds no English sentence)', () => {
  const texts: string[] = []
  const walk = (v: unknown) => {
    if (typeof v === 'string') texts.push(v)
    else if (typeof v === 'function') texts.push(String((v as (...a: unknown[]) => unknown)('X', 'X', 'X', 'X')))
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(zhCN)
  expect(texts.filter((s) => ENGLISH.test(s))).toEqual([])
})
