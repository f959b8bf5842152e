// Cloud Pay's envId (the environment its result callback runs in, 必填 on unifiedOrder and refund) comes
// from the function's own environment when the context has none: wx-server-sdk's getWXContext() answers an
// empty context without WX_CONTEXT_KEYS, as a timer-triggered invocation can (issue 23). The real SDK runs here.
import { currentEnvId } from '../../server/platform/wx-cloud'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

test('no context (no WX_CONTEXT_KEYS): TCB_ENV, else SCF_NAMESPACE, else empty', () => {
  delete process.env.WX_CONTEXT_KEYS
  delete process.env.TCB_ENV
  delete process.env.SCF_NAMESPACE
  expect(currentEnvId({ TCB_ENV: 'prod-1a2b', SCF_NAMESPACE: 'prod-ns' })).toBe('prod-1a2b')
  expect(currentEnvId({ SCF_NAMESPACE: 'prod-ns' })).toBe('prod-ns')
  expect(currentEnvId({})).toBe('')
})

test('with a context, its ENV wins', () => {
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID'
  process.env.WX_OPENID = 'oCaller'
  process.env.TCB_ENV = 'ctx-env'
  expect(currentEnvId({ TCB_ENV: 'other', SCF_NAMESPACE: 'other-ns' })).toBe('ctx-env')
})
