// What the merchant must do when WeChat refuses a call for a reason no retry can fix: the API has been
// retired, the account lacks the permission, or the server's IP is not on the whitelist. The message is
// shown as is in the merchant pages and the CLI, so it is Chinese and names the action to take.
//
// - 45103 "This API has been unsupported": since 2021 WeChat creates new ordinary coupons (and sells the
//   friend-coupon coins) only for accounts that still hold the permission (emulator/wechat/retired.ts cites
//   what is known of it); nothing on our side can bring them back. The refusal is shown in the same words
//   the console's notice uses before a merchant tries (RETIRED_COUPONS_NOTICE).
// - 48001 api unauthorized, 48004 api forbidden, 50001/50002 user unauthorized/limited: the Service
//   Account has not been granted the card (or gift-card) permission, or it has been suspended.
// - 40164 "invalid ip …, not in whitelist": the egress IP of the cloud functions must be added to the
//   Service Account's IP whitelist.
import { RETIRED_COUPONS_NOTICE } from '../../contract/coupon-notice'

/** The coupon notice lives in contract/ so the console shows it before a merchant tries. */
export { RETIRED_COUPONS_NOTICE }
export const RETIRED_API = 45103

/** The card types WeChat stopped creating for most accounts (card-api-guide.zh.txt's five; friend coupons are CASH/GIFT). */
export const ORDINARY_COUPON_TYPES: ReadonlySet<string> = new Set(['CASH', 'DISCOUNT', 'GIFT', 'GROUPON', 'GENERAL_COUPON'])

export const IP_NOT_WHITELISTED = 40164
export const PERMISSION_ERRCODES: ReadonlySet<number> = new Set([48001, 48004, 50001, 50002])

/** The reason a function gives with a refusal whose errmsg is merchantAdvice's sentence (shown as it is). */
export const WECHAT_ADVICE = 'WECHAT_ADVICE'

/** The message for the merchant, or undefined when the errcode needs no action from them. */
export function merchantAdvice(errcode: number, endpoint: string, errmsg = ''): string | undefined {
  if (errcode === RETIRED_API) {
    // The coupon notice only where it is the reason (creating a coupon, the 券点 APIs); any other API WeChat
    // stopped is named as such.
    if (/^card\/(create|pay\/)/.test(endpoint)) {
      return `微信拒绝了接口 ${endpoint}（errcode 45103）：${RETIRED_COUPONS_NOTICE}请改用礼品卡或会员卡，或在公众平台后台确认账号是否仍有该权限，并停用依赖该接口的功能。`
    }
    return `微信已停止提供接口 ${endpoint}（errcode 45103）。该功能无法再通过接口使用：请改用礼品卡或在公众平台后台操作，并停用依赖该接口的功能。`
  }
  if (errcode === IP_NOT_WHITELISTED) {
    const ip = /invalid ip ([0-9a-f.:]+)/i.exec(errmsg)?.[1]
    return `服务器 IP${ip ? ` ${ip}` : ''} 不在公众号的 IP 白名单中（errcode 40164）。请登录微信公众平台 →「设置与开发」→「基本配置」→「IP 白名单」，添加云函数的出口 IP 后重试。`
  }
  if (PERMISSION_ERRCODES.has(errcode)) {
    return `公众号没有调用 ${endpoint} 的权限（errcode ${errcode}）。请确认公众号已完成微信认证并开通卡券功能${endpoint.includes('giftcard') ? '和礼品卡权限' : ''}，账号未被封禁，然后重试。`
  }
  return undefined
}
