import { str, type Endpoint } from './api'
import { WxError } from './platform'

export const basicsApi: Record<string, Endpoint> = {
  'cgi-bin/token': {
    method: 'GET',
    auth: false,
    handler: (p, _b, q) => {
      if (q.get('grant_type') !== 'client_credential') throw new WxError(40002, 'invalid grant_type')
      return p.issueToken(q.get('appid') ?? '', q.get('secret') ?? '')
    },
  },
  'cgi-bin/stable_token': {
    method: 'POST',
    auth: false,
    handler: (p, b) => {
      if (b.grant_type !== 'client_credential') throw new WxError(40002, 'invalid grant_type')
      return p.issueToken(str(b, 'appid'), str(b, 'secret'), { stable: true, force: b.force_refresh === true })
    },
  },
  'cgi-bin/ticket/getticket': {
    method: 'GET',
    handler: (p, _b, q) => {
      if (q.get('type') !== 'wx_card') throw new WxError(40097, 'invalid args: type must be wx_card')
      return p.issueTicket()
    },
  },
}
