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
    data: { _id: 'pGift100:800000000001', cardId: 'pGift100', code: '800000000001', mpOpenid: ALICE, title: 'Gift 100', balance: 10000, status: 'NORMAL', beginTime: 0, endTime: 0, updatedAt: 1 },
  })
  mp = installMiniProgram(cloud, { openid: ALICE })
})
afterAll(() => cloud.stop())

test('pages/index renders the caller’s cards from card.listMine, and a tap opens the card page', async () => {
  const page = await mp.renderPage('pages/index/index')
  await until(() => page.dom.textContent!.includes('¥100.00'), 'the card to render')
  expect(page.dom.textContent).toContain('Gift 100')
  expect(page.dom.textContent).toContain(`Signed in as ${ALICE}`)
  expect(mp.calls.map((c) => `${c.name}.${c.data.action}`).sort()).toEqual(['card.listMine', 'card.whoami'])

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
})

test('pages/card refuses a card that is not the caller’s', async () => {
  await cloud.db.collection('user_cards').add({
    data: { _id: 'pGift100:800000000002', cardId: 'pGift100', code: '800000000002', mpOpenid: 'oSomeoneElse', title: 'Not yours', balance: 50000, status: 'NORMAL', beginTime: 0, endTime: 0, updatedAt: 1 },
  })
  const page = await mp.renderPage('pages/card/index', { cardId: 'pGift100', code: '800000000002' })
  await until(() => page.dom.textContent!.includes('is not yours'), 'the refusal')
  expect(page.dom.textContent).not.toContain('¥500.00')
})

test('the merchant subpackage page refuses a non-admin', async () => {
  const page = await mp.renderPage('merchant/pages/home/index')
  await until(() => page.dom.textContent!.includes('MERCHANT_ADMIN_OPENIDS'), 'the refusal')
})
