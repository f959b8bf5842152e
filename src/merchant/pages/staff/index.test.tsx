import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import StaffPage from './index'

beforeEach(resetTaroStub)

const carol = { personId: 'P0123456789ABCDEF', name: '顾客·7F3A', role: 'admin', owner: true }
const bob = { personId: 'PFEDCBA9876543210', name: '王小波', role: 'staff', owner: false, grantedBy: '顾客·7F3A', grantedAt: 1764200000000 }

test('an owner invites staff with a QR code of the join page, and removes a member by name; no openid anywhere', async () => {
  const calls: Record<string, unknown>[] = []
  let staff: Record<string, unknown>[] = [carol, bob]
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin', owner: true }
    if (d.action === 'staffList') return { errcode: 0, staff }
    calls.push(d)
    if (d.action === 'staffInvite')
      return {
        errcode: 0,
        inviteId: 'AbCdEfGhIjKlMnOp',
        expiresAt: 1764200600000,
        qr: '/merchant/pages/join/index?invite=AbCdEfGhIjKlMnOp',
      }
    staff = staff.filter((s) => s.personId !== d.personId)
    return { errcode: 0, role: null, changed: true }
  })
  const { container } = render(<StaffPage />)
  expect(await screen.findByText('店主')).toBeTruthy()
  expect(screen.getByText('王小波')).toBeTruthy()
  expect(screen.getByText('顾客·7F3A 于 2025-11-27 07:33 添加')).toBeTruthy()
  expect(screen.queryByPlaceholderText(/用户编号/)).toBeNull()
  fireEvent.click(screen.getByText('邀请店员'))
  expect(await screen.findByText('店员邀请 · 2025-11-27 07:43 前有效')).toBeTruthy()
  const qr = container.querySelector('#invite-qr')!
  expect(qr.getAttribute('data-path')).toBe('/merchant/pages/join/index?invite=AbCdEfGhIjKlMnOp')
  // The QR code is drawn: rows of dark and light modules.
  expect(Number(qr.querySelector('.qrcode')!.getAttribute('data-size'))).toBeGreaterThanOrEqual(21)
  expect(qr.querySelectorAll('.code-dark').length).toBeGreaterThan(50)
  // One tap asks first, naming the person; nothing is sent until the owner confirms, and cancelling sends nothing.
  fireEvent.click(screen.getByText('移除'))
  const ask = '移除后，王小波（店员）将不能再进入商户管理或核销。如需恢复，请重新邀请。'
  expect(await screen.findByText(ask)).toBeTruthy()
  fireEvent.click(document.querySelector('.nut-dialog-footer-cancel')!)
  expect(calls.some((c) => c.action === 'staffSet')).toBe(false)
  expect(screen.getByText('王小波')).toBeTruthy()
  fireEvent.click(screen.getAllByText('移除')[0]!)
  await screen.findByText(ask)
  fireEvent.click(document.querySelector('.nut-dialog-footer-ok')!)
  await screen.findByText('已移除')
  expect(screen.queryByText('王小波')).toBeNull()
  expect(calls).toEqual([
    { action: 'staffInvite', role: 'staff' },
    { action: 'staffSet', personId: 'PFEDCBA9876543210', role: null },
  ])
})

test('an admin who is not an owner reads that only owners invite', async () => {
  cloudHandlers.set('merchant', (d) =>
    d.action === 'whoami' ? { errcode: 0, role: 'admin', owner: false } : { errcode: 0, staff: [carol] },
  )
  render(<StaffPage />)
  expect(await screen.findByText('只有店主可以邀请员工。')).toBeTruthy()
  expect(screen.queryByText('邀请店员')).toBeNull()
})

test('staff reaching the staff page read that it is for admins', async () => {
  cloudHandlers.set('merchant', () => ({ errcode: 0, role: 'staff' }))
  render(<StaffPage />)
  expect(await screen.findByText('此页面仅限管理员使用')).toBeTruthy()
})

// WeChat's 扫一扫 opens a Mini Program code, not a QR code of a path: the console shows the code
// merchant.staffInvite made (wxacode), and says so in words when WeChat refused it (wxacodeError).
const inviteAnswer = (extra: Record<string, unknown>) => (d: Record<string, unknown>) => {
  if (d.action === 'whoami') return { errcode: 0, role: 'admin', owner: true }
  if (d.action === 'staffList') return { errcode: 0, staff: [carol] }
  return {
    errcode: 0,
    inviteId: 'AbCdEfGhIjKlMnOp',
    expiresAt: 1764200600000,
    qr: '/merchant/pages/join/index?invite=AbCdEfGhIjKlMnOp',
    ...extra,
  }
}
const PNG = 'data:image/png;base64,iVBORw0KGgo='

test('the invite shows its Mini Program code, to scan with WeChat’s 扫一扫', async () => {
  cloudHandlers.set('merchant', inviteAnswer({ wxacode: PNG }))
  const { container } = render(<StaffPage />)
  expect(await screen.findByText('生成邀请小程序码，请员工用微信扫一扫。小程序码 10 分钟内有效，只能使用一次。')).toBeTruthy()
  fireEvent.click(screen.getByText('邀请店员'))
  expect(await screen.findByText('店员邀请 · 2025-11-27 07:43 前有效')).toBeTruthy()
  const qr = container.querySelector('#invite-qr')!
  expect(qr.querySelector('img.invite-code')!.getAttribute('src')).toBe(PNG)
  expect(qr.querySelector('.qrcode')).toBeNull()
  expect(screen.queryByText(/小程序码生成失败/)).toBeNull()
})

test('a Mini Program code WeChat refused: the console says so, and shows the path’s QR code', async () => {
  const why = 'wxacode.getUnlimited: -604101 system error: error code: -604101'
  cloudHandlers.set('merchant', inviteAnswer({ wxacodeError: why }))
  const { container } = render(<StaffPage />)
  fireEvent.click(await screen.findByText('邀请店员'))
  expect(await screen.findByText('小程序码生成失败，请稍后重新生成。下方二维码只含小程序路径，微信扫一扫无法直接打开。')).toBeTruthy()
  const qr = container.querySelector('#invite-qr')!
  expect(qr.querySelector('img')).toBeNull()
  expect(qr.querySelectorAll('.code-dark').length).toBeGreaterThan(50)
  expect(qr.getAttribute('data-error')).toBe(why)
  // The reason (English, an errcode) stays out of the words on the screen.
  expect(qr.textContent).not.toMatch(/604101|system error/)
})
