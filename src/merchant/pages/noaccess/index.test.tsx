import { render, screen } from '@testing-library/react'
import { resetTaroStub } from '../../../../test/stubs/taro'
import NoAccessPage from './index'

beforeEach(resetTaroStub)

test('the no-access page says why in a sentence and offers a way back', () => {
  render(<NoAccessPage />)
  expect(screen.getByText('你没有商户管理权限')).toBeTruthy()
  expect(screen.getByText('返回首页')).toBeTruthy()
})
