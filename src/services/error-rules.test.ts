/**
 * @jest-environment node
 */
// The client puts a 1001's rule into Chinese by reading the English rule the functions wrote
// (src/services/errors.ts). Those words are written in three places on the server: the action schemas'
// field builders (contract/actions/fields.ts), the card/create rules (contract/card-rules.ts) and the
// WeChat request rules (server/wechat/rules.ts). Here each is made to refuse for real, and its own words
// must come out as a specific sentence: a rewording on the server that the client no longer reads fails
// here instead of falling back, unseen, to 填写有误.
import * as v from 'valibot'
import { int, str, oneOf, bool } from '../../contract/actions/fields'
import { cardTypeProblems } from '../../contract/card-rules'
import { Rules } from '../../server/wechat/rules'
import { WxRuleError } from '../../server/wechat/errors'
import { t } from '../strings'
import { CloudCallError } from './cloud'
import { userMessage } from './errors'

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined))
afterEach(() => jest.restoreAllMocks())

/** A function's 1001 as the handler answers it (server/platform/handler.ts: errmsg `<field> <rule>`, and `field`). */
const refusal = (field: string, errmsg: string) => new CloudCallError('merchant', 'x', 1001, errmsg, undefined, field)

/** The schema's own words for `value` (as the handler puts them: `<field> <issue message>`). */
function schemaRule(schema: v.GenericSchema, value: unknown): string {
  const r = v.safeParse(schema, value, { abortEarly: true })
  if (r.success) throw new Error(`${JSON.stringify(value)} passed`)
  return r.issues[0].message
}

/** The rule a WeChat request rule stated (server/wechat/rules.ts), as the handler answers it. */
function wxRule(check: (r: Rules) => void): { field: string; errmsg: string } {
  try {
    check(new Rules('card/create'))
  } catch (err) {
    if (err instanceof WxRuleError) return { field: err.field, errmsg: err.message }
    throw err
  }
  throw new Error('the rule passed')
}

const sentence = (name: string, rule: string) => t.errors.invalidField(name, rule)
const r = t.errors.rules

describe("the action schemas' rules read as a sentence naming the field", () => {
  test.each([
    ['title', 'over its length', str({ max: 9 }), 'x'.repeat(10), sentence('名称', r.maxChars('9'))],
    ['title', 'under its length', str({ min: 2 }), 'x', sentence('名称', r.minChars('2'))],
    ['title', 'empty', str(), '', sentence('名称', r.empty)],
    ['title', 'off its pattern', str({ pattern: /^[a-z]+$/ }), 'A1', sentence('名称', r.format)],
    ['days', 'below its least', int({ min: 1, max: 366 }), 0, sentence('天数', r.min('1'))],
    ['days', 'above its most', int({ min: 1, max: 366 }), 367, sentence('天数', r.max('366'))],
    ['days', 'not whole', int({ min: 1, max: 366 }), 1.5, sentence('天数', r.integer)],
    ['price', 'above its most, in yuan', int({ min: 1, max: 100_000_000 }), 100_000_001, sentence('售价', r.max('¥1000000.00'))],
    ['claimable', 'not true or false', bool(), 'yes', sentence('领券中心', r.bool)],
    ['level', 'not one of its values', oneOf(['A', 'B']), 'C', sentence('会员等级', r.oneOf)],
  ])('%s %s', (field, _, schema, value, text) => {
    expect(userMessage(refusal(field, `${field} ${schemaRule(schema, value)}`))).toBe(text)
  })
})

describe("the card/create rules' words read as a sentence naming the field", () => {
  const coupon = (body: Record<string, unknown>) => ({ card: { card_type: 'CASH', cash: { base_info: {}, ...body } } })
  test.each([
    ['a cash coupon without its reduction', coupon({}), 'card.cash.reduce_cost', sentence('减免金额', r.required)],
    [
      'a least cost that is not whole fen',
      coupon({ reduce_cost: 100, least_cost: 1.5 }),
      'card.cash.least_cost',
      sentence('起用金额', r.other),
    ],
  ])('%s', (_, req, field, text) => {
    const p = cardTypeProblems(req).find((x) => x.field === field)
    expect(p).toBeDefined()
    expect(userMessage(refusal(p!.field, `${p!.field} ${p!.rule}`))).toBe(text)
  })
})

describe("the WeChat request rules' words read as a sentence naming the field", () => {
  test.each([
    ['a text of too many Chinese characters', (x: Rules) => x.chinese('title', '很'.repeat(10), 9), sentence('名称', r.maxChinese('9'))],
    ['a required text left out', (x: Rules) => x.chinese('notice', undefined, 16, true), sentence('使用提醒', r.required)],
    ['an integer out of range', (x: Rules) => x.int('days', 400, 1, 366), sentence('天数', r.range('1', '366'))],
    ['a picture not on the CDN', (x: Rules) => x.picture('logo_url', 'https://example.com/a.png'), sentence('商户标志', r.pictureCdn)],
  ])('%s', (_, check, text) => {
    const { field, errmsg } = wxRule(check)
    expect(userMessage(refusal(field, errmsg))).toBe(text)
  })
})
