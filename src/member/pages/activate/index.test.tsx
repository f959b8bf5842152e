import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams } from '../../../../test/stubs/taro'
import { checkActivationForm } from '../../../flows/member'
import ActivatePage from './index'

beforeEach(resetTaroStub)

const member = {
  cardId: 'pMEMBER',
  code: '812345678901',
  title: '星河会员卡',
  membershipNumber: '',
  activated: false,
  bonus: 0,
  balance: 0,
  level: '',
  status: 'NORMAL',
  prerogative: '',
  supplyBonus: true,
  supplyBalance: true,
  activationFields: ['phone', 'name', 'birthday'],
}

test('the form rules: 11-digit phone, a name without digits, a real past birthday', () => {
  const today = new Date('2026-11-27T00:00:00Z')
  expect(
    checkActivationForm({ phone: '13800138000', name: '李爱丽', birthday: '1990-05-20' }, ['phone', 'name', 'birthday'], today),
  ).toEqual([])
  expect(checkActivationForm({ phone: '1380013800', name: '', birthday: '' }, ['phone', 'name', 'birthday'], today)).toEqual([
    'phone',
    'name',
    'birthday',
  ])
  expect(checkActivationForm({ phone: '13800138000', name: '', birthday: '1990-02-30' }, ['phone'], today)).toEqual(['birthday'])
  expect(checkActivationForm({ phone: '13800138000', name: 'a1', birthday: '2030-01-01' }, ['phone'], today)).toEqual(['name', 'birthday'])
  expect(checkActivationForm({ phone: '13800138000', name: '', birthday: '' }, ['phone'], today)).toEqual([])
})

test('invalid fields are named in Chinese and nothing is sent; valid ones activate and return to the member card', async () => {
  setRouterParams({ cardId: 'pMEMBER', code: '812345678901' })
  const sent: Record<string, unknown>[] = []
  cloudHandlers.set('member', (d) => {
    if (d.action === 'mine') return { errcode: 0, members: [member] }
    sent.push(d)
    return { errcode: 0, membershipNumber: '8000000000123' }
  })
  render(<ActivatePage />)
  const inputs = await screen.findAllByRole('textbox')
  // Required before submitting (issue 28): the card asks for all three; the birthday from the date picker, up to today.
  for (const id of ['phone', 'name', 'birthday']) expect(document.querySelector(`#field-${id} .required-mark`)?.textContent).toBe('必填')
  const birthday = document.querySelector<HTMLInputElement>('#field-birthday [data-taro="Picker"][data-mode="date"] input')!
  expect(birthday.min).toBe('1900-01-01')
  expect(birthday.max).toBe(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10))
  expect(inputs).toHaveLength(2)
  fireEvent.change(inputs[0]!, { target: { value: '12345' } })
  fireEvent.click(screen.getByText('提交并激活'))
  expect(await screen.findByText('请输入正确的 11 位手机号')).toBeTruthy()
  expect(screen.getByText('请输入 1–20 个字的姓名（不含数字）')).toBeTruthy()
  // The birthday is picked, not typed: an empty one asks to choose it, not to type 年-月-日.
  expect(screen.getByText('请选择你的生日')).toBeTruthy()
  expect(document.body.textContent).not.toMatch(/填写真实的生日/)
  expect(sent).toEqual([])
  fireEvent.change(inputs[0]!, { target: { value: '13800138000' } })
  fireEvent.change(inputs[1]!, { target: { value: '李爱丽' } })
  fireEvent.change(birthday, { target: { value: '1990-05-20' } })
  fireEvent.click(screen.getByText('提交并激活'))
  await waitFor(() => expect(navigations).toEqual(['/member/pages/index/index']))
  expect(sent).toEqual([
    { action: 'activate', cardId: 'pMEMBER', code: '812345678901', phone: '13800138000', name: '李爱丽', birthday: '1990-05-20' },
  ])
})
