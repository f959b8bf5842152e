// Everything the functions say to WeChat: one client per Service Account, its API families sharing one
// transport whose access_token (and the wx_card api_ticket) live in the cloud database.
import type { Store } from '../store/port'
import { BasicsApi } from './basics'
import { CardApi } from './card'
import { CardPayApi } from './card-pay'
import { CodeApi } from './code'
import { SharedCredential, type CredentialOptions } from './credentials'
import { DatacubeApi } from './datacube'
import { GiftCardOrderApi } from './giftcard-order'
import { GiftCardPageApi } from './giftcard-page'
import { GiftCardPayApi } from './giftcard-pay'
import { InvoiceApi } from './invoice'
import { MediaApi } from './media'
import { MemberCardApi } from './member-card'
import { PayGiftCardApi } from './paygiftcard'
import { WxTransport, type RetryPolicy } from './transport'

export interface WechatClientOptions {
  store: Store
  appid: string
  secret: string
  apiBase: string
  fetch?: typeof fetch
  retry?: Partial<RetryPolicy>
  credentials?: CredentialOptions
  sleep?: (ms: number) => Promise<void>
  timeoutMs?: number
}

export function createWechatClient(o: WechatClientOptions) {
  const common = { apiBase: o.apiBase, fetch: o.fetch, retry: o.retry, sleep: o.sleep, timeoutMs: o.timeoutMs }
  const tokenFetcher = new BasicsApi(new WxTransport(common))
  const accessToken = new SharedCredential(
    o.store,
    `access_token:${o.appid}`,
    async () => {
      // stable_token in normal mode, never cgi-bin/token: the Service Account may have other servers (menus,
      // customer service) fetching its token, and each cgi-bin/token fetch retires the one before it ("Repeated
      // acquisition will invalidate the access_token obtained last time"); a stable token is kept apart from
      // theirs ("与 getAccessToken 获取的调用凭证完全隔离，互不影响") and answered, not replaced, while it
      // lives. Never force_refresh (20 a day, and it retires the token every instance holds): after a 40001,
      // normal mode answers the token of whoever forced a refresh.
      const r = await tokenFetcher.stableToken(o.appid, o.secret)
      return { value: r.access_token, expiresIn: r.expires_in }
    },
    o.credentials,
  )
  const t = new WxTransport({ ...common, tokens: accessToken })
  const basics = new BasicsApi(t)
  const cardTicket = new SharedCredential(
    o.store,
    `wx_card_ticket:${o.appid}`,
    async () => {
      const r = await basics.cardTicket()
      return { value: r.ticket, expiresIn: r.expires_in }
    },
    o.credentials,
  )
  return {
    appid: o.appid,
    accessToken,
    cardTicket,
    /**
     * A cgi-bin/stable_token fetch with this client's appid and secret: proves both, and the IP
     * whitelist, now, without replacing the access_token every instance shares (merchant.selfCheck).
     */
    probeToken: () => tokenFetcher.stableToken(o.appid, o.secret),
    transport: t,
    basics,
    card: new CardApi(t),
    code: new CodeApi(t),
    memberCard: new MemberCardApi(t),
    giftCardPage: new GiftCardPageApi(t),
    giftCardPay: new GiftCardPayApi(t),
    giftCardOrder: new GiftCardOrderApi(t),
    invoice: new InvoiceApi(t),
    payGiftCard: new PayGiftCardApi(t),
    cardPay: new CardPayApi(t),
    datacube: new DatacubeApi(t),
    media: new MediaApi(t),
  }
}

export type WechatClient = ReturnType<typeof createWechatClient>
