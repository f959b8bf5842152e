import { defineConfig, type UserConfigExport } from '@tarojs/cli'

// One config for both targets: `taro build --type weapp` → dist/weapp (the Mini Program DevTools opens,
// see project.config.json) and `--type h5` → dist/h5 (the H5 preview served by the local stack).
export default defineConfig<'webpack5'>(() => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'wx-giftcard',
    date: '2026-11-24',
    // Our styles are drawn on a 750-wide design; NutUI's on a 375-wide one (its documented setting).
    designWidth(input?: string | number | { file?: string }) {
      const file = typeof input === 'object' ? input.file : undefined
      return file?.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    // Only TARO_APP_* variables are inlined into bundles; secrets never are (see test/secrets.test.ts).
    env: {},
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      // Keep weapp output readable in DevTools; size is checked by `npm run size`.
      optimizeMainPackage: { enable: true },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  }
  return config
})
