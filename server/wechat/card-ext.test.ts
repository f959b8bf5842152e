import { createHash } from 'node:crypto'
import { buildCardExt, cardSignString, cardSignature } from './card-ext'

// card-api-guide.zh.txt, 签名说明: its worked example.
const GUIDE = {
  apiTicket: 'ojZ8YtyVyr30HheH3CM73y7h4jJE',
  cardId: 'pjZ8Yt1XGILfi-FUsewpnnolGgZk',
  code: '1434008071',
  timestamp: '1404896688',
  nonceStr: '123',
}

test('reproduces the guide’s example signature and sorted string', () => {
  expect(cardSignString(GUIDE)).toBe('12314048966881434008071ojZ8YtyVyr30HheH3CM73y7h4jJEpjZ8Yt1XGILfi-FUsewpnnolGgZk')
  expect(cardSignature(GUIDE)).toBe('f137ab68b7f8112d20ee528ab6074564e2796250')
})

test('any one-character change changes the signature', () => {
  const base = cardSignature(GUIDE)
  for (const k of Object.keys(GUIDE) as (keyof typeof GUIDE)[]) {
    expect(cardSignature({ ...GUIDE, [k]: GUIDE[k].replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).not.toBe(base)
  }
})

test('absent code/openid are left out of the signature, openid is included when given', () => {
  const noCode = cardSignString({ apiTicket: 't', cardId: 'c', timestamp: '1', nonceStr: 'n' })
  expect(noCode).toBe(['t', 'c', '1', 'n'].sort().join(''))
  const withOpenid = cardSignature({ apiTicket: 't', cardId: 'c', timestamp: '1', nonceStr: 'n', openid: 'oX' })
  expect(withOpenid).toBe(createHash('sha1').update(['t', 'c', '1', 'n', 'oX'].sort().join('')).digest('hex'))
})

test('cardExt is a JSON string whose timestamp and nonce_str are the signed ones', () => {
  const ext = buildCardExt({
    apiTicket: GUIDE.apiTicket,
    cardId: GUIDE.cardId,
    code: GUIDE.code,
    timestamp: 1404896688,
    nonceStr: '123',
    outerStr: 'shelf',
    fixedBeginTimestamp: 1404896688,
  })
  const parsed = JSON.parse(ext.cardExt)
  expect(parsed).toEqual({
    code: GUIDE.code,
    timestamp: '1404896688',
    nonce_str: '123',
    fixed_begintimestamp: 1404896688,
    outer_str: 'shelf',
    signature: 'f137ab68b7f8112d20ee528ab6074564e2796250',
  })
})

test('each add gets a fresh 32-character nonce and a whole-second timestamp', () => {
  const a = buildCardExt({ apiTicket: 't', cardId: 'c' })
  const b = buildCardExt({ apiTicket: 't', cardId: 'c' })
  expect(a.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/)
  expect(a.nonceStr).not.toBe(b.nonceStr)
  expect(a.timestamp).toMatch(/^\d{10}$/)
  expect(Math.abs(Number(a.timestamp) - Date.now() / 1000)).toBeLessThan(5)
})

test('refuses what WeChat would refuse', () => {
  expect(() => buildCardExt({ apiTicket: '', cardId: 'c' })).toThrow(/api_ticket/)
  expect(() => buildCardExt({ apiTicket: 't', cardId: 'c', nonceStr: 'x'.repeat(33) })).toThrow(/nonce_str/)
  expect(() => buildCardExt({ apiTicket: 't', cardId: 'c', timestamp: 1.5 })).toThrow(/whole seconds/)
})
