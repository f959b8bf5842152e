// The compiled member subpackage (dist/weapp/member/) rendered by WeChat's WXML compiler, its cloud calls
// answered by the real bundled member function in a local cloud.
import type { LocalCloud } from '../../emulator/cloud/local-cloud'
import { startTestCloud } from '../helpers/cloud'
import { installMiniProgram, until, type Harness } from './harness'

const ALICE = 'oAliceMiniProgramOpenid00001'
const CARD = 'pMember0000000000000000000001'
let cloud: LocalCloud
let mp: Harness

beforeAll(async () => {
  cloud = await startTestCloud()
  const add = async (collection: string, data: Record<string, unknown>) => {
    await cloud.db.createCollection(collection).catch(() => undefined)
    await cloud.db.collection(collection).add({ data })
  }
  await add('member_cards', {
    _id: CARD,
    cardId: CARD,
    title: '星河会员卡',
    brandName: '星河咖啡',
    prerogative: '银卡九五折',
    supplyBonus: true,
    supplyBalance: true,
    bonusRule: { cost_money_unit: 100, increase_bonus: 1 },
    levels: [
      { name: '普通', minBonus: 0 },
      { name: '银卡', minBonus: 100 },
    ],
    activationFields: ['phone', 'name'],
    wxActivate: false,
    autoActivate: false,
    dateInfo: { type: 'DATE_TYPE_PERMANENT' },
    offered: true,
    createdAt: 1,
    updatedAt: 1,
  })
  await add('user_cards', {
    _id: `${CARD}:812345678901`,
    cardId: CARD,
    code: '812345678901',
    mpOpenid: ALICE,
    member: true,
    bonus: 150,
    title: '星河会员卡',
    balance: 15000,
    version: 3,
    syncedVersion: 3,
    status: 'NORMAL',
    beginTime: 0,
    endTime: 0,
    updatedAt: 1,
    funded: true,
  })
  await add('members', {
    _id: `${CARD}:812345678901`,
    cardId: CARD,
    code: '812345678901',
    mpOpenid: ALICE,
    membershipNumber: '8000000000123',
    activated: true,
    phone: '13800138000',
    createdAt: 1,
    updatedAt: 1,
  })
  mp = installMiniProgram(cloud, { openid: ALICE })
})
afterAll(() => cloud.stop())

test('member/pages/index shows the member card: number, level, points, stored value, benefits', async () => {
  const page = await mp.renderPage('member/pages/index/index')
  await until(() => page.dom.textContent!.includes('会员号 8000000000123'), 'the member card')
  const text = page.dom.textContent!
  expect(text).toContain('银卡')
  expect(text).toContain('150')
  expect(text).toContain('¥150.00')
  expect(text).toContain('银卡九五折')
  expect(text).toContain('充值')
  // card.readBag: the app's launch reads the card bag for codes the server does not know (issue 25 §5).
  expect(mp.calls.map((c) => `${c.name}.${c.data.action}`).sort()).toEqual([
    'card.readBag',
    'member.history',
    'member.mine',
    'member.offered',
  ])
})

test('member/pages/activate asks for phone and name (the card asks for both) and birthday as optional', async () => {
  const page = await mp.renderPage('member/pages/activate/index', { cardId: CARD, code: '812345678901' })
  await until(() => page.dom.textContent!.includes('提交并激活'), 'the form')
  const text = page.dom.textContent!
  expect(text).toContain('手机号')
  expect(text).toContain('姓名')
  expect(text).toContain('生日（选填）')
  expect(text).not.toContain('姓名（选填）')
})
