import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import AuditPage from './index'

beforeEach(resetTaroStub)

test('the audit log as sentences, people by name, a picture as a thumbnail, and more on request', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    // The first page names the next by its nextCursor; the last names none.
    const first = d.cursor === undefined
    if (!first) expect(d.cursor).toBe('c1.sig')
    return {
      errcode: 0,
      total: 3,
      entries: first
        ? [
            {
              at: 1764200000000,
              by: '顾客·7F3A',
              action: 'orderRefund',
              text: '订单 MP123 退款 ¥200.00，原因：顾客买错面额',
              target: 'MP123',
            },
            {
              at: 1764150000000,
              by: '顾客·7F3A',
              action: 'imageUpload',
              text: '上传图片',
              image: 'https://cdn.example/face.png',
              target: 'image',
            },
          ]
        : [{ at: 1764100000000, by: '王小波', action: 'cardCreate', text: '新建优惠券「满100减20」', target: 'pNEW' }],
      ...(first ? { nextCursor: 'c1.sig' } : {}),
    }
  })
  const { container } = render(<AuditPage />)
  expect(await screen.findByText('订单 MP123 退款 ¥200.00，原因：顾客买错面额')).toBeTruthy()
  expect(screen.getAllByText(/^操作人 顾客·7F3A · /)).toHaveLength(2)
  // The picture is shown, its URL is not written out.
  expect(container.querySelector('[data-action="imageUpload"] img, [data-action="imageUpload"] taro-image-core')).toBeTruthy()
  expect(screen.queryByText(/https:/)).toBeNull()
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('新建优惠券「满100减20」')).toBeTruthy()
  expect(screen.getByText(/^操作人 王小波 · /)).toBeTruthy()
  expect(screen.queryByText('加载更多')).toBeNull()
})
