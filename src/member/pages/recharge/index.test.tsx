import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, setRouterParams, wxHandlers } from '../../../../test/stubs/taro'
import RechargePage from './index'

beforeEach(resetTaroStub)

const member = {
  cardId: 'pMEMBER',
  code: '812345678901',
  title: '星河会员卡',
  membershipNumber: '8000000000123',
  activated: true,
  bonus: 50,
  balance: 0,
  level: '',
  status: 'NORMAL',
  prerogative: '',
  supplyBonus: true,
  supplyBalance: true,
  activationFields: ['phone'],
}

test('choose ¥100, pay with WeChat Pay, wait for the credit, see the new balance', async () => {
  setRouterParams({ cardId: 'pMEMBER', code: '812345678901' })
  let balance = 0
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('member', (d) => {
    calls.push(d)
    if (d.action === 'mine') return { errcode: 0, members: [{ ...member, balance }] }
    if (d.action === 'recharge') return { errcode: 0, orderId: 'MR1', status: 'CREATED', payment: { package: 'prepay_id=1' } }
    balance = 10000
    return { errcode: 0, recharge: { orderId: 'MR1', status: 'CREDITED', amount: 10000 } }
  })
  const paid: unknown[] = []
  wxHandlers.requestPayment = (p) => void paid.push(p)
  render(<RechargePage />)
  expect(await screen.findByText('¥0.00')).toBeTruthy()
  fireEvent.click(screen.getByText('¥100.00'))
  fireEvent.click(screen.getByText('支付 ¥100.00'))
  await waitFor(() => expect(screen.getByText('充值成功，已入账 ¥100.00')).toBeTruthy())
  expect(paid).toEqual([{ package: 'prepay_id=1' }])
  const order = calls.find((c) => c.action === 'recharge')!
  expect(order).toMatchObject({ cardId: 'pMEMBER', code: '812345678901', amount: 10000, requestId: expect.any(String) })
  await waitFor(() => expect(screen.getByText('¥100.00', { selector: '#recharge-balance' })).toBeTruthy())
})

test('a member card not yet activated cannot be recharged', async () => {
  setRouterParams({ cardId: 'pMEMBER', code: '812345678901' })
  cloudHandlers.set('member', () => ({ errcode: 0, members: [{ ...member, activated: false }] }))
  render(<RechargePage />)
  expect(await screen.findByText('请先激活会员卡再充值')).toBeTruthy()
  expect(screen.queryByText(/支付/)).toBeNull()
})
