// The compiled Mini Program (dist/weapp) rendered by WeChat's WXML compiler, its cloud calls answered
// by the real bundled functions in a local cloud.
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { startTestCloud } from '../helpers/cloud'
import { installMiniProgram, until, type Harness } from './harness'

const ALICE = 'oAliceMiniProgramOpenid00001'
let cloud: LocalCloud
let mp: Harness

beforeAll(async () => {
  cloud = await startTestCloud()
  await cloud.db.createCollection('user_cards').catch(() => undefined)
  await cloud.db.collection('user_cards').add({
    data: {
      _id: 'pGift100:800000000001',
      cardId: 'pGift100',
      code: '800000000001',
      mpOpenid: ALICE,
      title: '100元礼品卡',
      balance: 10000,
      status: 'NORMAL',
      beginTime: 0,
      endTime: 0,
      updatedAt: 1,
      funded: true,
      backgroundPicUrl: 'http://127.0.0.1/mmbiz_jpg/demo-face-gold/0',
    },
  })
  await cloud.db.createCollection('gifts').catch(() => undefined)
  const gift = {
    senderMpOpenid: 'oBobMiniProgramOpenid000001',
    from: '鲍勃',
    orderId: 'GC1',
    entitlementId: 'GC1:0',
    cardId: 'pGift100',
    title: '100元礼品卡',
    amount: 10000,
    message: '生日快乐！',
    createdAt: Date.now(),
  }
  await cloud.db
    .collection('gifts')
    .add({ data: { _id: 'GF0123456789abcdef01234567', status: 'PENDING', expiresAt: Date.now() + 86400000, ...gift } })
  await cloud.db
    .collection('gifts')
    .add({ data: { _id: 'GF0123456789abcdef0123456f', status: 'PENDING', expiresAt: Date.now() - 1, ...gift } })
  mp = installMiniProgram(cloud, { openid: ALICE })
})
afterAll(() => cloud.stop())

test('pages/index renders the caller’s cards from card.listMine, and a tap opens the card page', async () => {
  const page = await mp.renderPage('pages/index/index')
  await until(() => page.dom.textContent!.includes('100元礼品卡'), 'the card to render')
  expect(page.dom.textContent).toContain('可用余额')
  expect(page.dom.textContent).toContain('¥100.00')
  expect(page.dom.textContent).toContain('可使用')
  expect(page.dom.textContent).not.toContain(ALICE)
  // card.readBag: the app's launch reads the card bag for codes the server does not know (issue 25 §5).
  expect(mp.calls.map((c) => `${c.name}.${c.data.action}`).sort()).toEqual(['card.listMine', 'card.readBag', 'card.whoami'])

  const tile = page.querySelector('.card-tile')
  expect(tile).not.toBeNull()
  tile!.dispatchEvent('tap')
  await until(() => mp.navigations.length > 0, 'navigation')
  expect(mp.navigations[0]).toBe('/pages/card/index?cardId=pGift100&code=800000000001')
})

test('pages/card reads cardId and code from its query and shows that card', async () => {
  const page = await mp.renderPage('pages/card/index', { cardId: 'pGift100', code: '800000000001' })
  await until(() => page.dom.textContent!.includes('¥100.00'), 'the card detail')
  expect(mp.calls.at(-1)).toEqual({ name: 'card', data: { action: 'detail', cardId: 'pGift100', code: '800000000001' } })
  // The code for a cashier: digits grouped in fours, bars and a QR matrix drawn with views.
  expect(page.dom.textContent).toContain('8000 0000 0001')
  expect(page.dom.textContent).toContain('向收银员出示')
  expect(page.querySelectorAll('.code-dark').length).toBeGreaterThan(100)
})

test('pages/card refuses a card that is not the caller’s', async () => {
  await cloud.db.collection('user_cards').add({
    data: {
      _id: 'pGift100:800000000002',
      cardId: 'pGift100',
      code: '800000000002',
      mpOpenid: 'oSomeoneElse',
      title: 'Not yours',
      balance: 50000,
      status: 'NORMAL',
      beginTime: 0,
      endTime: 0,
      updatedAt: 1,
    },
  })
  const page = await mp.renderPage('pages/card/index', { cardId: 'pGift100', code: '800000000002' })
  await until(() => page.dom.textContent!.includes('这不是你的卡或订单'), 'the refusal')
  expect(page.dom.textContent).not.toContain('¥500.00')
  expect(page.dom.textContent).not.toMatch(/1004|not yours/)
})

test('the merchant subpackage page refuses a non-admin', async () => {
  const page = await mp.renderPage('merchant/pages/home/index')
  await until(() => page.dom.textContent!.includes('你没有商户管理权限'), 'the refusal')
  expect(page.dom.textContent).not.toContain('MERCHANT_ADMIN_OPENIDS')
})

test('pages/claim shows a friend’s gift from gift.get: sender, blessing, amount and a claim button', async () => {
  const page = await mp.renderPage('pages/claim/index', { giftId: 'GF0123456789abcdef01234567' })
  await until(() => page.dom.textContent!.includes('鲍勃 送你一张礼品卡'), 'the gift')
  expect(page.dom.textContent).toContain('生日快乐！')
  expect(page.dom.textContent).toContain('¥100.00')
  expect(page.dom.textContent).toContain('领取到卡包')
})

test('pages/claim explains a gift past its 24 hours', async () => {
  const page = await mp.renderPage('pages/claim/index', { giftId: 'GF0123456789abcdef0123456f' })
  await until(() => page.dom.textContent!.includes('这份礼物已过期，已退回给送礼人'), 'the returned gift')
  expect(page.dom.textContent).not.toContain('领取到卡包')
})

test('pages/order, opened by a shelf cell with order_id and openid (gift-card-api §14.2), shows the caller’s order', async () => {
  const sa = 'oAliceServiceAccountOpenid01'
  await cloud.db.createCollection('shelf_orders').catch(() => undefined)
  await cloud.db.createCollection('identities').catch(() => undefined)
  await cloud.db.collection('identities').add({ data: { _id: sa, mpOpenid: ALICE, updatedAt: 1 } })
  await cloud.db.collection('shelf_orders').add({
    data: {
      _id: 'Z2y2rY4UxUZYitvVGA',
      state: 'ACCEPTED',
      recordedAt: 1,
      updatedAt: 1,
      order: {
        order_id: 'Z2y2rY4UxUZYitvVGA',
        page_id: 'pg',
        trans_id: '4200',
        create_time: 1,
        pay_finish_time: 1,
        total_price: 10000,
        open_id: sa,
        accepter_openid: sa,
        card_list: [{ card_id: 'pGift100', price: 10000, code: '800000000001' }],
      },
    },
  })
  const page = await mp.renderPage('pages/order/index', { order_id: 'Z2y2rY4UxUZYitvVGA', openid: sa })
  await until(() => page.dom.textContent!.includes('订单 Z2y2rY4UxUZYitvVGA'), 'the order')
  expect(page.dom.textContent).toContain('已领取')
  expect(page.dom.textContent).toContain('卡号 800000000001 · 面值 ¥100.00 · 余额 ¥100.00')
  expect(mp.calls.at(-1)).toEqual({ name: 'card', data: { action: 'shelfOrder', orderId: 'Z2y2rY4UxUZYitvVGA', openid: sa } })
})
