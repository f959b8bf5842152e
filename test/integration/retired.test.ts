// Honest about the platform (#29): with the emulator's retired-2021 preset (`npm start -- --retired`,
// WXEMU_RETIRED_APIS=retired-2021, emulator/wechat/retired.ts) new ordinary coupons and the 券点 purchase
// answer 45103, and the merchant reads why in the same words the console's notice uses; gift cards and
// member cards still work. Without the preset, creating an ordinary coupon or buying 券点 carries the notice.
import type { Stack } from '../../emulator/stack'
import { RETIRED_2021 } from '../../emulator/wechat/retired'
import { RETIRED_COUPONS_NOTICE } from '../../server/wechat/advice'
import example from '../fixtures/giftcard-create.example.json'
import memberExample from '../fixtures/member-card-create.json'
import { person, startJourneyStack, type Json } from '../helpers/stack'

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
const now = Math.floor(Date.now() / 1000)

function giftCard(): Json {
  const card = clone(example.card) as Json
  ;(card.general_card as Json).base_info = {
    ...((card.general_card as Json).base_info as Json),
    date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 60, end_timestamp: now + 90 * 86400 },
  }
  return card
}

/** A 代金券 built from the gift card's base_info (a coupon type the guide describes). */
function cashCoupon(): Json {
  const bi = clone((giftCard().general_card as Json).base_info as Json)
  delete bi.giftcard_info
  delete bi.max_give_friend_times
  delete bi.get_limit
  return {
    card_type: 'CASH',
    cash: { least_cost: 10000, reduce_cost: 1000, base_info: { ...bi, color: 'Color010', notice: '结账时出示' } },
  }
}

describe('with the retired-2021 preset', () => {
  let stack: Stack
  const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)
  beforeAll(async () => {
    stack = await startJourneyStack({ WXEMU_RETIRED_APIS: 'retired-2021' })
  })
  afterAll(() => stack.stop())

  test('the preset names new ordinary coupons and the coin purchase', () => {
    expect([...stack.wechat.platform.retired].sort()).toEqual([...RETIRED_2021].sort())
  })

  test('an ordinary coupon and 券点 are refused with 45103, in the notice’s words', async () => {
    const coupon = await merchant({ action: 'cardCreate', card: cashCoupon() })
    expect(coupon).toMatchObject({ errcode: 1502, wxErrcode: 45103, reason: 'WECHAT_ADVICE' })
    expect(coupon.errmsg).toContain(RETIRED_COUPONS_NOTICE)
    const coins = await merchant({ action: 'coinsActivate' })
    expect(coins).toMatchObject({ errcode: 1502, wxErrcode: 45103, reason: 'WECHAT_ADVICE' })
    expect(coins.errmsg).toMatch(/^微信拒绝了接口 card\/pay\/activate（errcode 45103）：自 2021 年起/)
  })

  test('gift cards and member cards still work', async () => {
    expect(await merchant({ action: 'cardCreate', card: giftCard() })).toMatchObject({ errcode: 0, cardId: expect.stringMatching(/^p/) })
    expect(await merchant({ action: 'memberCardCreate', ...clone(memberExample) })).toMatchObject({ errcode: 0 })
  })
})

test('without the preset, an ordinary coupon and a 券点 purchase answer with the notice', async () => {
  const stack = await startJourneyStack()
  try {
    const merchant = (data: Json) => person(stack, 'carol').fn('merchant', data)
    expect(await merchant({ action: 'cardCreate', card: cashCoupon() })).toMatchObject({ errcode: 0, notice: RETIRED_COUPONS_NOTICE })
    expect(await merchant({ action: 'coinsActivate' })).toMatchObject({ errcode: 0, reward: 200, notice: RETIRED_COUPONS_NOTICE })
    const gift = await merchant({ action: 'cardCreate', card: giftCard() })
    expect(gift.errcode).toBe(0)
    expect(gift.notice).toBeUndefined()
  } finally {
    await stack.stop()
  }
})
