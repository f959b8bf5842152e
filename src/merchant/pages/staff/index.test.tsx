import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import StaffPage from './index'

beforeEach(resetTaroStub)

test('admins add counter staff and remove them; owners cannot be removed here', async () => {
  const sets: Record<string, unknown>[] = []
  let staff = [{ openid: 'oCarolOwner0001', role: 'admin', owner: true }]
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'staffList') return { errcode: 0, staff }
    sets.push(d)
    staff = d.role
      ? [...staff, { openid: d.openid as string, role: d.role as string, owner: false }]
      : staff.filter((s) => s.openid !== d.openid)
    return { errcode: 0, changed: true }
  })
  render(<StaffPage />)
  expect(await screen.findByText('店主')).toBeTruthy()
  expect(screen.queryByText('移除')).toBeNull()
  fireEvent.change(screen.getByPlaceholderText('员工的小程序用户编号'), { target: { value: 'oBobStaff00001' } })
  fireEvent.click(screen.getByText('设为店员'))
  expect(await screen.findByText('店员')).toBeTruthy()
  fireEvent.click(screen.getByText('移除'))
  await screen.findByText('已保存')
  expect(sets).toEqual([
    { action: 'staffSet', openid: 'oBobStaff00001', role: 'staff' },
    { action: 'staffSet', openid: 'oBobStaff00001', role: null },
  ])
})

test('staff reaching the staff page read that it is for admins', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 0, role: 'staff' }))
  render(<StaffPage />)
  expect(await screen.findByText('此页面仅限管理员使用')).toBeTruthy()
})
