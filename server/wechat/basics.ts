// cgi-bin: the stable access_token, the wx_card api_ticket.
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

  /**
   * POST cgi-bin/stable_token in normal mode: the live token, or a new one in its last 5 minutes. The
   * functions' only way to a token (client.ts says why not cgi-bin/token, and why never force_refresh).
   */
  async stableToken(appid: string, secret: string) {
    return this.t.call<TokenReply>('cgi-bin/stable_token', {
      method: 'POST',
      auth: false,
      idempotent: true,
      body: { grant_type: 'client_credential', appid, secret, force_refresh: false },
    })
  }

  /** GET cgi-bin/ticket/getticket?type=wx_card: the api_ticket that signs card_ext. */
  async cardTicket() {
    return this.t.call<TicketReply>('cgi-bin/ticket/getticket', { method: 'GET', query: { type: 'wx_card' } })
  }
}
