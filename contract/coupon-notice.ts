// The notice a merchant reads where they create an ordinary coupon or buy 券点, and inside a 45103
// refusal (server/wechat/advice.ts). Here so that the console shows it before the merchant tries, in
// the same words the merchant function answers with (`notice`): one sentence, two readers. It says
// 错误码, not errcode: the notice stands on every coupon screen, where only Chinese is shown.
/** What the merchant reads where they create an ordinary coupon or buy 券点, and in a 45103 refusal. */
export const RETIRED_COUPONS_NOTICE =
  '自 2021 年起，微信只为仍保有该权限的账号创建新的普通优惠券（代金券、折扣券、兑换券、团购券、优惠券和朋友的券），券点的开通、充值和兑换库存也只对这些账号开放；其他账号调用时微信会拒绝（错误码 45103）。礼品卡和会员卡不受影响。'
