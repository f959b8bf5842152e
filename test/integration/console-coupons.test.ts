// The console's coupon and member-card forms against the whole local stack: the body each form builds
// (src/merchant/coupon-form.ts, member-card-form.ts) is what the merchant function and the emulated
// WeChat accept, for every type of card-api-guide.zh.txt and a friend coupon; merchant.couponList shows
// them; a coupon put in the 领券中心 is claimed by alice; a form value the contract refuses is refused by
// the function too (one rule, contract/card-rules.ts).
import type { Stack } from '../../emulator/stack'
import { COUPON_TYPES } from '../../contract/card-rules'
import { RETIRED_COUPONS_NOTICE } from '../../contract/coupon-notice'
import { checkCouponForm, couponBody, emptyCouponForm, type CouponForm } from '../../src/merchant/coupon-form'
import { checkMemberCardForm, emptyMemberCardForm, memberCardInput, memberFormHasErrors } from '../../src/merchant/member-card-form'
import { checkPayGiftForm, payGiftRule } from '../../src/merchant/pay-gift-form'
import { person, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)
const LOGO = 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0'

beforeAll(async () => {
  stack = await startJourneyStack()
})
afterAll(() => stack.stop())

const own: Record<string, Partial<CouponForm>> = {
  CASH: { reduceCost: '10', leastCost: '100' },
  DISCOUNT: { discount: '15' },
  GIFT: { gift: '咖啡一杯' },
  GROUPON: { dealDetail: '双人套餐' },
  GENERAL_COUPON: { defaultDetail: '全场九折' },
}
const form = (type: (typeof COUPON_TYPES)[number], extra: Partial<CouponForm> = {}): CouponForm => ({
  ...emptyCouponForm(type),
  title: '测试券',
  brandName: '星河咖啡',
  logoUrl: LOGO,
  description: '到店出示',
  ...own[type],
  ...extra,
})

test('every coupon type the form builds is created, with the notice; couponList lists them; one offered is claimed', async () => {
  const ids: string[] = []
  for (const type of COUPON_TYPES) {
    const f = form(type)
    expect(checkCouponForm(f)).toEqual({})
    const r = await merchant({ action: 'cardCreate', card: couponBody(f) })
    expect(r).toMatchObject({ errcode: 0, notice: RETIRED_COUPONS_NOTICE })
    ids.push(r.cardId as string)
  }
  const friend = form('GIFT', { friend: true, giftName: '咖啡', giftNum: '1', giftUnit: '杯', locationId: '1001' })
  expect(checkCouponForm(friend)).toEqual({})
  const fr = await merchant({ action: 'cardCreate', card: couponBody(friend) })
  expect(fr).toMatchObject({ errcode: 0 })
  const listed = (await merchant({ action: 'couponList' })).coupons as Json[]
  expect(listed.map((c) => c.cardId)).toEqual(expect.arrayContaining([...ids, fr.cardId]))
  expect(listed.find((c) => c.cardId === ids[0])).toMatchObject({
    type: 'CASH',
    terms: { leastCost: 10000, reduceCost: 1000 },
    friend: false,
    claimable: false,
  })
  expect(listed.find((c) => c.cardId === fr.cardId)).toMatchObject({ type: 'GIFT', friend: true })
  // A consumer never sees the merchant's list.
  expect((await person(stack, 'alice').fn('merchant', { action: 'couponList' })).errcode).toBe(1004)
  // Offered in the 领券中心: alice finds it there and claims it.
  expect(await merchant({ action: 'claimableSet', cardId: ids[0], claimable: true })).toMatchObject({ errcode: 0, claimable: true })
  const offered = (await person(stack, 'alice').fn('card', { action: 'claimables' })).items as Json[]
  expect(offered.find((i) => i.cardId === ids[0])).toMatchObject({ type: 'CASH', title: '测试券' })
  expect((await person(stack, 'alice').fn('card', { action: 'claim', cardId: ids[0], requestId: 'console-claim-1' })).errcode).toBe(0)
})

test('a value the form refuses as typed is what the function refuses: a 折扣券 of 100% off', async () => {
  const f = form('DISCOUNT', { discount: '100' })
  expect(checkCouponForm(f)).toEqual({ discount: { kind: 'rule', field: 'discount' } })
  const r = await merchant({ action: 'cardCreate', card: couponBody(f) })
  expect(r.errcode).toBe(1001)
  expect(r.errmsg).toMatch(/card\.discount\.discount/)
})

test('the member-card form’s input creates a member card with its levels', async () => {
  const f = {
    ...emptyMemberCardForm(),
    title: '星河会员卡',
    brandName: '星河咖啡',
    logoUrl: LOGO,
    prerogative: '会员九五折',
    description: '储值不可提现',
    levels: [
      { name: '普通', minBonus: '0' },
      { name: '金卡', minBonus: '1000' },
    ],
  }
  expect(memberFormHasErrors(checkMemberCardForm(f))).toBe(false)
  const r = await merchant({ action: 'memberCardCreate', ...memberCardInput(f) })
  expect(r).toMatchObject({ errcode: 0 })
  const cards = (await merchant({ action: 'memberCardList' })).cards as Json[]
  expect(cards.find((c) => c.cardId === r.cardId)).toMatchObject({
    levels: [
      { name: '普通', minBonus: 0 },
      { name: '金卡', minBonus: 1000 },
    ],
  })
  // A level name over 4 characters: refused by the form and by the function alike.
  const long = { ...f, levels: [{ name: '钻石至尊会员', minBonus: '0' }] }
  expect(checkMemberCardForm(long).levels[0]).toEqual({ name: { kind: 'levelName' } })
  expect((await merchant({ action: 'memberCardCreate', ...memberCardInput(long) })).errcode).toBe(1001)
})

test('the 买单送会员卡 form’s rule is added by payGiftRuleAdd, listed and deleted; one it refuses as typed, the function refuses', async () => {
  const f = {
    ...emptyMemberCardForm(),
    title: '买单会员卡',
    brandName: '星河咖啡',
    logoUrl: LOGO,
    prerogative: '买单即会员',
    description: '储值不可提现',
  }
  const { cardId } = await merchant({ action: 'memberCardCreate', ...memberCardInput(f) })
  const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10)
  const form = { cardId: cardId as string, mchids: '1900000109', leastCost: '10', maxCost: '1000', beginDate: day(0), endDate: day(30) }
  expect(checkPayGiftForm(form)).toEqual({})
  const added = await merchant({ action: 'payGiftRuleAdd', rule: payGiftRule(form) })
  expect(added).toMatchObject({ errcode: 0, succMchidList: ['1900000109'], failMchidList: [] })
  const listed = (await merchant({ action: 'payGiftRuleList', effective: true })).rules as Json[]
  expect(listed).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ member_rule: expect.objectContaining({ card_id: cardId, least_cost: 1000, max_cost: 100000 }) }),
    ]),
  )
  expect((await merchant({ action: 'payGiftRuleDelete', ruleId: added.ruleId })).errcode).toBe(0)
  const below = { ...form, maxCost: '5' }
  expect(checkPayGiftForm(below)).toEqual({ maxCost: { kind: 'rule', field: 'maxCost' } })
  const refused = await merchant({ action: 'payGiftRuleAdd', rule: payGiftRule(below) })
  expect(refused.errcode).toBe(1001)
  expect(refused.errmsg).toMatch(/max_cost/)
})
