import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test-results/**', 'emulator/h5/switcher.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Pages reach Taro and wx only through src/services/.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@tarojs/taro', message: 'use src/services/ (the only module that touches Taro/wx APIs)' }] },
      ],
    },
  },
  {
    files: ['src/services/**', 'src/**/*.test.{ts,tsx}', 'src/app.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['server/**/*.ts', 'cloudfunctions/**/*.ts'],
    rules: {
      // wx-server-sdk is imported by server/platform/wx-cloud.ts alone; nothing server-side imports the emulator.
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/emulator/**'], message: 'production code never imports the emulator' }],
          paths: [
            {
              name: 'wx-server-sdk',
              allowTypeImports: true,
              message: 'only server/platform/wx-cloud.ts imports wx-server-sdk (types may be imported anywhere)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/platform/wx-cloud.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
