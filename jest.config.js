// Three layers, one run: node (server, emulator, contracts against the local cloud), component
// (pages and components in jsdom with @tarojs/components as DOM stand-ins) and miniprogram
// (the compiled dist/weapp pages rendered by miniprogram-simulate with WeChat's WXML compiler); `dist`
// holds the node tests that read the client builds. `npm test` (scripts/test.ts) runs node and
// component while the client builds run, then miniprogram and dist once they are built.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', tsx: true },
    transform: { react: { runtime: 'automatic' } },
    target: 'es2021',
  },
  module: { type: 'commonjs' },
}
// NutUI and its icons ship ES modules: compile them like our own sources.
const compiledPackages = '/node_modules/(@nutui|@swc/helpers|uqr|@qiun/ucharts)/'
// Every module, node_modules included, gets the built-in globals it reads as local bindings (reads of a
// global in jest's vm context are ~50× slower than in Node; see the transformer's header).
const transform = ['<rootDir>/test/helpers/global-bindings-transform.js', { swc, compiled: compiledPackages }]

/** Node tests that read dist/weapp and dist/h5 (the other node tests need only the function bundles). */
const readsClientBuilds = ['<rootDir>/test/unit/bundles.test.ts', '<rootDir>/test/unit/secrets.test.ts']

const common = {
  transform: { '^.+\\.(c?js|jsx|tsx?)$': transform },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/'],
  transformIgnorePatterns: [],
  // Bundles in dist/cloudfunctions are loaded by the local cloud runtime with Node's own loader; their
  // package.json copies would only collide with the sources' in jest's module map.
  modulePathIgnorePatterns: ['<rootDir>/dist/cloudfunctions/'],
}

module.exports = {
  // Whole stacks with worker-thread function instances run in this process; one left running after the
  // last suite kept jest alive (seen once at the end of a full run). Exit when the run is done; the
  // results are already reported.
  forceExit: true,
  // Integration tests run whole stacks, real retries and the real wx-server-sdk's HTTP round trips to
  // the local cloud (a few ms each, many per call): seconds, not milliseconds.
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/{server,emulator,scripts,cloudfunctions}/**/*.test.ts',
        '<rootDir>/test/{unit,domain,contract,integration,property,conformance,crash}/**/*.test.ts',
      ],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '/test/unit/(bundles|secrets)\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'dist',
      testEnvironment: 'node',
      testMatch: readsClientBuilds,
    },
    {
      ...common,
      displayName: 'component',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
      setupFilesAfterEnv: ['<rootDir>/test/stubs/setup-component.ts'],
      moduleNameMapper: {
        '^@tarojs/components$': '<rootDir>/test/stubs/taro-components.tsx',
        '^@tarojs/taro$': '<rootDir>/test/stubs/taro.ts',
        '\\.(css|scss|less)$': '<rootDir>/test/stubs/style.ts',
      },
    },
    {
      ...common,
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'],
    },
  ],
}
