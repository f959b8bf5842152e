// What merchant.selfCheck reports for each function: the required variables it lacks, read as
// loadConfig reads them.
import { FUNCTION_NAMES, loadConfig, missingSettings } from './config'

const full = {
  WX_SA_APPID: 'wxa',
  WX_SA_SECRET: 's',
  WX_PUSH_TOKEN: 't',
  WX_PUSH_AES_KEY: 'k',
  MERCHANT_ADMIN_OPENIDS: 'o1',
  WX_PAY_SUBMCH_ID: '1900000109',
}

test('a fully configured environment lacks nothing in any of the seven functions', () => {
  expect(FUNCTION_NAMES).toHaveLength(7)
  for (const fn of FUNCTION_NAMES) expect(missingSettings(fn, full)).toEqual([])
})

test('each function names only what it needs: the sub-merchant for the payers, the owners for card and merchant, the push keys for wxpush', () => {
  const none = {}
  expect(missingSettings('gift', none)).toEqual(['WX_SA_APPID', 'WX_SA_SECRET'])
  expect(missingSettings('card', none)).toEqual(['WX_SA_APPID', 'WX_SA_SECRET', 'MERCHANT_ADMIN_OPENIDS'])
  expect(missingSettings('merchant', none)).toEqual(['WX_SA_APPID', 'WX_SA_SECRET', 'MERCHANT_ADMIN_OPENIDS', 'WX_PAY_SUBMCH_ID'])
  for (const fn of ['pay', 'member', 'cron'] as const)
    expect(missingSettings(fn, none)).toEqual(['WX_SA_APPID', 'WX_SA_SECRET', 'WX_PAY_SUBMCH_ID'])
  expect(missingSettings('wxpush', none)).toEqual(['WX_SA_APPID', 'WX_SA_SECRET', 'WX_PUSH_TOKEN', 'WX_PUSH_AES_KEY'])
  // An empty value is as good as none (a console field left blank).
  expect(missingSettings('pay', { ...full, WX_PAY_SUBMCH_ID: '' })).toEqual(['WX_PAY_SUBMCH_ID'])
})

test('wxpush needs the EncodingAESKey unless in plain mode; a mode loadConfig refuses is named', () => {
  const { WX_PUSH_AES_KEY: _key, ...noKey } = full
  void _key
  expect(missingSettings('wxpush', { ...noKey, WX_PUSH_MODE: 'plain' })).toEqual([])
  expect(missingSettings('wxpush', { ...noKey, WX_PUSH_MODE: 'compat' })).toEqual(['WX_PUSH_AES_KEY'])
  expect(missingSettings('gift', { ...full, WX_PUSH_MODE: 'secure' })).toEqual(['WX_PUSH_MODE'])
  expect(() => loadConfig({ ...full, WX_PUSH_MODE: 'secure' })).toThrow('WX_PUSH_MODE must be plain, compat or safe, got secure')
})
