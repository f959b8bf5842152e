import { join } from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import { cloudEnv } from './cloud-env'

// contract/ (types and pure rules shared with the server, e.g. contract/card-rules.ts) lies outside
// sourceRoot: compile it as the pages are, so pages may import its functions and not only its types.
const SHARED = [join(__dirname, '..', 'contract')]
// Packages in the Mini Program that ship newer syntax than WeChat runs everywhere: uqr (class fields,
// arrows) in the main package, @qiun/ucharts (rest parameters) in the merchant one. project.config.json
// leaves DevTools' 将 JS 代码编译成 ES5 off (es6: false), so what `taro build` writes is what phones
// parse, and iOS's JavaScriptCore rejects the whole file on one unknown token (class fields before
// iOS 14.5): compiled with our sources to the browserslist targets (ES5), as
// developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.md asks of syntax.
// test/miniprogram/launch.test.ts parses every file of dist/weapp as ES5.
const MODERN_PACKAGES = /[\\/]node_modules[\\/](uqr|@qiun[\\/]ucharts)[\\/]/

// One config for both targets: `taro build --type weapp` → dist/weapp (the Mini Program DevTools opens,
// see project.config.json) and `--type h5` → dist/h5 (the H5 preview served by the local stack).
export default defineConfig<'webpack5'>(() => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'wx-giftcard',
    date: '2026-11-24',
    // Our styles are drawn on a 750-wide design; NutUI's on a 375-wide one (its documented setting).
    // Taro copies this function into dist/weapp/app.js as source text, without the helpers the config's
    // compiler adds: `typeof input === 'object'` became `_type_of(input)`, a name that exists nowhere in
    // the bundle. Ask only about the primitives, which compile to plain `typeof`.
    designWidth(input?: string | number | { file?: string }) {
      const file = typeof input === 'string' || typeof input === 'number' ? undefined : input?.file
      return file?.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    // sitemap.json beside app.json, where WeChat looks for it (app.json sitemapLocation's default).
    ...(process.env.TARO_ENV === 'weapp'
      ? { copy: { patterns: [{ from: 'src/sitemap.json', to: 'dist/weapp/sitemap.json' }], options: {} } }
      : {}),
    plugins: [],
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    // The H5 build is the local preview (and the e2e suite's page), never shipped to WeChat: minified by
    // esbuild rather than terser, 83 s → 24 s on this machine for a bundle 12% larger
    // (docs/bench/issue-24-test-time-2026-12-06b.txt). Its target is the browsers the preview runs in
    // (esbuild cannot lower `const` to ES5). The weapp build keeps terser: it is what WeChat loads, held
    // to the 600 KB main-package budget. (The minimizer is a project-level option in Taro's types.)
    // Terser keeps the Chinese text as UTF-8 rather than Taro's default \uXXXX escapes (6 bytes a character
    // instead of 3; WeChat's code files are UTF-8, "iOS下仅支持 UTF8 编码格式"): about 20 KB of the main
    // package's 600. It still escapes U+2028/U+2029, which an ES5 string may not hold (the ES5 test parses it).
    ...(process.env.TARO_ENV === 'h5'
      ? { jsMinimizer: 'esbuild' as const, esbuild: { minify: { enable: true, config: { target: 'es2017' } } } }
      : { terser: { enable: true, config: { output: { ascii_only: false } } } }),
    // Only TARO_APP_* variables are inlined into bundles; secrets never are (see test/secrets.test.ts).
    // Taro inlines a TARO_APP_* variable only when an env file names it (docs.taro.zone/docs/env-mode-config:
    // .env, .env.local, .env.[mode], .env.[mode].local); one set only in the shell was left in the bundle as
    // `process.env.TARO_APP_CLOUD_ENV`, a ReferenceError in WeChat, which has no `process`. Taro has
    // loaded those files into process.env before it reads this config (a value set in the shell wins over
    // a file's), so defining the variable from process.env inlines it whichever way it was given.
    env: { TARO_APP_CLOUD_ENV: JSON.stringify(cloudEnv(process.env)) },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      compile: { include: [...SHARED, (modulePath: string) => MODERN_PACKAGES.test(modulePath)] },
      // Keep weapp output readable in DevTools; size is checked by `npm run size`.
      optimizeMainPackage: { enable: true },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: SHARED },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  }
  return config
})
