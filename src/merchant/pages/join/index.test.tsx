import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub, setRouterParams } from '../../../../test/stubs/taro'
import JoinPage from './index'

beforeEach(resetTaroStub)

test('the invite QR code opens this page: one tap joins the staff, then the way to the counter', async () => {
  setRouterParams({ invite: 'AbCdEfGhIjKlMnOp' })
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(d)
    return { errcode: 0, role: 'staff' }
  })
  render(<JoinPage />)
  expect(calls).toEqual([])
  fireEvent.click(screen.getByText('接受邀请'))
  expect(await screen.findByText('你已成为店员')).toBeTruthy()
  expect(calls).toEqual([{ action: 'staffAccept', inviteId: 'AbCdEfGhIjKlMnOp' }])
  expect(screen.queryByText('进入商户管理')).toBeNull()
  fireEvent.click(screen.getByText('去核销'))
  expect(navigations.at(-1)).toBe('/merchant/pages/redeem/index')
})

// WeChat's 扫一扫 opens the invite's Mini Program code (wxacode.getUnlimited): the page gets the invite as
// its launch option `scene`, URL-encoded, no `invite` parameter.
test('the Mini Program code opens this page with the invite as scene: the same one tap joins', async () => {
  setRouterParams({ scene: encodeURIComponent('Ab-Cd_EfGhIjKlMn') })
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('card', (d) => {
    calls.push(d)
    return { errcode: 0, role: 'admin' }
  })
  render(<JoinPage />)
  fireEvent.click(screen.getByText('接受邀请'))
  expect(await screen.findByText('你已成为管理员')).toBeTruthy()
  expect(calls).toEqual([{ action: 'staffAccept', inviteId: 'Ab-Cd_EfGhIjKlMn' }])
})

test('a scene that is not URL-encoding is no invite', () => {
  setRouterParams({ scene: '%E0%A4%A' })
  render(<JoinPage />)
  expect(screen.getByText('没有找到邀请，请让店主重新生成二维码')).toBeTruthy()
})

test('an invite someone else took, or one expired, says so in words with a way back', async () => {
  setRouterParams({ invite: 'AbCdEfGhIjKlMnOp' })
  for (const [reason, said] of [
    ['INVITE_USED', '这个邀请已被其他人使用，请让店主重新生成二维码'],
    ['INVITE_EXPIRED', '这个邀请已过期（10 分钟内有效），请让店主重新生成二维码'],
  ]) {
    cloudHandlers.set('card', () => ({ errcode: 1006, errmsg: 'refused', reason }))
    const { unmount } = render(<JoinPage />)
    fireEvent.click(screen.getByText('接受邀请'))
    expect(await screen.findByText(said!)).toBeTruthy()
    expect(screen.getByText('返回首页')).toBeTruthy()
    unmount()
  }
})

test('opened without an invite: no button to press, a sentence instead', () => {
  render(<JoinPage />)
  expect(screen.getByText('没有找到邀请，请让店主重新生成二维码')).toBeTruthy()
  expect(screen.queryByText('接受邀请')).toBeNull()
})
