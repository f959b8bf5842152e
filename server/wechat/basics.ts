// cgi-bin: access_token, stable access_token, the wx_card api_ticket.
import type { WxTransport } from './transport'

export interface TokenReply {
  access_token: string
  expires_in: number
}

export interface TicketReply {
  ticket: string
  expires_in: number
}

export class BasicsApi {
  constructor(private readonly t: WxTransport) {}

  /** GET cgi-bin/token (2000 calls a day): the Service Account's access_token. */
  async token(appid: string, secret: string) {
    return this.t.call<TokenReply>('cgi-bin/token', {
      method: 'GET',
      auth: false,
      query: { grant_type: 'client_credential', appid, secret },
    })
  }

  /** POST cgi-bin/stable_token: a token that an ordinary fetch does not invalidate. */
  async stableToken(appid: string, secret: string, forceRefresh = false) {
    return this.t.call<TokenReply>('cgi-bin/stable_token', {
      method: 'POST',
      auth: false,
      idempotent: !forceRefresh,
      body: { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh },
    })
  }

  /** GET cgi-bin/ticket/getticket?type=wx_card: the api_ticket that signs card_ext. */
  async cardTicket() {
    return this.t.call<TicketReply>('cgi-bin/ticket/getticket', { method: 'GET', query: { type: 'wx_card' } })
  }
}
