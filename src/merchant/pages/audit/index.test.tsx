import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import AuditPage from './index'

beforeEach(resetTaroStub)

test('the audit log in words, with reasons, and more on request', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    // The first page names the next by its nextCursor; the last names none.
    const first = d.cursor === undefined
    if (!first) expect(d.cursor).toBe('c1.sig')
    return {
      errcode: 0,
      total: 2,
      entries: [
        first
          ? { at: 1764200000000, openid: 'oCarolOwner0001', action: 'orderRefund', target: 'MP123', reason: '顾客买错面额' }
          : { at: 1764100000000, openid: 'oCarolOwner0001', action: 'cardCreate', target: 'pNEW' },
      ],
      ...(first ? { nextCursor: 'c1.sig' } : {}),
    }
  })
  render(<AuditPage />)
  expect(await screen.findByText('退款')).toBeTruthy()
  expect(screen.getByText('MP123 · 顾客买错面额')).toBeTruthy()
  expect(screen.getAllByText('操作人 …er0001')).toHaveLength(1)
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('新建礼品卡')).toBeTruthy()
  expect(screen.queryByText('加载更多')).toBeNull()
})
