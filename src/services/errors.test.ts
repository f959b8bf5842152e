import { CloudCallError } from './cloud'
import { userMessage } from './errors'

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
