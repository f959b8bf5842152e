// What WeChat has retired from the card APIs, as the emulator's `WXEMU_RETIRED_APIS=retired-2021` preset
// (`npm start -- --retired`) answers it: errcode 45103 "This API has been unsupported".
//
// The five reference documents still describe ordinary coupons (card-api-guide.zh.txt: GROUPON, CASH,
// DISCOUNT, GIFT, GENERAL_COUPON) and friend coupons with their coin account (friend-coupons.zh.txt: 券点,
// card/pay/*) as if they were open to every Service Account. They no longer are: since 2021 WeChat creates
// new ordinary coupons only for accounts that still hold the permission, and points merchants to WeChat
// Pay's own coupons instead (WeChat's developer community, developers.weixin.qq.com/community/pay/doc/
// 0008ea63178e888e4abcc643956c00, answering a question on the guide's 《创建优惠券》 page: "旧版优惠券下线了,
// 新优惠券可以看这个 pay.weixin.qq.com/wiki/doc/apiv3/…"). Gift cards (GENERAL_CARD with sub_card_type
// GIFT_CARD, gift-card-api.en.txt) and member cards (member-card-management.en.txt) remain, and codes
// already in people's card bags can still be queried and consumed. The preset is this project's reading of
// that: what a merchant without the old permission meets. It is not a list WeChat published.

/** card/create of an ordinary coupon type (friend coupons are CASH and GIFT too). */
const COUPON_CREATION = ['CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON'].map((t) => `card/create:${t}`)
/** the friend-coupon coin account: opening it, buying coins, and turning coins into stock. */
const COIN_PURCHASE = ['card/pay/activate', 'card/pay/recharge', 'card/pay/getpayprice', 'card/pay/confirm']

export const RETIRED_PRESET = 'retired-2021'
export const RETIRED_2021: readonly string[] = [...COUPON_CREATION, ...COIN_PURCHASE]

/** WXEMU_RETIRED_APIS: comma-separated API paths or card/create:<type>, and the preset's name. */
export function retiredApisFrom(setting: string | undefined): string[] {
  const names = (setting ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  return [...new Set(names.flatMap((n) => (n === RETIRED_PRESET ? RETIRED_2021 : [n])))]
}
