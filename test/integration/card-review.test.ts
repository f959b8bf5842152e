// A card WeChat's review refuses (#29): the emulator pushes card_not_pass_check with the reason, the
// product records it (server/domain/card-events.ts) and the merchant console lists the card as 审核未通过
// with that reason; an edit (card/update answers send_check true, friend-coupons.zh.txt line 1614
// "true为修改字段后重新提审,该卡券的状态变为审核中") puts it back under review, and the review passes.
import type { Stack } from '../../emulator/stack'
import example from '../fixtures/giftcard-create.example.json'
import { until } from '../helpers/emulator'
import { person, settle, startJourneyStack, type Json } from '../helpers/stack'

let stack: Stack
const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)

beforeAll(async () => {
  stack = await startJourneyStack({ WXEMU_REVIEW_SECONDS: '3600' })
})
afterAll(() => stack.stop())

async function row(cardId: string): Promise<Json> {
  const list = await merchant({ action: 'cardList' })
  return (list.cards as Json[]).find((c) => c.cardId === cardId)!
}

test('审核未通过 with WeChat’s reason, then edited, resubmitted and approved', async () => {
  const card = JSON.parse(JSON.stringify(example.card)) as Json
  const now = Math.floor(Date.now() / 1000)
  ;(card.general_card as Json).base_info = {
    ...((card.general_card as Json).base_info as Json),
    date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 60, end_timestamp: now + 90 * 86400 },
  }
  const created = await merchant({ action: 'cardCreate', card })
  expect(created).toMatchObject({ errcode: 0 })
  const cardId = created.cardId as string
  expect(await row(cardId)).toMatchObject({ reviewStatus: 'PENDING' })

  const reject = await person(stack, 'carol').emu('/__emu/review/reject', { cardId, reason: '使用说明含有违规内容' })
  expect(reject.status).toBe(200)
  await settle(stack)
  await until(async () => (await row(cardId)).reviewStatus === 'REJECTED', 'the refusal recorded')
  expect(await row(cardId)).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: '使用说明含有违规内容' })

  const updated = await merchant({
    action: 'cardUpdate',
    update: { card_id: cardId, general_card: { base_info: { description: '持卡到店消费，余额可多次使用' } } },
  })
  expect(updated).toMatchObject({ errcode: 0, send_check: true })
  // The console's list (the edit form starts from it) and the card page show the new text.
  expect(await row(cardId)).toMatchObject({ reviewStatus: 'PENDING', reviewReason: '', description: '持卡到店消费，余额可多次使用' })

  await person(stack, 'carol').emu('/__emu/clock', { advanceSeconds: 3600 })
  await settle(stack)
  await until(async () => (await row(cardId)).reviewStatus === 'APPROVED', 'the review passed')
})
