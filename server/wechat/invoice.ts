// Post-payment invoices (gift-card-api §12): card/invoice/setbizattr with its four actions, getauthdata.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export interface AuthField {
  user_field?: {
    show_title?: number
    show_phone?: number
    show_email?: number
    require_phone?: number
    require_email?: number
    custom_field?: { key: string; is_require?: number }[]
  }
  biz_field?: {
    show_title?: number
    show_tax_no?: number
    show_addr?: number
    show_phone?: number
    show_bank_type?: number
    show_bank_no?: number
    require_tax_no?: number
    require_addr?: number
    require_phone?: number
    require_bank_type?: number
    require_bank_no?: number
    custom_field?: { key: string; is_require?: number }[]
  }
}

export class InvoiceApi {
  constructor(private readonly t: WxTransport) {}

  async setPayMch(paymch: { mchid: string; s_pappid: string }) {
    const r: Rules = new Rules('card/invoice/setbizattr?action=set_pay_mch')
    if (!paymch?.mchid) r.fail('paymch_info.mchid', 'is required')
    if (!paymch?.s_pappid) r.fail('paymch_info.s_pappid', 'is required')
    return this.t.call('card/invoice/setbizattr', { query: { action: 'set_pay_mch' }, body: { paymch_info: paymch }, idempotent: true })
  }

  async getPayMch() {
    return this.t.call<{ paymch_info: { mchid: string; s_pappid: string } }>('card/invoice/setbizattr', {
      query: { action: 'get_pay_mch' },
      body: {},
      idempotent: true,
    })
  }

  async setAuthField(fields: AuthField) {
    const r: Rules = new Rules('card/invoice/setbizattr?action=set_auth_field')
    if (!fields?.user_field && !fields?.biz_field) r.fail('auth_field', 'needs user_field or biz_field')
    return this.t.call('card/invoice/setbizattr', { query: { action: 'set_auth_field' }, body: { auth_field: fields }, idempotent: true })
  }

  /**
   * gift-card-api §12.2.2.3: the reply nests the fields, `{"errcode": 0, "errmsg": "ok", "auth_field":
   * { "user_field": {…}, "biz_field ": {…} } }` (the document's example has a stray space in "biz_field ";
   * the field table names it biz_field, which is what WeChat sends).
   */
  async getAuthField() {
    return this.t.call<{ auth_field: AuthField }>('card/invoice/setbizattr', {
      query: { action: 'get_auth_field' },
      body: {},
      idempotent: true,
    })
  }

  async getAuthData(req: { s_pappid: string; order_id: string }) {
    const r: Rules = new Rules('card/invoice/getauthdata')
    if (!req.s_pappid) r.fail('s_pappid', 'is required')
    if (!req.order_id) r.fail('order_id', 'is required')
    return this.t.call<{ invoice_status: string; auth_time: number; user_auth_info: Record<string, unknown> }>('card/invoice/getauthdata', {
      body: req,
      idempotent: true,
    })
  }
}
