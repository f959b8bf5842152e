import { merchantAdvice, RETIRED_COUPONS_NOTICE } from './advice'

test('45103 names the refused API, says it in the console notice’s words, and says to stop relying on it', () => {
  const advice = merchantAdvice(45103, 'card/create')!
  expect(advice).toMatch(/^微信拒绝了接口 card\/create（errcode 45103）：/)
  expect(advice).toContain(RETIRED_COUPONS_NOTICE)
  expect(advice).toMatch(/礼品卡和会员卡不受影响。.*停用依赖该接口的功能。$/)
})

test('40164 names the IP WeChat saw and where to whitelist it', () => {
  expect(merchantAdvice(40164, 'card/get', 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 1')).toMatch(
    /服务器 IP 203\.0\.113\.7 不在公众号的 IP 白名单中.*「IP 白名单」/,
  )
})

test.each([48001, 48004, 50001, 50002])('permission errcode %s asks for the card permission', (code) => {
  expect(merchantAdvice(code, 'card/giftcard/order/refund')).toMatch(
    new RegExp(`没有调用 card/giftcard/order/refund 的权限（errcode ${code}）.*礼品卡权限`),
  )
})

test('an errcode a retry or a fix of the request solves has no advice', () => {
  expect(merchantAdvice(40001, 'card/get')).toBeUndefined()
  expect(merchantAdvice(40097, 'card/get')).toBeUndefined()
})
