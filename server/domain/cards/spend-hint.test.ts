// Spend hints (spend-hint.ts): what a hint opens to, and that one the server did not seal for this card and
// holder opens to nothing.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { spendHintKey } from '../../config'
import { openSpendHint, sealSpendHint } from './spend-hint'

const key = spendHintKey({ WX_SA_SECRET: 'the-app-secret' })!
const card = {
  _id: 'pGIFT:012345678901',
  mpOpenid: 'o-mp-alice',
  saOpenid: 'o-sa-alice',
  version: 7,
  balance: 8800,
  status: 'NORMAL' as const,
  member: false,
}

test('a hint opens, for its card and holder, to the version, balance and WeChat holder it was sealed with', () => {
  const hint = sealSpendHint(card, key)!
  expect(hint).toMatch(/^[A-Za-z0-9_-]{60,256}$/)
  // Sealed: the Service Account openid is not in it for the client to read.
  expect(Buffer.from(hint, 'base64url').includes('o-sa-alice')).toBe(false)
  expect(openSpendHint(hint, card._id, card.mpOpenid, key)).toEqual({ version: 7, balance: 8800, saOpenid: 'o-sa-alice' })
  // The same state seals to the same hint (a view read twice is equal); another state to another.
  expect(sealSpendHint(card, key)).toBe(hint)
  const next = sealSpendHint({ ...card, version: 8, balance: 8700 }, key)!
  expect(next).not.toBe(hint)
  expect(openSpendHint(next, card._id, card.mpOpenid, key)).toMatchObject({ version: 8, balance: 8700 })
})

test('another card, another holder, another AppSecret, one changed character: nothing', () => {
  const hint = sealSpendHint(card, key)!
  expect(openSpendHint(hint, 'pGIFT:999999999999', card.mpOpenid, key)).toBeUndefined()
  expect(openSpendHint(hint, card._id, 'o-mp-mallory', key)).toBeUndefined()
  expect(openSpendHint(hint, card._id, card.mpOpenid, spendHintKey({ WX_SA_SECRET: 'reset-secret' }))).toBeUndefined()
  const i = 20
  const flipped = hint.slice(0, i) + (hint[i] === 'A' ? 'B' : 'A') + hint.slice(i + 1)
  expect(openSpendHint(flipped, card._id, card.mpOpenid, key)).toBeUndefined()
  expect(openSpendHint('', card._id, card.mpOpenid, key)).toBeUndefined()
  expect(openSpendHint('AAAA', card._id, card.mpOpenid, key)).toBeUndefined()
  // Without the key (a process without WX_SA_SECRET) nothing opens.
  expect(openSpendHint(hint, card._id, card.mpOpenid, undefined)).toBeUndefined()
})

test('sealed with our key but not a hint we would make (a leaked key is not assumed): nothing', () => {
  const forge = (payload: string) => {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', key, iv)
    c.setAAD(Buffer.from(`${card._id}\n${card.mpOpenid}`))
    const body = Buffer.concat([c.update(payload), c.final()])
    return Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url')
  }
  expect(openSpendHint(forge('[7,8800,"o-sa-alice"]'), card._id, card.mpOpenid, key)).toEqual({
    version: 7,
    balance: 8800,
    saOpenid: 'o-sa-alice',
  })
  for (const bad of ['not json', '{"v":7}', '[7,8800]', '[7.5,8800,"x"]', '[7,"8800","x"]', '[7,8800,""]', '[7,8800,5]'])
    expect(openSpendHint(forge(bad), card._id, card.mpOpenid, key)).toBeUndefined()
})

test('no hint for a card its holder cannot spend by it: member, coupon, not NORMAL, empty, holder unknown, no key', () => {
  expect(sealSpendHint({ ...card, member: true }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, couponType: 'CASH' }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, status: 'GIFTING' }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, balance: 0 }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, saOpenid: '' }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, saOpenid: undefined }, key)).toBeUndefined()
  expect(sealSpendHint({ ...card, mpOpenid: '' }, key)).toBeUndefined()
  expect(sealSpendHint(card, undefined)).toBeUndefined()
})

test('the key is derived from the AppSecret under its own label: not the cursor key', () => {
  expect(key.equals(createHmac('sha256', 'the-app-secret').update('gift-card spend hint v1').digest())).toBe(true)
  expect(key.equals(createHmac('sha256', 'the-app-secret').update('gift-card list cursor v1').digest())).toBe(false)
  expect(spendHintKey({})).toBeUndefined()
})
