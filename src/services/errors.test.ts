import { CloudCallError } from './cloud'
import { notFoundFromLink, userMessage } from './errors'

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined))
afterEach(() => jest.restoreAllMocks())

test.each([
  [new CloudCallError('gift', 'claim', 1006, 'gift GF1 was claimed by someone else', 'GIFT_TAKEN'), '这份礼物已被其他人领取'],
  [new CloudCallError('card', 'detail', 1004, 'card pLc is not yours'), '这不是你的卡或订单'],
  [new CloudCallError('merchant', 'overview', 1004, 'only MERCHANT_ADMIN_OPENIDS'), '你没有商户管理权限'],
  [new CloudCallError('card', 'spend', 1006, 'insufficient balance: 100 < 200'), '礼品卡余额不足'],
  [new CloudCallError('card', 'spend', 1503, 'spend:O1: the card is busy, try again'), '这张卡正忙，请稍后再试'],
  [new CloudCallError('card', 'listMine', 1500, 'internal error in card.listMine'), '服务开小差了，请稍后再试'],
  [new CloudCallError('card', 'listMine', -1, 'could not reach the cloud function: network down'), '网络不太稳定，请稍后再试'],
  // A refusal only the merchant can fix: the function's sentence (server/wechat/advice.ts) as it is.
  [
    new CloudCallError('merchant', 'cardCreate', 1502, '微信拒绝了接口 card/create（errcode 45103）：自 2021 年起……', 'WECHAT_ADVICE'),
    '微信拒绝了接口 card/create（errcode 45103）：自 2021 年起……',
  ],
  [new CloudCallError('merchant', 'cardCreate', 1502, 'WeChat: card/create: errcode 40097: invalid args'), '微信暂时无法处理，请稍后再试'],
  [new Error('requestPayment:fail cancel'), '你取消了支付'],
  [new Error('requestPayment:fail system error'), '支付没有完成，请重试'],
  [new Error('addCard:fail cancel'), '你取消了放入卡包，可稍后在「我的卡」继续'],
  [new Error('payment-pending'), '支付结果确认中，请稍后在「我的卡」查看'],
])('%s reads as a sentence', (err, text) => {
  expect(userMessage(err)).toBe(text)
})

test('the errcode and the function go to the log, not to the person', () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
  userMessage(new CloudCallError('card', 'detail', 1004, 'card pLc is not yours'))
  expect(warn).toHaveBeenCalledWith(
    '[error]',
    expect.objectContaining({ fn: 'card', action: 'detail', errcode: 1004, errmsg: 'card pLc is not yours' }),
  )
})

// A 1001 names the field that was refused, in Chinese, with what it must be (docs/functions-api.md: every
// bad input is 1001 naming the field); never the generic sentence when the field has a name.
test.each([
  [new CloudCallError('merchant', 'cardStock', 1001, 'delta must not be 0', undefined, 'delta'), '「库存变化」不能为 0'],
  [
    new CloudCallError('merchant', 'cardStock', 1001, 'delta must be at most 100000000', undefined, 'delta'),
    '「库存变化」不能大于 100000000',
  ],
  // a reply from before `field` was added: the errmsg's first word is the field
  [new CloudCallError('merchant', 'orderRefund', 1001, 'reason must be at most 64 characters'), '「原因」最多 64 个字'],
  // amounts are fen: their limits read in yuan
  [
    new CloudCallError('merchant', 'cardAdjust', 1001, 'amount must be at least -100000000', undefined, 'amount'),
    '「金额」不能小于 ¥-1000000.00',
  ],
  // a WeChat rule broken before sending names WeChat's field, behind the endpoint
  [
    new CloudCallError(
      'merchant',
      'cardCreate',
      1001,
      'card/create: card.general_card.base_info.title must be at most 9 Chinese characters (27 UTF-8 bytes), got 30 bytes',
      undefined,
      'card.general_card.base_info.title',
    ),
    '「名称」最多 9 个汉字',
  ],
  [
    new CloudCallError('merchant', 'orderList', 1001, 'cursor has expired: start again from the first page', undefined, 'cursor'),
    '「翻页位置」已失效，请回到第一页重新查看',
  ],
  [
    new CloudCallError('merchant', 'cardStock', 1001, 'delta must not reduce the stock by more than the 3 left', 'STOCK_TOO_LOW', 'delta', {
      stock: 3,
    }),
    '「库存变化」减少的数量超过了现有库存：现有 3 份，最多只能减少 3 份',
  ],
])('%s names its field in words', (err, text) => {
  expect(userMessage(err)).toBe(text)
})

test('a link whose id is mangled or names nothing reads as not found; a reason of the server’s own is kept', () => {
  const asLink = (err: unknown) => {
    try {
      notFoundFromLink('GIFT_NOT_FOUND')(err)
    } catch (e) {
      return e as CloudCallError
    }
    throw new Error('not rethrown')
  }
  const mangled = asLink(new CloudCallError('gift', 'get', 1001, 'giftId has an invalid format', undefined, 'giftId'))
  expect([mangled.errcode, mangled.reason, userMessage(mangled)]).toEqual([1005, 'GIFT_NOT_FOUND', '没有找到这份礼物'])
  expect(asLink(new CloudCallError('gift', 'get', 1005, 'no gift GF1')).reason).toBe('GIFT_NOT_FOUND')
  expect(asLink(new CloudCallError('gift', 'get', 1005, 'the gift expired', 'GIFT_EXPIRED')).reason).toBe('GIFT_EXPIRED')
  const busy = new CloudCallError('gift', 'get', 1503, 'busy')
  expect(asLink(busy)).toBe(busy)
})
