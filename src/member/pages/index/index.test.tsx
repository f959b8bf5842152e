import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, wxHandlers } from '../../../../test/stubs/taro'
import MemberHome from './index'

beforeEach(resetTaroStub)

const offered = {
  cardId: 'pMEMBER',
  title: '星河会员卡',
  brandName: '星河咖啡',
  prerogative: '每消费1元得1积分',
  supplyBonus: true,
  supplyBalance: true,
  levels: [],
  activationFields: ['phone'],
}
const member = {
  cardId: 'pMEMBER',
  code: '812345678901',
  title: '星河会员卡',
  membershipNumber: '8000000000123',
  activated: true,
  bonus: 150,
  balance: 15000,
  level: '银卡',
  status: 'NORMAL',
  prerogative: '银卡九五折',
  supplyBonus: true,
  supplyBalance: true,
  activationFields: ['phone'],
}

test('without a member card: the offered card with 免费加入; joining adds it to the card bag, records it and opens activation', async () => {
  const calls: string[] = []
  cloudHandlers.set('member', (d) => {
    calls.push(String(d.action))
    if (d.action === 'mine') return { errcode: 0, members: [] }
    if (d.action === 'offered') return { errcode: 0, cards: [offered] }
    return { errcode: 0, cardList: [{ cardId: 'pMEMBER', cardExt: '{"signature":"s"}' }] }
  })
  cloudHandlers.set('card', (d) => {
    calls.push(`card.${String(d.action)}`)
    return {
      errcode: 0,
      cards: [{ cardId: 'pMEMBER', code: '812345678901', title: '星河会员卡', balance: 0, status: 'NORMAL', beginTime: 0, endTime: 0 }],
    }
  })
  wxHandlers.addCard = (list) => (list as { cardId: string; cardExt: string }[]).map((c) => ({ ...c, code: 'ENCRYPTED', isSuccess: true }))
  render(<MemberHome />)
  fireEvent.click(await screen.findByText('免费加入'))
  await waitFor(() => expect(navigations).toEqual(['/member/pages/activate/index?cardId=pMEMBER&code=812345678901']))
  expect(calls).toEqual(expect.arrayContaining(['join', 'card.recordAdded']))
})

test('an activated member sees level, points, stored value, benefits and history; 充值 opens the recharge page', async () => {
  cloudHandlers.set('member', (d) =>
    d.action === 'mine'
      ? { errcode: 0, members: [member] }
      : d.action === 'offered'
        ? { errcode: 0, cards: [offered] }
        : {
            errcode: 0,
            points: [{ entryId: 'earn:1', kind: 'earn', amount: 50, bonusAfter: 150, createdAt: Date.UTC(2026, 10, 27, 2) }],
            balance: [
              { entryId: 'recharge:1', kind: 'recharge', amount: 20000, balanceAfter: 20000, createdAt: Date.UTC(2026, 10, 27, 1) },
            ],
          },
  )
  render(<MemberHome />)
  expect(await screen.findByText('会员号 8000000000123')).toBeTruthy()
  expect(screen.getByText('150')).toBeTruthy()
  expect(screen.getByText('¥150.00')).toBeTruthy()
  expect(screen.getAllByText('银卡').length).toBeGreaterThan(0)
  expect(screen.getByText('银卡九五折')).toBeTruthy()
  expect(screen.getByText('+50 积分')).toBeTruthy()
  expect(screen.getByText('+¥200.00')).toBeTruthy()
  expect(screen.queryByText('立即激活')).toBeNull()
  // The member code for the counter (issue 28): barcode, QR and the card's code in fours.
  const shown = document.querySelector('#member-code')
  expect(shown?.querySelector('#code-digits')?.textContent).toBe('8123 4567 8901')
  expect(shown?.querySelectorAll('.barcode .code-dark').length).toBeGreaterThan(20)
  expect(Number(shown?.querySelector('.qrcode')?.getAttribute('data-size'))).toBeGreaterThanOrEqual(21)
  expect(screen.getByText('会员码')).toBeTruthy()
  fireEvent.click(screen.getByText('充值'))
  expect(navigations).toEqual(['/member/pages/recharge/index?cardId=pMEMBER&code=812345678901'])
})

test('a member card not yet activated says so and offers activation, not recharge', async () => {
  cloudHandlers.set('member', (d) =>
    d.action === 'mine'
      ? { errcode: 0, members: [{ ...member, activated: false, membershipNumber: '' }] }
      : d.action === 'offered'
        ? { errcode: 0, cards: [] }
        : { errcode: 0, points: [], balance: [] },
  )
  render(<MemberHome />)
  expect(await screen.findByText('未激活')).toBeTruthy()
  expect(screen.queryByText('充值')).toBeNull()
  // The counter refuses a card not activated: no code to show yet.
  expect(document.querySelector('#member-code')).toBeNull()
  fireEvent.click(screen.getByText('立即激活'))
  expect(navigations).toEqual(['/member/pages/activate/index?cardId=pMEMBER&code=812345678901'])
})

test('a join whose card-bag sheet did not complete says to join again here, never to go to 「我的卡」 (issue 28)', async () => {
  cloudHandlers.set('member', (d) =>
    d.action === 'mine'
      ? { errcode: 0, members: [] }
      : d.action === 'offered'
        ? { errcode: 0, cards: [offered] }
        : { errcode: 0, cardList: [{ cardId: 'pMEMBER', cardExt: '{"signature":"s"}' }] },
  )
  let failure = 'addCard:fail cancel'
  wxHandlers.addCard = () => {
    throw new Error(failure)
  }
  render(<MemberHome />)
  fireEvent.click(await screen.findByText('免费加入'))
  expect(await screen.findByText('你取消了放入卡包，会员卡还没有领取，可随时在本页点「免费加入」重新领取')).toBeTruthy()
  failure = 'addCard:fail system error'
  fireEvent.click(await screen.findByText('免费加入'))
  expect(await screen.findByText('会员卡没有放入卡包，请在本页点「免费加入」重试')).toBeTruthy()
  expect(document.body.textContent).not.toContain('我的卡')
  expect(navigations).toEqual([])
})
