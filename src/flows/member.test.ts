import { cloudHandlers, resetTaroStub } from '../../test/stubs/taro'
import { payableMemberCards } from './member'

beforeEach(resetTaroStub)

const m = {
  cardId: 'pM',
  code: '8123',
  title: '星河会员卡',
  membershipNumber: '8',
  activated: true,
  bonus: 0,
  balance: 100,
  level: '银卡',
  status: 'NORMAL',
  prerogative: '',
  supplyBonus: true,
  supplyBalance: true,
  activationFields: ['phone'],
}

test('only activated member cards with stored value pay at checkout, titled with their level', async () => {
  cloudHandlers.set('member', () => ({
    errcode: 0,
    members: [m, { ...m, code: '2', activated: false }, { ...m, code: '3', balance: 0 }, { ...m, code: '4', status: 'DELETE' }],
  }))
  expect(await payableMemberCards()).toEqual([
    { cardId: 'pM', code: '8123', title: '星河会员卡 · 银卡', balance: 100, status: 'NORMAL', beginTime: 0, endTime: 0 },
  ])
})
