// WeChat's review of a coupon and of a member card, as the console reads it (catalog/review.ts): both are
// created through the merchant function and listed 审核中 (PENDING); the emulated reviewer refuses each
// (card_not_pass_check with its RefuseReason) and couponList / memberCardList show the refusal and the
// reason; an edit WeChat answers with send_check true ("true为修改字段后重新提审,该卡券的状态变为审核中",
// friend-coupons.zh.txt line 1614) puts each back to PENDING with no reason; the review then passes
// (card_pass_check) and both read APPROVED.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulator/stack'
import { couponBody, emptyCouponForm } from '../../src/merchant/coupon-form'
import { ROOT } from '../helpers/cloud'
import { until } from '../helpers/emulator'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const carol = () => person(stack, 'carol')
const merchant = (data: Json) => carol().fn('merchant', data)
const memberFixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/member-card-create.json'), 'utf8')) as Json

beforeAll(async () => {
  // An hour of review: each card stays under review until the reviewer refuses it or the clock moves.
  stack = await startJourneyStack({ WXEMU_REVIEW_SECONDS: '3600' })
})
afterAll(() => stack.stop())

async function coupon(cardId: string): Promise<Json> {
  const r = await merchant({ action: 'couponList' })
  return (r.coupons as Json[]).find((c) => c.cardId === cardId)!
}
async function memberCard(cardId: string): Promise<Json> {
  const r = await merchant({ action: 'memberCardList' })
  return (r.cards as Json[]).find((c) => c.cardId === cardId)!
}
const statusOf = async (couponId: string, memberId: string) => [
  (await coupon(couponId)).reviewStatus,
  (await memberCard(memberId)).reviewStatus,
]

test('a coupon and a member card: 审核中, refused with WeChat’s reason, resubmitted, approved', async () => {
  const couponForm = {
    ...emptyCouponForm('CASH'),
    title: '满百减十',
    brandName: '星河咖啡',
    logoUrl: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
    description: '到店出示',
    reduceCost: '10',
    leastCost: '100',
  }
  const c = await merchant({ action: 'cardCreate', card: couponBody(couponForm) })
  expect(c).toMatchObject({ errcode: 0 })
  const m = await merchant({ action: 'memberCardCreate', ...memberFixture })
  expect(m).toMatchObject({ errcode: 0 })
  const couponId = c.cardId as string
  const memberId = m.cardId as string

  expect(await coupon(couponId)).toMatchObject({ reviewStatus: 'PENDING' })
  expect(await memberCard(memberId)).toMatchObject({ reviewStatus: 'PENDING', title: '星河会员卡' })
  expect(await coupon(couponId)).not.toHaveProperty('reviewReason')

  // The reviewer refuses both: card_not_pass_check with RefuseReason, recorded on each one's own definition.
  expect((await carol().emu('/__emu/review/reject', { cardId: couponId, reason: '优惠券门槛填写不规范' })).status).toBe(200)
  expect((await carol().emu('/__emu/review/reject', { cardId: memberId, reason: '会员卡特权说明含有违规内容' })).status).toBe(200)
  await settle(stack)
  await until(async () => (await statusOf(couponId, memberId)).every((s) => s === 'REJECTED'), 'both refusals recorded')
  expect(await coupon(couponId)).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: '优惠券门槛填写不规范' })
  expect(await memberCard(memberId)).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: '会员卡特权说明含有违规内容' })

  // An edit we refuse (brand_name is not among card/update's fields) never reaches WeChat: the refusal stands.
  const refused = await merchant({ action: 'memberCardUpdate', cardId: memberId, update: { base_info: { brand_name: '新名字' } } })
  expect(refused.errcode).toBe(1001)
  expect(await memberCard(memberId)).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: '会员卡特权说明含有违规内容' })

  // Edited: WeChat answers send_check true and each is under review again, with no reason.
  const couponEdit = await merchant({
    action: 'cardUpdate',
    update: { card_id: couponId, cash: { base_info: { description: '到店出示此券' } } },
  })
  expect(couponEdit).toMatchObject({ errcode: 0, send_check: true })
  const memberEdit = await merchant({ action: 'memberCardUpdate', cardId: memberId, update: { prerogative: '会员消费每满1元得1积分' } })
  expect(memberEdit).toMatchObject({ errcode: 0, sendCheck: true })
  expect(await coupon(couponId)).toMatchObject({ reviewStatus: 'PENDING' })
  expect(await coupon(couponId)).not.toHaveProperty('reviewReason')
  expect(await memberCard(memberId)).toMatchObject({ reviewStatus: 'PENDING' })
  expect(await memberCard(memberId)).not.toHaveProperty('reviewReason')

  // The review passes an hour later (card_pass_check for each).
  expect((await carol().emu('/__emu/clock', { advanceSeconds: 3600 })).status).toBe(200)
  await settle(stack)
  await until(async () => (await statusOf(couponId, memberId)).every((s) => s === 'APPROVED'), 'both reviews passed')
  expect(await coupon(couponId)).not.toHaveProperty('reviewReason')

  // An edit of an approved card is not sent back to review (send_check false): it stays APPROVED.
  const again = await merchant({ action: 'memberCardUpdate', cardId: memberId, update: { prerogative: '会员消费每满1元得2积分' } })
  expect(again).toMatchObject({ errcode: 0, sendCheck: false })
  expect(await memberCard(memberId)).toMatchObject({ reviewStatus: 'APPROVED' })
})
