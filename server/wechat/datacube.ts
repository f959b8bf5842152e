// datacube/getcardbizuininfo and getcardcardinfo: at most 62 days a query, dates as YYYY-MM-DD.
import { Rules } from './rules'
import type { WxTransport } from './transport'

export const DATACUBE_MAX_DAYS = 62

export interface DatacubeQuery {
  begin_date: string
  end_date: string
  /** 0: cards created on the platform; 1: created by the API */
  cond_source: 0 | 1
}

function check(endpoint: string, q: DatacubeQuery): void {
  const r: Rules = new Rules(endpoint)
  r.dateRange('begin_date', q.begin_date, 'end_date', q.end_date, DATACUBE_MAX_DAYS)
  r.int('cond_source', q.cond_source, 0, 1)
}

export class DatacubeApi {
  constructor(private readonly t: WxTransport) {}

  async cardBizuinInfo(q: DatacubeQuery) {
    check('datacube/getcardbizuininfo', q)
    return this.t.call<{ list: Record<string, unknown>[] }>('datacube/getcardbizuininfo', { body: q, idempotent: true })
  }

  async cardCardInfo(q: DatacubeQuery & { card_id?: string }) {
    check('datacube/getcardcardinfo', q)
    return this.t.call<{ list: Record<string, unknown>[] }>('datacube/getcardcardinfo', { body: q, idempotent: true })
  }
}
