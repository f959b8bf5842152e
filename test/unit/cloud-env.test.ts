// A weapp build names its Cloud Development environment, or stops (config/cloud-env.ts says why).
import { cloudEnv } from '../../config/cloud-env'

test('a weapp build without TARO_APP_CLOUD_ENV, or with an empty or malformed one, stops and says how to set it', () => {
  for (const env of [undefined, '', ' ', 'prod 1a2b', 'prod-1a2b\n'])
    expect(() => cloudEnv({ TARO_ENV: 'weapp', TARO_APP_CLOUD_ENV: env })).toThrow(
      /TARO_APP_CLOUD_ENV must name the Cloud Development environment/,
    )
})

test('a weapp build inlines the environment named; the H5 preview needs none', () => {
  expect(cloudEnv({ TARO_ENV: 'weapp', TARO_APP_CLOUD_ENV: 'prod-1a2b' })).toBe('prod-1a2b')
  expect(cloudEnv({ TARO_ENV: 'h5' })).toBe('')
})
